import{o,J as f,x as i,Q as p,q as c,z as d,W as h}from"./CHAxU8BN.js";function l(e,n,...t){var s=e,r=h,a;o(()=>{r!==(r=n())&&(a&&(p(a),a=null),a=i(()=>r(s,...t)))},f),c&&(s=d)}export{l as s};
