// Threads section of `npm run bench`: edgegrad's wasm backend on 1 and 2 threads, in one
// process and interleaved round by round: one init({ threads: 2 }), and the split threshold
// toggled between Infinity (every call on the calling thread) and the default. The plain
// single-threaded build (edgegrad.wasm) is measured too, at the start and the end, since the
// 1-thread figure of the threaded build runs the same kernels on shared memory.
// tfjs-backend-wasm and onnxruntime-web turn threads off under Node: their 2-thread figures
// come from a cross-origin isolated Chromium page: bench/threads-browser.mjs.
//   node bench/threads.mjs [--quick] [--out file]
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { machineParallelism as probe } from './lib/parallelism.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : null;
// EG_BENCH_DIST: the snapshot of dist/ that bench/run.mjs makes (a file path)
const distUrl = process.env.EG_BENCH_DIST ? pathToFileURL(process.env.EG_BENCH_DIST).href : new URL('../dist/edgegrad.node.js', import.meta.url).href;
const eg = await import(distUrl);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ROUNDS = quick ? 5 : 15;

/** The cases: what one run does, and its unit of work for a rate. */
function cases() {
  const k = eg.random.key(1);
  const A = eg.random.normal(k, [1024, 1024]), B = eg.random.normal(eg.random.foldIn(k, 1), [1024, 1024]);
  const x = eg.random.normal(eg.random.foldIn(k, 2), [1 << 22]), y = eg.random.normal(eg.random.foldIn(k, 3), [1 << 22]);
  const S = eg.random.normal(eg.random.foldIn(k, 4), [4096, 1024]);
  const params = [0, 1].map((i) => eg.random.normal(eg.random.foldIn(k, 10 + i), [5 << 20]));
  const grads = [0, 1].map((i) => eg.random.normal(eg.random.foldIn(k, 20 + i), [5 << 20]));
  const opt = eg.optim.adam(params, { lr: 1e-3 });
  return [
    { id: 'matmul1024', label: 'matmul 1024²', unit: 'GFLOP/s', per: 2 * 1024 ** 3 / 1e9, run: () => eg.matmul(A, B).dispose() },
    { id: 'add4M', label: 'add 4M', unit: 'GB/s', per: 12 * (1 << 22) / 1e9, run: () => eg.add(x, y).dispose() },
    { id: 'softmax4096x1024', label: 'softmax 4096×1024', unit: 'GB/s', per: 8 * 4096 * 1024 / 1e9, run: () => eg.softmax(S, 1).dispose() },
    { id: 'adam10M', label: 'fused Adam 10M', unit: 'GB/s', per: 28 * (10 << 20) / 1e9, run: () => opt.step(grads) },
  ];
}

/** Median ms of `reps` runs after a warm-up run. */
function time(fn, reps) {
  fn();
  const ts = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); fn(); ts.push(performance.now() - t); }
  return median(ts);
}
const repsFor = (id) => (id === 'matmul1024' ? 3 : 10);

async function plain() {
  await eg.init({ backend: 'wasm', wasm: new URL('edgegrad.wasm', distUrl) });
  const cs = cases();
  return Object.fromEntries(cs.map((c) => [c.id, time(c.run, repsFor(c.id))]));
}

const machineParallelism = () => probe({ quick });
const loadStart = os.loadavg()[0];
const parallelStart = await machineParallelism();
const plainBefore = await plain();
const info = await eg.init({ backend: 'wasm', threads: 2 });
if (!info.backends.wasm.threads) throw new Error(`threads did not start: ${info.backends.wasm.threadsReason}`);
const cs = cases();
const samples = Object.fromEntries(cs.map((c) => [c.id, { 1: [], 2: [] }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cs) {
    const order = r % 2 ? [2, 1] : [1, 2];
    for (const t of order) {
      eg.setThresholds({ threads: t === 1 ? Infinity : 32768 });
      samples[c.id][t].push(time(c.run, repsFor(c.id) > 3 ? 3 : 1));
    }
  }
}
const plainAfter = await plain();
const rows = cs.map((c) => {
  const one = median(samples[c.id][1]), two = median(samples[c.id][2]), single = (plainBefore[c.id] + plainAfter[c.id]) / 2;
  return {
    id: c.id, label: c.label, unit: c.unit, plainMs: +single.toFixed(3), oneMs: +one.toFixed(3), twoMs: +two.toFixed(3),
    speedup: +(one / two).toFixed(2), speedupVsPlain: +(single / two).toFixed(2),
    rate1: +(c.per / (one / 1e3)).toFixed(1), rate2: +(c.per / (two / 1e3)).toFixed(1),
  };
});
const loadEnd = os.loadavg()[0];
const parallelEnd = await machineParallelism();
for (const r of rows) {
  console.log(`  ${r.label.padEnd(20)} plain build ${r.plainMs.toFixed(2).padStart(8)} ms | 1 thread ${r.oneMs.toFixed(2).padStart(8)} ms (${r.rate1} ${r.unit}) | 2 threads ${r.twoMs.toFixed(2).padStart(8)} ms (${r.rate2} ${r.unit}) | ${r.speedup}x vs 1 thread, ${r.speedupVsPlain}x vs the plain build`);
}
console.log(`  machine: ${os.cpus().length} cores, load average ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end; ` +
  `a plain JS loop on 2 threads ran ${parallelStart}x / ${parallelEnd}x its 1-thread speed (the limit for any 2-thread figure here)`);
const result = { rounds: ROUNDS, cores: os.cpus().length, loadAvg: [loadStart, loadEnd].map((x) => +x.toFixed(2)), machineParallelism: [parallelStart, parallelEnd], rows,
  method: 'median of interleaved rounds; 1 thread = the threaded build with the split threshold at Infinity; plain = edgegrad.wasm (the SIMD128 build), mean of a run before and after the rounds' };
if (out) writeFileSync(out, JSON.stringify(result, null, 1));
