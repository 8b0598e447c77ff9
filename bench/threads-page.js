// The browser half of the two-thread bench (bench/threads-browser.mjs serves it on a cross-origin
// isolated origin): edgegrad's wasm backend (1 and 2 threads), tfjs-backend-wasm's threaded SIMD
// build and onnxruntime-web, 2 threads each, in this one page, the order rotating every round.
// window.__threadsBench(opts) -> { libs, rows }.
import * as eg from '/dist/edgegrad.browser.js';
import { caseById, makeInputs, relError } from './lib/cases.mjs';
import { opGraph } from './lib/ort-graph.mjs';

const { tf, ort } = globalThis;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

async function start(THREADS) {
  if (globalThis.crossOriginIsolated !== true) throw new Error('page is not cross-origin isolated (COOP/COEP headers missing): no SharedArrayBuffer, no threads');
  const report = await eg.init({ backend: 'wasm', threads: THREADS });
  const w = report.backends.wasm;
  if (w.threads !== true || w.threadCount !== THREADS) throw new Error(`edgegrad threads did not start: ${JSON.stringify(w)}`);
  // The split threshold init() chose: restored for the 2-thread runs, Infinity for 1 thread.
  const split = report.thresholds?.threads ?? 32768;

  tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  tf.wasm.setThreadsCount(THREADS);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: setBackend("wasm") failed');
  await tf.ready();
  const tfThreads = tf.wasm.getThreadsCount();
  if (tfThreads !== THREADS || !tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')) throw new Error(`tfjs-backend-wasm is not on its threaded build (threads ${tfThreads})`);

  ort.env.wasm.numThreads = THREADS;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  ort.env.logLevel = 'error';
  return {
    split,
    libs: {
      edgegrad: { ...w, split, relaxedSimd: w.relaxedSimd },
      'tfjs-wasm': { version: tf.version_core, backend: tf.getBackend(), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tfThreads },
      'ort-wasm': { version: ort.env.versions.web, numThreads: ort.env.wasm.numThreads },
    },
  };
}

/** One adapter per library for case c: run() = the op + readback into a JS typed array. */
async function setup(c, inputs, split) {
  const egOps = { matmul: (a, b) => eg.matmul(a, b), add: (a, b) => eg.add(a, b), softmax: (a) => eg.softmax(a, -1) };
  const tfOps = { matmul: (a, b) => tf.matMul(a, b), add: (a, b) => tf.add(a, b), softmax: (a) => tf.softmax(a, -1) };
  const et = inputs.map((d, i) => eg.tensor(d, c.shapes[i]));
  const tt = inputs.map((d, i) => tf.tensor(d, c.shapes[i], 'float32'));
  const feeds = { x: new ort.Tensor('float32', inputs[0], c.shapes[0]) };
  if (inputs[1]) feeds.b = new ort.Tensor('float32', inputs[1], c.shapes[1]);
  const session = await ort.InferenceSession.create(opGraph(c), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const egRun = (threshold) => async () => {
    eg.setThresholds({ threads: threshold });
    const y = egOps[c.op](...et); const d = await y.data(); y.dispose(); return d;
  };
  return {
    runs: {
      'edgegrad-1': egRun(Infinity),
      'edgegrad-2': egRun(split),
      'tfjs-wasm': async () => { const y = tfOps[c.op](...tt); const d = await y.data(); y.dispose(); return d; },
      'ort-wasm': async () => (await session.run(feeds)).y.data,
    },
    async dispose() { et.forEach((t) => t.dispose()); tt.forEach((t) => t.dispose()); await session.release(); eg.setThresholds({ threads: split }); },
  };
}

/** One Adam step on 10M parameters (two 5M tensors; the optimizer section's model): edgegrad's
 *  fused step against tfjs's Adam. No ort: it has no optimizer. The step itself, no readback
 *  (both update their parameters in place, synchronously on the CPU). */
const ADAM = { id: 'adam10M', label: 'Adam 10M params', unit: 'GB/s', bytes: 28 * (10 << 20) };
function setupAdam(split) {
  const per = 5 << 20, k = eg.random.key(1);
  const params = [0, 1].map((i) => eg.random.normal(eg.random.foldIn(k, i), [per]));
  const grads = [0, 1].map((i) => eg.random.normal(eg.random.foldIn(k, 10 + i), [per]));
  const opt = eg.optim.adam(params, { lr: 1e-3 });
  const vars = [0, 1].map((i) => tf.variable(tf.randomNormal([per]), true, `p${i}`));
  const tg = Object.fromEntries(vars.map((v) => [v.name, tf.randomNormal([per])]));
  const tfOpt = tf.train.adam(1e-3);
  const egRun = (threshold) => async () => { eg.setThresholds({ threads: threshold }); opt.step(grads); };
  return {
    runs: { 'edgegrad-1': egRun(Infinity), 'edgegrad-2': egRun(split), 'tfjs-wasm': async () => { tfOpt.applyGradients(tg); vars[0].dataSync().subarray(0, 1); } },
    dispose() { eg.dispose([...params, ...grads]); tfOpt.dispose(); tf.dispose([...vars, ...Object.values(tg)]); eg.setThresholds({ threads: split }); },
  };
}

async function bench({ cases, rounds, reps, threads }) {
  const { split, libs } = await start(threads);
  const rows = [];
  for (const id of cases) {
    const c = id === ADAM.id ? ADAM : caseById(id);
    const lib = c === ADAM ? setupAdam(split) : await setup(c, makeInputs(c), split);
    const names = Object.keys(lib.runs);
    // warm-up, and every library checked against tfjs (no float64 reference at 1024² in a page)
    const outs = {};
    for (const n of names) { await lib.runs[n](); const y = await lib.runs[n](); outs[n] = y && Float64Array.from(y); }
    const err = c === ADAM ? null : Object.fromEntries(names.map((n) => [n, relError(outs[n], outs['tfjs-wasm'])]));
    const bad = err ? names.filter((n) => !(err[n] < 1e-4)) : [];
    if (bad.length) throw new Error(`${id}: ${bad.join(', ')} disagree with tfjs (max rel. error ${bad.map((n) => err[n]).join(', ')})`);
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    const k = reps(c);
    for (let r = 0; r < rounds; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const n of order) for (let i = 0; i < k; i++) {
        globalThis.gc?.(); // outside the timed region: every library allocates its results anew
        const t = performance.now(); await lib.runs[n](); samples[n].push(performance.now() - t);
      }
    }
    await lib.dispose();
    rows.push({ id, label: c.label, unit: c.unit, work: c.flops ?? c.bytes, samples: samples[names[0]].length,
      ms: Object.fromEntries(names.map((n) => [n, +median(samples[n]).toFixed(3)])),
      best: Object.fromEntries(names.map((n) => [n, +Math.min(...samples[n]).toFixed(3)])), relErrVsTfjs: err });
  }
  return { libs, rows, userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency };
}

globalThis.__threadsBench = (opts) => bench({ ...opts, reps: (c) => (c.op === 'matmul' || c === ADAM ? 1 : opts.reps) });
globalThis.__threadsReady = true;
