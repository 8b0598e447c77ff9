// npm run webapp: builds the playground and serves it on http://127.0.0.1:PORT (default 8080)
// with the headers that make the page cross-origin isolated (COOP + COEP: SharedArrayBuffer
// and precise timers). /api/ serves the TypeDoc reference from docs/api when `npm run docs` made it.
import http from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebapp, DEFAULT_OUT } from './build.mjs';

const DOCS = fileURLToPath(new URL('../../docs/api', import.meta.url));
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};

/** Serves `root` (and docs/api at /api/); onRequest sees every request (the tests count them). */
export function startServer({ root = DEFAULT_OUT, port = 0, host = '127.0.0.1', onRequest } = {}) {
  const server = http.createServer((req, res) => {
    onRequest?.(req);
    let path;
    try { path = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
    const [base, rel] = path === '/api' || path.startsWith('/api/') ? [DOCS, path.slice(5)] : [root, path.slice(1)];
    let file = resolve(base, rel);
    if (file !== base && !file.startsWith(base + sep)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    const headers = {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-cache',
    };
    if (!existsSync(file)) {
      const body = base === DOCS ? 'The API reference is not built: run `npm run docs`, then reload.' : `not found: ${path}`;
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(body);
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': MIME[extname(file)] || 'application/octet-stream', 'content-length': statSync(file).size });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok({ server, url: `http://${host}:${server.address().port}/` }));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildWebapp();
  const { url } = await startServer({ root: built.out, port: Number(process.env.PORT ?? 8080) });
  console.log(`edgegrad playground (build ${built.version}) at ${url}  (Ctrl-C stops it)`);
}
