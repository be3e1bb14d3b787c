import path from 'node:path';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

/** @temporalio/ui's Markdown editors load './index' next to them; ours carries only what they use. */
const markdownOnlyMonaco = {
  name: 'markdown-only-monaco',
  enforce: 'pre',
  resolveId(id, importer) {
    if (id === './index' && importer && importer.includes('/@temporalio/ui/dist/holocene/monaco/')) return path.resolve('src/lib/monaco.js');
    return null;
  },
};

export default defineConfig({
  plugins: [markdownOnlyMonaco, sveltekit()],
  // The UI calls its API on the page's own origin (the devserver serves both).
  define: {
    'import.meta.env.VITE_API': JSON.stringify(''),
    'import.meta.env.VITE_TEMPORAL_UI_BUILD_TARGET': JSON.stringify('local'),
    'import.meta.env.VITE_DARK_MODE': JSON.stringify(''),
  },
  build: { sourcemap: false, reportCompressedSize: false, chunkSizeWarningLimit: 4096 },
});
