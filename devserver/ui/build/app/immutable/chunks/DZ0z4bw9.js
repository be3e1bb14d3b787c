import{c as m,a as i}from"./BbrCbiqu.js";import{f as n}from"./CHAxU8BN.js";import{s as p}from"./wH0XnqFN.js";function c(a,o){var r=m(),t=n(r);p(t,()=>o.children),i(a,r)}export{c as L};
