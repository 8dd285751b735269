// How much JavaScript the dashboard costs, gzipped: what its first load fetches (SvelteKit's
// entry, the root layout and the dashboard page with everything they import), and what it
// fetches afterwards on its own (chart.js, loaded when the charts are drawn).

import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

type ManifestChunk = { file: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[]; src?: string };
export type WebSize = { route: string; initialJsGzip: number; lazyJsGzip: number; cssGzip: number; initialFiles: string[]; lazyFiles: string[] };

export function measureWebSize(webDir: string, routeFile = 'src/routes/+page.svelte'): WebSize {
  const client = join(webDir, '.svelte-kit', 'output', 'client');
  const manifest: Record<string, ManifestChunk> = JSON.parse(readFileSync(join(client, '.vite', 'manifest.json'), 'utf8'));
  const gz = (file: string) => gzipSync(readFileSync(join(client, file)), { level: 9 }).length;

  // SvelteKit's generated nodes/N.js files name the layout or page they wrap.
  const nodeFor = (file: string) =>
    Object.keys(manifest).find(
      (key) =>
        /generated\/client-optimized\/nodes\/\d+\.js$/.test(key) && existsSync(join(webDir, key)) && readFileSync(join(webDir, key), 'utf8').includes(file),
    );
  const roots = [
    // SvelteKit's own entry points (every layout and page is an entry too, loaded by route)
    ...Object.keys(manifest).filter((k) => manifest[k].file.startsWith('_app/immutable/entry/')),
    nodeFor('src/routes/+layout.svelte'),
    nodeFor(routeFile),
  ].filter((k): k is string => !!k);

  const closure = (starts: string[], seen = new Set<string>()) => {
    const stack = [...starts];
    while (stack.length) {
      const key = stack.pop()!;
      if (seen.has(key) || !manifest[key]) continue;
      seen.add(key);
      stack.push(...(manifest[key].imports ?? []));
    }
    return seen;
  };
  const initial = closure(roots);
  const lazyRoots = [...initial]
    .flatMap((k) => manifest[k].dynamicImports ?? [])
    .filter((k) => !/generated\/client-optimized\/nodes\//.test(k) && !/error-template/.test(k));
  const lazy = [...closure(lazyRoots)].filter((k) => !initial.has(k));
  const css = new Set([...initial].flatMap((k) => manifest[k].css ?? []));

  const files = (keys: Iterable<string>) => [...new Set([...keys].map((k) => manifest[k].file))].filter((f) => f.endsWith('.js'));
  const sum = (list: string[]) => list.reduce((n, f) => n + gz(f), 0);
  const initialFiles = files(initial);
  const lazyFiles = files(lazy);
  return { route: routeFile, initialJsGzip: sum(initialFiles), lazyJsGzip: sum(lazyFiles), cssGzip: sum([...css]), initialFiles, lazyFiles };
}

export function formatWebSize(s: WebSize): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  return `Dashboard JS (gzip): ${kb(s.initialJsGzip)} on first load + ${kb(s.lazyJsGzip)} chart.js on demand; CSS ${kb(s.cssGzip)}.`;
}
