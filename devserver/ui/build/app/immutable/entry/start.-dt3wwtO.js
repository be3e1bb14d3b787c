import{l as o,a as r}from"../chunks/Dju8yTZO.js";export{o as load_css,r as start};
