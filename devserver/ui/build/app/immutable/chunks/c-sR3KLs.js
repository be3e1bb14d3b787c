import{a as e,t}from"./BbrCbiqu.js";import"./CLWyv0qR.js";var i=t('<hr tabindex="-1" aria-hidden="true" class="w-full border-subtle">');function n(r){var a=i();e(r,a)}export{n as M};
