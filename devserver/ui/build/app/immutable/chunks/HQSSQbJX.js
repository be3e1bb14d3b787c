import{ae as r,af as t}from"./CHAxU8BN.js";import{r as o}from"./DsXSCZfh.js";const e="CoreUser",s=o({namespaceWriteDisabled:()=>!1}),c=()=>r(e)?t(e):s;export{c};
