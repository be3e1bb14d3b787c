import{w as s}from"./DsXSCZfh.js";import{p as a}from"./L0y4tgjZ.js";const r=a("lastNamespace","default",!0),o=s([]);export{r as l,o as n};
