import{g as t}from"./D6Gm5hB3.js";import{p as s}from"./Br3gUms0.js";const r=s("AuthUser",{}),a=()=>t(r);export{r as a,a as g};
