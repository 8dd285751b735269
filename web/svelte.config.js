import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  compilerOptions: { runes: true },
  kit: {
    // Fastify mounts build/handler.js (server/http/plugins/web.ts); `node build` is never run.
    adapter: adapter({ out: 'build', precompress: true }),
    alias: {
      // The zod contracts the API validates with: the web app parses every response with them.
      $contracts: '../server/contracts',
      // Display rules the briefing also uses (town flags, 万件 rounding, Shanghai business time):
      // plain browser-safe modules, so the dashboard and the PDF never disagree. The only door
      // from web/ into the server besides the contracts; tests/unit/rules-boundary.test.ts keeps
      // it that way.
      $rules: '../server/rules',
    },
    // Pages get SvelteKit's own policy (nonces for its inline bootstrap script); the web plugin
    // drops helmet's policy for the requests it hands over.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // Svelte's style: directives render style attributes.
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        // Same-origin fetches and the live websocket (CSP 3 lets 'self' cover ws:/wss: to this host).
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
    // Deploys are restarts of one process; no need to poll for a new version.
    version: { pollInterval: 0 },
  },
};

export default config;
