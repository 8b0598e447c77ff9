// Chromium runner: Debian's /usr/bin/chromium, headless, driven by puppeteer-core. A tiny
// node:http server on 127.0.0.1 serves the repo root (a secure context, so navigator.gpu
// exists); tests/harness/browser.html imports /dist/edgegrad.browser.js and the suites and
// runs backends wasm and webgpu (SwiftShader), each in a fresh page.
//   node tests/runners/chromium.mjs [--backend wasm,webgpu] [--suite a,b] [--grep s] [--suites path] [--dist folder]
import http from 'node:http';
import { createReadStream, statSync, existsSync } from 'node:fs';
import { join, resolve, extname, sep } from 'node:path';
import puppeteer from 'puppeteer-core';
import { parseArgs, errorText, now, variantRuns } from '../harness/run-suites.js';
import { ROOT, distDir, suitesRel, emitRow, finish, freshTmp, vulkanEnv, SWIFTSHADER_ICD } from './common.mjs';
import { CHROMIUM, CHROMIUM_FLAGS } from './launch-chromium.mjs';

const ALL = ['wasm', 'webgpu', 'wasm-mt'];
const args = parseArgs(process.argv.slice(2));
const backends = (args.backends ? ALL.filter((b) => args.backends.includes(b)) : ALL).filter((b) => variantRuns(b, { suites: args.suites }));
const totalTimeoutMs = Number(process.env.EDGEGRAD_RUNTIME_TIMEOUT_MS) || 8 * 60e3;

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json', '.css': 'text/css',
  '.wgsl': 'text/plain; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
};

/** Static server for the repo root; /dist/* comes from distDir() (EDGEGRAD_DIST / --dist). */
function serve() {
  const dist = distDir(args);
  const server = http.createServer((req, res) => {
    let path;
    try { path = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
    // What bundlers emit for `import url from 'edgegrad/edgegrad.wasm?url'`: a hashed asset path.
    if (/^\/assets\/edgegrad-[0-9a-f]+\.wasm$/.test(path)) path = '/dist/edgegrad.wasm';
    // The bundle without its .wasm files next to it (the loader page's missing-wasm check).
    if (path.startsWith('/nowasm/')) path = path.endsWith('.wasm') ? '/missing' : `/dist/${path.slice('/nowasm/'.length)}`;
    const base = path.startsWith('/dist/') ? dist : ROOT;
    const rel = path.startsWith('/dist/') ? path.slice('/dist/'.length) : path.slice(1);
    const file = resolve(base, rel);
    if (file !== base && !file.startsWith(base + sep)) { res.writeHead(403).end(); return; }
    let st;
    try { st = statSync(file); } catch { st = null; }
    if (!st || !st.isFile()) {
      if (path !== '/favicon.ico' && path !== '/missing') console.log(`  [http] 404 ${path}`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    // ?coi=1 (the threaded run's page) and what that page loads: cross-origin isolated, so
    // SharedArrayBuffer exists and the wasm thread pool can start
    const coi = /[?&]coi=1/.test(req.url) || /[?&]coi=1/.test(req.headers.referer || '');
    res.writeHead(200, {
      'content-type': MIME[extname(file)] || 'application/octet-stream',
      'content-length': st.size,
      'cache-control': 'no-store',
      ...(coi ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}),
    });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  return new Promise((res, rej) => { server.once('error', rej); server.listen(0, '127.0.0.1', () => res(server)); });
}

// The browser loader checks (tests/harness/loader-page.js) run as the row chromium/loader
// when nothing is filtered, like node/unit.
const withLoader = args.unit && !(args.backends || args.suites || args.grep);

async function loaderChecks(url) {
  const t0 = now();
  const row = { runtime: 'chromium', backend: 'loader', passed: 0, failed: 0, ms: 0, info: '', failures: [] };
  const page = await browser.newPage();
  try {
    page.on('pageerror', (e) => console.log(`  [loader page error] ${errorText(e)}`));
    if (process.env.EG_SEED !== undefined) await page.evaluateOnNewDocument((seed) => { globalThis.EG_SEED = seed; }, Number(process.env.EG_SEED));
    await page.goto(url, { waitUntil: 'load', timeout: 60e3 });
    const results = await page.evaluate(() => window.__egLoader());
    for (const r of results) {
      if (r.error) { row.failed++; row.failures.push({ suite: 'loader', test: r.name, message: r.error }); }
      else row.passed++;
      console.log(`  ${r.error ? '✗' : '✓'} chromium/loader ${r.name}${r.error ? `: ${r.error}` : ''}`);
    }
  } catch (e) {
    row.failed++;
    row.failures.push({ suite: '(harness)', test: 'loader page', message: errorText(e) });
  } finally {
    await page.close().catch(() => {});
  }
  row.ms = Math.round(now() - t0);
  return row;
}

let code = 0;
let browser = null, server = null;
const rowFail = (backend, message, partial = {}) => ({
  runtime: 'chromium', backend, passed: partial.passed || 0, failed: (partial.failed || 0) + 1, ms: partial.ms || 0, info: partial.info || '',
  failures: [...(partial.failures || []), { suite: '(harness)', test: 'run', message }],
});

try {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`);
  server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = freshTmp('chromium-profile');
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`],
    env: { ...process.env, ...vulkanEnv(SWIFTSHADER_ICD) },
    protocolTimeout: totalTimeoutMs + 60e3,
    timeout: 60e3,
  });
  console.log(`chromium: ${await browser.version()}; flags ${CHROMIUM_FLAGS.join(' ')}`);
  const lib = '/dist/edgegrad.browser.js';
  const suites = `/${suitesRel(args)}`;
  const pageUrl = `${origin}/tests/harness/browser.html?lib=${encodeURIComponent(lib)}&suites=${encodeURIComponent(suites)}`;
  const deadline = Date.now() + totalTimeoutMs;

  for (const backend of backends) {
    const t0 = now();
    let row;
    const page = await browser.newPage();
    let crashed = null;
    const pageErrors = [];
    let consoleIssues = 0;
    try {
      await page.exposeFunction('__egLog', (line) => console.log(line));
      if (process.env.EG_SEED !== undefined) await page.evaluateOnNewDocument((seed) => { globalThis.EG_SEED = seed; }, Number(process.env.EG_SEED));
      page.on('console', (m) => {
        const t = m.type();
        if (t === 'error' || t === 'warn' || t === 'warning' || t === 'assert') { consoleIssues++; console.log(`  [page console.${t}] ${m.text()}`); }
      });
      page.on('pageerror', (e) => { const s = errorText(e); pageErrors.push(s); console.log(`  [page error] ${s}`); });
      page.on('requestfailed', (r) => console.log(`  [page request failed] ${r.url()} ${r.failure()?.errorText || ''}`));
      const crash = new Promise((_, rej) => page.once('error', (e) => { crashed = errorText(e); rej(new Error(`page crashed: ${crashed}`)); }));
      crash.catch(() => {});
      await page.goto(backend === 'wasm-mt' ? `${pageUrl}&coi=1` : pageUrl, { waitUntil: 'load', timeout: 60e3 });
      const env = await page.evaluate(() => window.__egEnv && window.__egEnv());
      if (!env) throw new Error(`the harness page did not load its script${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
      if (backend === 'webgpu') console.log(`chromium/webgpu: navigator.gpu is ${env.gpu}; secure context ${env.secure}`);
      const left = Math.max(10e3, deadline - Date.now());
      let timer;
      const rows = await Promise.race([
        page.evaluate((opts) => window.__egRun(opts), {
          backends: [backend],
          filter: { suites: args.suites, grep: args.grep },
          testTimeoutMs: args.testTimeoutMs || 120000,
          verbose: args.verbose,
        }),
        crash,
        new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${Math.round(left / 1000)} s`)), left); }),
      ]).finally(() => clearTimeout(timer));
      row = rows[0];
      // WebGPU validation errors surface only as console warnings: make them visible in the table.
      if (consoleIssues) row.info = `${row.info ? `${row.info}; ` : ''}${consoleIssues} console warning(s)/error(s)`;
    } catch (e) {
      row = rowFail(backend, errorText(e), { ms: Math.round(now() - t0) });
    } finally {
      await page.close().catch(() => {});
    }
    if (row.failed) code = 1;
    emitRow(row);
  }
  if (withLoader) {
    const row = await loaderChecks(`${origin}/tests/harness/loader.html`);
    if (row.failed) code = 1;
    emitRow(row);
  }
} catch (e) {
  for (const b of [...backends, ...(withLoader ? ['loader'] : [])]) emitRow(rowFail(b, `chromium could not start: ${errorText(e)}`));
  code = 1;
} finally {
  if (browser) await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 10e3))]);
  if (browser && browser.process() && browser.process().exitCode === null) browser.process().kill('SIGKILL');
  if (server) server.close();
}
finish(code);
