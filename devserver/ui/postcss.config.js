import tailwindcss from 'tailwindcss';
import nesting from 'tailwindcss/nesting/index.js';
import autoprefixer from 'autoprefixer';

export default { plugins: [nesting(), tailwindcss(), autoprefixer()] };
