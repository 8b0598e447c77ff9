// Two threads in headless Chromium: edgegrad's wasm backend (init({ threads: 2 }), and 1 thread by
// the split threshold at Infinity), tfjs-backend-wasm's threaded SIMD build (setThreadsCount(2))
// and onnxruntime-web (numThreads 2), all in one cross-origin isolated page, rotated round by
// round (bench/threads-page.js). Under Node the two peers run one thread, so this is where their
// two-thread figures come from. Every time is op + readback into a JS typed array (median).
//   node bench/threads-browser.mjs [--quick] [--out file]
import http from 'node:http';
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { machineParallelism } from './lib/parallelism.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : null;
const CASES = ['matmul1024', 'add4M', 'softmax4096x1024', 'adam10M'];
const ROUNDS = quick ? 5 : 15;
const THREADS = 2;
const REPS = 3; // runs per library per round (matmul: 1)
const log = (s = '') => process.stdout.write(s + '\n');
// EG_BENCH_DIST: the snapshot of dist/ that bench/run.mjs makes (a file path)
const dist = process.env.EG_BENCH_DIST ? resolve(process.env.EG_BENCH_DIST, '..') : join(root, 'dist');
if (!existsSync(join(dist, 'edgegrad.browser.js'))) { console.error(`threads-browser: ${dist}/edgegrad.browser.js not built (npm run build)`); process.exit(1); }

// Shared memory needs a cross-origin isolated page: COOP + COEP on the page, CORP on what it loads.
const MIME = { '.html': 'text/html', '.js': 'application/javascript', '.mjs': 'application/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' };
const server = http.createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const [base, rel] = path.startsWith('/dist/') ? [dist, path.slice(6)] : [root, path.slice(1)];
  const file = resolve(base, rel);
  let st = null;
  try { st = file.startsWith(base + sep) ? statSync(file) : null; } catch { /* missing */ }
  if (!st?.isFile()) { res.writeHead(404, ISOLATED).end(); return; }
  res.writeHead(200, { ...ISOLATED, 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': st.size, 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
});

let browser = null, failure = null, got = null;
const parallelStart = await machineParallelism({ quick });
try {
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { default: puppeteer } = await import('puppeteer-core');
  const { CHROMIUM, CHROMIUM_FLAGS } = await import('../tests/runners/launch-chromium.mjs');
  const { freshTmp } = await import('../tests/runners/common.mjs');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`);
  const flags = CHROMIUM_FLAGS.filter((f) => !/webgpu/i.test(f)); // every library on the CPU
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...flags, '--js-flags=--expose-gc', `--user-data-dir=${freshTmp('chromium-threads-bench')}`], protocolTimeout: 600e3, timeout: 60e3 });
  const page = await browser.newPage();
  // tfjs-backend-wasm caps its XNNPACK pool at hardwareConcurrency / 2 (it assumes 2 hyperthreads
  // per core): on a 2-core machine setThreadsCount(2) would give it 1 thread. The page reports
  // 2 x THREADS so that its threaded build gets its 2; edgegrad and ort take the count as given.
  await (await page.createCDPSession()).send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: 2 * THREADS });
  const pageErrors = [];
  page.on('pageerror', (e) => { pageErrors.push(e.message); log(`  [page error] ${e.message}`); });
  page.on('console', (m) => { if (m.type() === 'error') log(`  [page console] ${m.text()}`); });
  page.on('response', (q) => { if (q.status() >= 400) log(`  [page] ${q.status()} ${q.url()}`); });
  await page.goto(`http://127.0.0.1:${server.address().port}/bench/threads-page.html`);
  await page.waitForFunction(() => window.__threadsReady === true, { timeout: 30e3 })
    .catch(() => { throw new Error(`the page did not load its module (${pageErrors.join('; ') || 'timeout'})`); });
  got = await page.evaluate((o) => window.__threadsBench(o), { cases: CASES, rounds: ROUNDS, reps: REPS, threads: THREADS });
} catch (e) {
  failure = e;
} finally {
  await browser?.close().catch(() => {});
  server.close();
}
const parallelEnd = failure ? null : await machineParallelism({ quick });
if (failure) { console.error(`threads-browser: ${failure.message}`); process.exit(1); }

// ---------------------------------------------------------------- table
const PEERS = ['tfjs-wasm', 'ort-wasm'];
const ms = (x, w = 8) => (x === undefined ? '—' : x.toFixed(2)).padStart(w);
const { libs } = got;
log(`  Chromium ${got.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? ''}, crossOriginIsolated, ${os.cpus().length} cores (page told hardwareConcurrency ${got.hardwareConcurrency}); ` +
  `edgegrad ${libs.edgegrad.relaxedSimd ? 'relaxed SIMD' : 'SIMD128'} threads build, tfjs-backend-wasm ${libs['tfjs-wasm'].version} threaded SIMD build, ${libs['tfjs-wasm'].threads} threads, onnxruntime-web ${libs['ort-wasm'].version} numThreads ${libs['ort-wasm'].numThreads}`);
log(`  median ms of ${ROUNDS} rounds (op + readback into a JS typed array; Adam: the step), libraries rotated every round; [in brackets: from the best runs]`);
log(`  ${'case'.padEnd(18)} | eg 1 thr | eg 2 thr | tfjs 2 thr | ort 2 thr | eg 2 vs 1 thr   | eg 2 thr vs best peer 2 thr`);
const ratio = (a, b) => +(a / b).toFixed(2);
const rows = got.rows.map((r) => {
  const m = r.ms, peers = PEERS.filter((p) => m[p] !== undefined);
  const best = peers.reduce((a, p) => (m[p] < m[a] ? p : a));
  const bestMin = peers.reduce((a, p) => (r.best[p] < r.best[a] ? p : a));
  const row = { ...r, speedup2v1: ratio(m['edgegrad-1'], m['edgegrad-2']), bestPeer: best, vsBestPeer: ratio(m[best], m['edgegrad-2']),
    fromBest: { speedup2v1: ratio(r.best['edgegrad-1'], r.best['edgegrad-2']), bestPeer: bestMin, vsBestPeer: ratio(r.best[bestMin], r.best['edgegrad-2']) } };
  log(`  ${r.label.padEnd(18)} | ${ms(m['edgegrad-1'])} | ${ms(m['edgegrad-2'])} | ${ms(m['tfjs-wasm'], 10)} | ${ms(m['ort-wasm'], 9)} | ` +
    `${(row.speedup2v1 + 'x').padStart(5)} [${row.fromBest.speedup2v1}x]`.padEnd(15) + ` | ${row.vsBestPeer}x vs ${best} [${row.fromBest.vsBestPeer}x]`);
  return row;
});
log('  (ratios > 1: edgegrad faster; ort-wasm copies its inputs in on every session.run, which the others do not)');
log(`  machine: ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end; a plain JS loop on 2 threads ran ${parallelStart}x / ${parallelEnd}x ` +
  'its 1-thread speed before / after (the ceiling for every 2-thread figure here)');
const result = { date: new Date().toISOString(), quick, rounds: ROUNDS, repsPerRound: REPS, cores: os.cpus().length, machineParallelism: [parallelStart, parallelEnd], loadAvg: os.loadavg().map((x) => +x.toFixed(2)),
  userAgent: got.userAgent, libs, rows,
  hardwareConcurrencyOverride: 2 * THREADS, method: 'one cross-origin isolated Chromium page; 2 threads each (edgegrad init({ threads: 2 }), tfjs setThreadsCount(2), ort numThreads 2); edgegrad 1 thread = the same init with the split threshold at Infinity; op + readback into a JS typed array, median over rounds with the library order rotating; warm-up and a cross-check against tfjs first' };
if (out) writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
