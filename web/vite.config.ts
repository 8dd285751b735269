import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// Built from web/ (`npm run build`); the root vitest.config.ts is separate and never loads this.
export default defineConfig({
  plugins: [sveltekit()],
  server: {
    // `vite dev` in web/ while `npm start` serves the API on :3000.
    proxy: { '/api': { target: 'http://localhost:3000', ws: true } },
    fs: { allow: ['../server/contracts', '../server/rules'] },
  },
  build: { reportCompressedSize: false, rolldownOptions: { checks: { pluginTimings: false } } },
  // SvelteKit needs cookie@0.6 (nested under @sveltejs/kit), while Fastify hoists cookie@2 to the
  // root node_modules: bundle it from where SvelteKit's own files resolve it.
  ssr: { noExternal: ['cookie'] },
});
