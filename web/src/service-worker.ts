/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

// Lets the field-entry page open at a farm gate with no signal once it has been visited:
// the app's built assets and static files are cached at install, and /entry is kept as the
// last copy served while online. Nothing else is touched: API answers are never cached (the
// entry page keeps its own copy of the lists it needs, and its outbox its own records), and
// non-GET requests are never intercepted, so writes reach the server or fail visibly.

import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

const PREFIX = 'guoyun-';
// One pair of caches per build: a page kept offline always comes with the assets it names.
const ASSETS_CACHE = `${PREFIX}assets-${version}`;
const PAGES_CACHE = `${PREFIX}pages-${version}`;
const ASSETS = [...build, ...files];
const IS_ASSET = new Set(ASSETS);
/** Pages that open offline. Others need the network (they show live figures anyway). */
const OFFLINE_PAGES = new Set(['/entry']);
/** On a weak signal, how long a kept page waits for the network before it is shown instead. */
const NETWORK_WAIT_MS = 4000;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      await (await caches.open(ASSETS_CACHE)).addAll(ASSETS);
      // A page kept by the previous build names that build's assets: fetch this build's copy.
      for (const path of OFFLINE_PAGES) if (await caches.match(path)) await refresh(path);
    })(),
  );
  // No skipWaiting: pages open now keep the build (and cache) they started with until closed.
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== ASSETS_CACHE && name !== PAGES_CACHE) await caches.delete(name);
      await sw.clients.claim();
      // The first visit to a page came before this worker could see it: keep it now, so that
      // "visited once" is enough to open it offline.
      const open = await sw.clients.matchAll({ type: 'window' });
      for (const path of OFFLINE_PAGES)
        if (open.some((c) => new URL(c.url).pathname === path) && !(await (await caches.open(PAGES_CACHE)).match(path))) await refresh(path);
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || url.pathname.startsWith('/api/')) return;

  if (IS_ASSET.has(url.pathname)) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === 'navigate' && OFFLINE_PAGES.has(url.pathname)) {
    event.respondWith(fromNetworkFirst(event, url.pathname));
  } else if (url.pathname === '/login' || url.pathname === '/login/__data.json') {
    // Logging out (or a session that ended) leads here: a kept page carries the account's
    // name and CSRF token, so it goes. Observed only; the request itself is not answered here.
    event.waitUntil(forgetPages());
  }
});

async function fromCacheFirst(request: Request): Promise<Response> {
  const cached = await (await caches.open(ASSETS_CACHE)).match(request);
  return cached ?? fetch(request);
}

async function fromNetworkFirst(event: FetchEvent, path: string): Promise<Response> {
  const cache = await caches.open(PAGES_CACHE);
  const network = fetch(event.request).then(async (response) => {
    await keep(cache, path, response.clone());
    return response;
  });
  // Whatever happens to the page shown, the network copy still updates the cache.
  event.waitUntil(network.catch(() => undefined));
  const cached = await cache.match(path);
  if (!cached) return network;
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), NETWORK_WAIT_MS));
  try {
    return (await Promise.race([network, timeout])) ?? cached;
  } catch {
    return cached;
  }
}

/**
 * Keeps a fresh copy of a page when it is one this build can render offline; forgets the
 * copy when the server now sends the browser elsewhere (logged out) or refuses it.
 */
async function keep(cache: Cache, path: string, response: Response): Promise<void> {
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 500)) {
    await cache.delete(path);
    return;
  }
  if (response.status !== 200 || response.redirected) return;
  const html = await response.clone().text();
  // Pages name their entry script; one from another build would not find its assets here.
  const start = /_app\/immutable\/entry\/start\.[\w-]+\.js/.exec(html);
  if (!start || !IS_ASSET.has(`/${start[0]}`)) return;
  await cache.put(path, response);
}

async function refresh(path: string): Promise<void> {
  try {
    await keep(await caches.open(PAGES_CACHE), path, await fetch(path, { credentials: 'same-origin', redirect: 'manual' }));
  } catch {
    // Offline: the page is kept on its next visit.
  }
}

async function forgetPages(): Promise<void> {
  for (const name of await caches.keys()) if (name.startsWith(`${PREFIX}pages-`)) await caches.delete(name);
}
