// Cold start: time from a library's import to its first result (init() + a 4-element add read
// back) in a fresh process / isolate / page each time, per runtime, libraries interleaved.
//   node bench/cold/run.mjs [--reps n] [--runtimes node,deno,workerd,chromium] [--out file.json]
// Node: fresh `node` per run (edgegrad, tfjs-backend-wasm, onnxruntime-web) plus, in its own
// fresh process, edgegrad's init phases one by one (probe, read, compile, instantiate), with and
// without relaxed SIMD. Deno: fresh `deno run` per run (edgegrad). workerd: fresh `workerd serve`
// per run, timed from outside (its clocks stand still between I/O): spawn to first response,
// minus the same for an empty worker. Chromium: a fresh browser context and page per run
// (edgegrad, tfjs-backend-wasm). Medians; results.json keeps every sample.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const argv = process.argv.slice(2);
const opt = (f, d) => { const i = argv.indexOf(f); return i >= 0 ? argv[i + 1] : d; };
const reps = Number(opt('--reps', 7));
const runtimes = opt('--runtimes', 'node,deno,workerd,chromium').split(',');
const dist = process.env.EG_BENCH_DIST ? join(process.env.EG_BENCH_DIST, '..') : join(root, 'dist');
const deno = join(root, 'node_modules/.bin/deno');
const med = (xs) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
const log = (s = '') => process.stdout.write(s + '\n');
const json = (cmd, args) => JSON.parse(execFileSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } }).trim().split('\n').pop());

/** reps rounds; each round runs every job once, the order rotating so drift hits all alike. */
function interleave(jobs) {
  const out = Object.fromEntries(Object.keys(jobs).map((k) => [k, []]));
  const names = Object.keys(jobs);
  return (async () => {
    for (let r = 0; r < reps; r++)
      for (let j = 0; j < names.length; j++) {
        const n = names[(j + r) % names.length];
        try { out[n].push(await jobs[n]()); } catch (e) { out[n].push({ error: String(e.message ?? e).slice(0, 300) }); }
      }
    return out;
  })();
}
const summary = (samples) => {
  const ok = samples.filter((s) => !s.error);
  const keys = ok.length ? Object.keys(ok[0]).filter((k) => typeof ok[0][k] === 'number') : [];
  return { ...Object.fromEntries(keys.map((k) => [k, +med(ok.map((s) => s[k])).toFixed(1)])), runs: ok.length, errors: samples.filter((s) => s.error).map((s) => s.error).slice(0, 2) };
};

const results = { generated: 'node bench/cold/run.mjs', reps, date: new Date().toISOString(), loadAvg: os.loadavg().map((x) => +x.toFixed(2)), runtimes: {} };

if (runtimes.includes('node')) {
  log('cold start: node');
  const first = (lib) => () => json(process.execPath, ['bench/cold/node-first.mjs', lib, join(dist, 'edgegrad.node.js')]);
  const s = await interleave({
    edgegrad: first('edgegrad'), 'tfjs-wasm': first('tfjs-wasm'), 'ort-wasm': first('ort-wasm'),
    'edgegrad phases (SIMD128)': () => json(process.execPath, ['bench/cold/probe-phases.mjs', dist]),
    'edgegrad phases (relaxed)': () => json(process.execPath, ['--experimental-wasm-relaxed-simd', 'bench/cold/probe-phases.mjs', dist]),
  });
  results.runtimes.node = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...summary(v), samples: v }]));
}

if (runtimes.includes('deno')) {
  log('cold start: deno');
  const read = `--allow-read=${root},${dist}`;
  const s = await interleave({
    edgegrad: () => json(deno, ['run', '--no-prompt', '--cached-only', read, 'bench/cold/node-first.mjs', 'edgegrad', join(dist, 'edgegrad.deno.js')]),
    'edgegrad phases': () => json(deno, ['run', '--no-prompt', '--cached-only', read, 'bench/cold/probe-phases.mjs', dist]),
  });
  results.runtimes.deno = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...summary(v), samples: v }]));
}

/** Spawn `workerd serve` on a config, GET / until it answers; ms from spawn to the answer. */
async function workerdFirst(dir, port) {
  const t0 = performance.now();
  const proc = spawn(join(root, 'node_modules/.bin/workerd'), ['serve', join(dir, 'config.capnp')], { cwd: dir, stdio: 'ignore' });
  try {
    for (;;) {
      const body = await new Promise((res) => {
        const req = http.get(`http://127.0.0.1:${port}/`, (r) => { let b = ''; r.on('data', (c) => { b += c; }); r.on('end', () => res(r.statusCode === 200 ? b : `HTTP ${r.statusCode} ${b}`)); });
        req.on('error', () => res(null));
      });
      if (body !== null) {
        if (body !== 'ok' && body !== '[2,4,6,8]') throw new Error(`workerd answered ${body.slice(0, 200)}`);
        return performance.now() - t0;
      }
      if (proc.exitCode !== null) throw new Error(`workerd exited with ${proc.exitCode}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally { proc.kill('SIGKILL'); await new Promise((r) => (proc.exitCode !== null || proc.signalCode ? r() : proc.once('exit', r))); }
}

if (runtimes.includes('workerd')) {
  log('cold start: workerd');
  const dir = mkdtempSync(join(os.tmpdir(), 'edgegrad-cold-'));
  for (const f of ['edgegrad.workerd.js', 'edgegrad.wasm', 'edgegrad.relaxed.wasm']) copyFileSync(join(dist, f), join(dir, f));
  copyFileSync(join(root, 'bench/cold/workerd-worker.js'), join(dir, 'worker.js'));
  writeFileSync(join(dir, 'empty.js'), 'export default { fetch: () => new Response("ok") };\n');
  const cfg = (name, port, modules) => writeFileSync(join(dir, `${name}.capnp`), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = ( modules = [ ${modules.join(', ')} ], compatibilityDate = "2025-09-01" );
`);
  const port = 20000 + (process.pid % 20000);
  const sub = (name) => { const d = join(dir, name); execFileSync('mkdir', ['-p', d]); return d; };
  const egDir = sub('eg'), emptyDir = sub('empty');
  for (const f of ['edgegrad.workerd.js', 'edgegrad.wasm', 'edgegrad.relaxed.wasm', 'worker.js']) copyFileSync(join(dir, f), join(egDir, f));
  copyFileSync(join(dir, 'empty.js'), join(emptyDir, 'worker.js'));
  const egMods = ['(name = "worker.js", esModule = embed "worker.js")', '(name = "edgegrad.workerd.js", esModule = embed "edgegrad.workerd.js")',
    '(name = "edgegrad.wasm", wasm = embed "edgegrad.wasm")', '(name = "edgegrad.relaxed.wasm", wasm = embed "edgegrad.relaxed.wasm")'];
  for (const [d, mods] of [[egDir, egMods], [emptyDir, ['(name = "worker.js", esModule = embed "worker.js")']]]) {
    const c = join(d, 'config.capnp');
    cfg('tmp', port, mods); copyFileSync(join(dir, 'tmp.capnp'), c);
  }
  const s = await interleave({
    edgegrad: async () => ({ spawnToFirstResultMs: await workerdFirst(egDir, port) }),
    'empty worker': async () => ({ spawnToFirstResultMs: await workerdFirst(emptyDir, port) }),
  });
  results.runtimes.workerd = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...summary(v), samples: v }]));
  const e = results.runtimes.workerd;
  e.edgegrad.overEmptyWorkerMs = +(e.edgegrad.spawnToFirstResultMs - e['empty worker'].spawnToFirstResultMs).toFixed(1);
  e['tfjs-wasm'] = { note: 'not measured: tfjs-backend-wasm compiles its .wasm from fetched bytes, which workerd forbids (no code generation from bytes)' };
  rmSync(dir, { recursive: true, force: true });
}

if (runtimes.includes('chromium')) {
  log('cold start: chromium');
  const { default: puppeteer } = await import('puppeteer-core');
  const { CHROMIUM_FLAGS } = await import('../../tests/runners/chromium.mjs').catch(() => ({ CHROMIUM_FLAGS: ['--headless=new', '--no-sandbox'] }));
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.startsWith('/dist/') ? join(dist, path.slice(6)) : join(root, path.slice(1));
    if (!file.startsWith(root) && !file.startsWith(dist)) { res.writeHead(403).end(); return; }
    const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.html') ? 'text/html' : 'text/javascript';
    import('node:fs').then(({ readFile }) => readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(data);
    }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  try {
    const page = (lib) => async () => {
      const ctx = await browser.createBrowserContext();
      try {
        const p = await ctx.newPage();
        await p.goto(`${base}/bench/cold/page.html?lib=${lib}`);
        await p.waitForFunction('window.result', { timeout: 60000 });
        const r = await p.evaluate('window.result');
        if (r.error) throw new Error(r.error);
        return r;
      } finally { await ctx.close(); }
    };
    const s = await interleave({ edgegrad: page('edgegrad'), 'tfjs-wasm': page('tfjs-wasm') });
    results.runtimes.chromium = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...summary(v), samples: v }]));
  } finally { await browser.close(); server.close(); }
}

log('\ncold start, median ms (import -> first result; fresh process/isolate/page each run)');
for (const [rt, libs] of Object.entries(results.runtimes))
  for (const [lib, r] of Object.entries(libs)) {
    const { samples, errors, ...rest } = r;
    log(`  ${rt.padEnd(9)} ${lib.padEnd(26)} ${Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(', ')}${errors?.length ? `  ERRORS: ${errors.join(' | ')}` : ''}`);
  }
const out = opt('--out');
if (out) writeFileSync(out, JSON.stringify(results, null, 1));
