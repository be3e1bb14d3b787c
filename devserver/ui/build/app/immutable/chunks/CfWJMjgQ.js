import{c as m,a as i}from"./BDj2BZOh.js";import{f as n}from"./DF51DcoZ.js";import{s as p}from"./DsyvRPlb.js";function c(a,o){var r=m(),t=n(r);p(t,()=>o.children),i(a,r)}export{c as L};
