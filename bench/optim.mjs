// Optimizer section of `npm run bench`: one Adam step on a 10M-parameter model (two 5M
// tensors) per edgegrad backend beside @tensorflow/tfjs-core's Adam on tfjs-backend-wasm, in
// one process, alternating libraries run by run; plus steps/s of an MLP training step.
// Run alone: `node bench/optim.mjs [--quick]`, or from bench/run.mjs.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const nodeModules = fileURLToPath(new URL('../node_modules/', import.meta.url));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
// Adam streams p, g, m, v in and p, m, v out: 7 floats per parameter
const BYTES_PER_PARAM = 28;

async function tfjsAdam(n, parts) {
  const tf = require('@tensorflow/tfjs-core');
  const tfw = require('@tensorflow/tfjs-backend-wasm');
  tfw.setWasmPaths(`${nodeModules}@tensorflow/tfjs-backend-wasm/dist/`);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: setBackend("wasm") failed');
  await tf.ready();
  const per = n / parts;
  const vars = Array.from({ length: parts }, (_, i) => tf.variable(tf.randomNormal([per]), true, `p${i}`));
  const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.randomNormal([per])]));
  const opt = tf.train.adam(1e-3);
  return {
    name: 'tfjs-wasm Adam',
    step() { opt.applyGradients(grads); vars[0].dataSync().subarray(0, 1); },
    dispose() { opt.dispose(); vars.forEach((v) => v.dispose()); Object.values(grads).forEach((g) => g.dispose()); },
  };
}

function egAdam(eg, backend, n, parts, fused = true) {
  const per = n / parts;
  const key = eg.random.key(7);
  const params = eg.random.split(key, parts).map((k) => eg.random.normal(k, [per]));
  const grads = eg.random.split(eg.random.foldIn(key, 1), parts).map((k) => eg.random.normal(k, [per]));
  const opt = eg.optim.adam(params, { lr: 1e-3, fused });
  return {
    name: `edgegrad-${backend} Adam${fused ? ' (fused)' : ' (composed ops)'}`,
    async step() { opt.step(grads); if (backend === 'webgpu') await eg.sync(); },
    dispose() { opt.dispose(); eg.dispose([params, grads]); },
  };
}

async function timeSteps(lib, reps) {
  await lib.step();
  const ts = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); await lib.step(); ts.push(performance.now() - t); }
  return median(ts);
}

/** One MLP training step (valueAndGrad + Adam) on a 256 x 64 batch, [64, 256, 256, 10]. */
async function mlpSteps(eg, reps) {
  const key = eg.random.key(3);
  const net = eg.nn.mlp([64, 256, 256, 10], { key });
  const params = net.init();
  const x = eg.random.normal(key, [256, 64]);
  const y = eg.random.randint(eg.random.foldIn(key, 2), [256], 0, 10);
  const opt = eg.optim.adam(params, { lr: 1e-3 });
  const loss = (p) => eg.nn.crossEntropy(net.apply(p, x), y);
  const once = async () => { const [v, g] = eg.valueAndGrad(loss)(params); opt.step(g); await v.data(); eg.dispose([v, g]); };
  await once();
  const t = performance.now();
  for (let i = 0; i < reps; i++) await once();
  const s = (performance.now() - t) / 1000;
  opt.dispose(); eg.dispose([params, x, y]);
  return reps / s;
}

export async function runOptimBench({ quick = false, log = console.log } = {}) {
  const eg = await import('../dist/edgegrad.node.js');
  const N = 10_000_000, parts = 2, reps = quick ? 5 : 15;
  const rows = [];
  const tf = await tfjsAdam(N, parts);
  for (const backend of ['wasm', 'js']) {
    await eg.init({ backend });
    const libs = [egAdam(eg, backend, N, parts, true)];
    if (backend === 'wasm') libs.push(egAdam(eg, backend, N, parts, false));
    const r = backend === 'js' ? 3 : reps;
    // alternate edgegrad and tfjs step by step so machine drift hits both
    const times = new Map(libs.concat([tf]).map((l) => [l, []]));
    for (const l of times.keys()) await l.step();
    for (let i = 0; i < r; i++) for (const l of times.keys()) { const t = performance.now(); await l.step(); times.get(l).push(performance.now() - t); }
    for (const [l, ts] of times) if (l !== tf || backend === 'wasm') rows.push({ name: l.name, ms: median(ts), params: N });
    libs.forEach((l) => l.dispose());
  }
  tf.dispose();
  const tfRow = rows.find((r) => r.name.startsWith('tfjs'));
  for (const r of rows) { r.gbps = (BYTES_PER_PARAM * r.params) / (r.ms * 1e6); r.stepsPerSec = 1000 / r.ms; r.vsTfjs = tfRow.ms / r.ms; }
  const fused = rows.find((r) => r.name === 'edgegrad-wasm Adam (fused)');
  const target = { min: 2, ratio: fused.vsTfjs, met: fused.vsTfjs >= 2 };
  const mlp = {};
  for (const backend of ['wasm', 'js']) { await eg.init({ backend }); mlp[backend] = await mlpSteps(eg, quick ? 5 : 20); }
  log('\nOptimizer: one Adam step on 10M float32 parameters (2 tensors), median');
  log('library                          ms/step  steps/s   GB/s  x tfjs');
  for (const r of rows) log(`${r.name.padEnd(32)} ${r.ms.toFixed(1).padStart(7)} ${r.stepsPerSec.toFixed(1).padStart(8)} ${r.gbps.toFixed(1).padStart(6)} ${r.vsTfjs.toFixed(2).padStart(7)}`);
  log(`target: fused wasm Adam >= 2x tfjs-backend-wasm: ${target.met ? 'met' : 'NOT met'} (${target.ratio.toFixed(2)}x)`);
  log(`MLP [64,256,256,10] batch 256, valueAndGrad + Adam: wasm ${mlp.wasm.toFixed(1)} steps/s, js ${mlp.js.toFixed(1)} steps/s`);
  return { adam10M: rows, target, mlpStepsPerSec: mlp };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runOptimBench({ quick: process.argv.includes('--quick') });
  const i = process.argv.indexOf('--out');
  if (i > 0) (await import('node:fs')).writeFileSync(process.argv[i + 1], JSON.stringify(r, null, 1));
}
