import{g as t}from"./DsXSCZfh.js";import{p as s}from"./L0y4tgjZ.js";const r=s("AuthUser",{}),a=()=>t(r);export{r as a,a as g};
