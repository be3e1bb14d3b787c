import{ae as r,af as t}from"./DF51DcoZ.js";import{r as o}from"./D6Gm5hB3.js";const e="CoreUser",s=o({namespaceWriteDisabled:()=>!1}),c=()=>r(e)?t(e):s;export{c};
