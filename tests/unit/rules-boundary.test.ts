import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// server/rules is the one place the browser shares rules with the server, so it must stay loadable
// in a browser: a node or database import there breaks the web build, or worse, bundles half the
// server into it. And the web app reaches the server only through the contracts and the rules, so
// that a domain verb can change without the web app noticing.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB = join(ROOT, 'web');
const RULES = join(ROOT, 'server', 'rules');
const CONTRACTS = join(ROOT, 'server', 'contracts');
const DOMAIN = join(ROOT, 'server', 'domain');

const within = (path: string, dir: string) => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};
const shown = (path: string) => relative(ROOT, path);

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : files(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

/** The web app's own aliases (kit.alias in web/svelte.config.js), as name → path relative to web/. */
async function webAliases(): Promise<[string, string][]> {
  const config = (await import(pathToFileURL(join(WEB, 'svelte.config.js')).href)).default as { kit: { alias?: Record<string, string> } };
  return Object.entries(config.kit.alias ?? {});
}

/** Static, re-exported, side-effect and dynamic imports alike. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('server/rules', () => {
  // Packages a browser-safe module may use: zod, for the contracts.
  const PACKAGES = new Set(['zod']);

  it('imports nothing but plain modules in server/rules and server/contracts, all the way down', () => {
    const start = files(RULES, /\.ts$/);
    expect(start.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    const queue = [...start];
    const problems: string[] = [];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!within(target, RULES) && !within(target, CONTRACTS)) problems.push(`${shown(file)} imports ${spec}`);
          else if (existsSync(target) && statSync(target).isFile()) queue.push(target);
        } else if (isBuiltin(spec) || !PACKAGES.has(spec.split('/')[0])) {
          // node:*, drizzle-orm, postgres, fastify, or any other package the browser should not get.
          problems.push(`${shown(file)} imports ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the web app', () => {
  const configs = readdirSync(WEB)
    .filter((name) => /\.(js|ts|mjs|cjs)$/.test(name))
    .map((name) => join(WEB, name));
  const sources = files(join(WEB, 'src'), /\.(ts|js|svelte)$/);

  it('never names server/domain, in code, aliases or comments', () => {
    expect(sources.length).toBeGreaterThan(0);
    const hits = [...configs, ...sources].filter((file) => readFileSync(file, 'utf8').includes('server/domain'));
    expect(hits.map(shown)).toEqual([]);
  });

  it('has aliases and dev-server file access into the server only for the contracts and the rules', async () => {
    const aliases = await webAliases();
    const allowed = (target: string) => within(target, WEB) || within(target, CONTRACTS) || within(target, RULES);
    expect(aliases.filter(([, to]) => !allowed(resolve(WEB, to)))).toEqual([]);

    const vite = readFileSync(join(WEB, 'vite.config.ts'), 'utf8');
    const allow = [...(vite.match(/allow:\s*\[([^\]]*)\]/)?.[1] ?? '').matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect(allow.filter((path) => !allowed(resolve(WEB, path)))).toEqual([]);
  });

  it('imports nothing from server/domain, through an alias or a relative path', async () => {
    const aliases: [string, string][] = [['$lib', 'src/lib'], ...(await webAliases())];
    const target = (file: string, spec: string): string | null => {
      if (spec.startsWith('.')) return resolve(dirname(file), spec);
      const alias = aliases.find(([name]) => spec === name || spec.startsWith(`${name}/`));
      return alias ? resolve(WEB, alias[1], `.${spec.slice(alias[0].length)}`) : null;
    };
    const problems = sources.flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter((spec) => {
          const to = target(file, spec);
          return to !== null && within(to, DOMAIN);
        })
        .map((spec) => `${shown(file)} imports ${spec}`),
    );
    expect(problems).toEqual([]);
  });
});
