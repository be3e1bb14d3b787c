import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** A single-page app: the devserver answers every unknown path with index.html. */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', precompress: false, strict: false }),
    prerender: { entries: [] },
    // The build output's file names change with its content; one directory that git can replace whole.
    appDir: 'app',
    version: { name: 'sparkify-devserver-ui' },
  },
};
