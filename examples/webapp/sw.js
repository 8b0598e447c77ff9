// The service worker: precaches the whole app (page, bundles, both .wasm files) under a cache
// named after the build, answers from that cache first, and drops older builds' caches once it
// takes over. build.mjs writes VERSION and FILES; a new build means a new sw.js, which the
// browser installs next to the running one (the page then offers a reload).
const VERSION = '__VERSION__';
const FILES = __FILES__;
const PREFIX = 'edgegrad-webapp-';
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (e) => {
  // cache: 'reload' skips the HTTP cache, so the precache holds exactly this build
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })))));
});

self.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith(PREFIX) && k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (e) => {
  if (e.data === 'skip-waiting') self.skipWaiting();
  else if (e.data === 'version') e.source?.postMessage({ version: VERSION });
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  // only this app's own files; the API reference (api/) is not precached and stays online-only
  if (req.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith(new URL('api/', registration.scope).pathname)) return;
  e.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(req, { ignoreSearch: true }) ?? (req.mode === 'navigate' ? await cache.match('./') : undefined);
    return hit ?? fetch(req);
  })());
});
