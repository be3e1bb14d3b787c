import defaultTheme from 'tailwindcss/defaultTheme';
import temporal, { textStyles } from './node_modules/@temporalio/ui/dist/theme/plugin.js';

/** Temporal's design system (its Tailwind plugin) over the classes its components use. */
export default {
  content: ['./src/**/*.{html,js,svelte,ts}', './node_modules/@temporalio/ui/dist/**/*.{svelte,js}'],
  darkMode: ['selector', '[data-theme="dark"]'],
  theme: {
    fontFamily: {
      sans: ['Inter', ...defaultTheme.fontFamily.sans],
      mono: ['Noto Sans Mono', ...defaultTheme.fontFamily.mono],
    },
    extend: { animation: { 'spin-slow': 'spin 3s linear infinite' }, zIndex: { 100: '100' } },
  },
  plugins: [temporal, textStyles],
};
