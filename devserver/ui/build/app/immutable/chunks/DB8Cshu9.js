import{w as s}from"./D6Gm5hB3.js";import{p as a}from"./Br3gUms0.js";const r=a("lastNamespace","default",!0),o=s([]);export{r as l,o as n};
