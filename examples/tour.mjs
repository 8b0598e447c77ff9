// npm start: a short tour of edgegrad in Node.
//
//   1. the capability report of eg.init({ backend: 'auto' }): which backends this machine offers and
//      why any was rejected;
//   2. on every available backend (js, wasm, webgpu): a matmul, a softmax and two reductions on
//      seeded random data the tour makes itself, each with its wall time (op + readback) and its
//      error against the js reference backend;
//   3. eg.stats() (kernel launches per backend, fallbacks, cross-device copies) and eg.memory().
//
// WebGPU in Node comes from the `webgpu` npm package (Dawn). On a machine without a GPU, Dawn can
// use SwiftShader, the software Vulkan driver Debian's chromium package ships. Dawn's Vulkan loader
// reads VK_ICD_FILENAMES when the GPU instance is created, so setting it in process.env before
// `webgpu` is imported is enough; a value you set yourself is kept. Software Vulkan is slow, so
// the webgpu shapes below are smaller, and its timings say nothing about a real GPU.
import { existsSync } from 'node:fs';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
let gpuNote = 'VK_ICD_FILENAMES set by you';
if (!process.env.VK_ICD_FILENAMES) {
  if (existsSync(SWIFTSHADER)) { process.env.VK_ICD_FILENAMES = SWIFTSHADER; gpuNote = 'software Vulkan (SwiftShader) via VK_ICD_FILENAMES set by the tour'; }
  else gpuNote = 'system Vulkan drivers';
}
process.env.XDG_RUNTIME_DIR ??= '/tmp';

const t0 = performance.now();
const eg = await import('../dist/edgegrad.node.js');

let gpu;
try {
  const { create } = await import('webgpu');
  gpu = create([]);
} catch (e) {
  gpuNote = `the 'webgpu' package could not be loaded (${String(e?.message ?? e).split('\n')[0]})`;
}

// ------------------------------------------------------------------ 1. capability report
const report = await eg.init({ backend: 'auto', gpu });
const line = (s = '') => console.log(s);
const yes = (b) => (b ? 'yes' : 'no');
line('edgegrad tour');
line('=============');
line(`eg.init({ backend: 'auto' }) selected: ${report.selected}`);
for (const name of ['webgpu', 'wasm', 'js']) {
  const b = report.backends?.[name] ?? {};
  const details = [];
  if (name === 'webgpu') {
    if (b.adapter) details.push(`adapter: ${typeof b.adapter === 'string' ? b.adapter : Object.values(b.adapter).filter(Boolean).join(' / ')}`);
    if (gpu) details.push(gpuNote);
  }
  if (name === 'wasm' && b.ok) details.push(`simd: ${yes(b.simd)}, relaxed-simd: ${yes(b.relaxedSimd)}${b.relaxedSimd ? '' : ' (Node 20: --experimental-wasm-relaxed-simd)'}, threads: ${typeof b.threads === 'boolean' ? yes(b.threads) : b.threads ?? 1}`);
  if (b.reason && (!b.ok || b.software)) details.push(`${b.ok ? 'note' : 'reason'}: ${b.reason}`);
  line(`  ${name.padEnd(7)} ${b.ok ? 'available  ' : 'unavailable'}  ${details.join('; ')}`);
}

// ------------------------------------------------------------------ 2. the same work on each backend
// Data: seeded normal samples, made once on the js backend and uploaded as the same Float32Arrays
// everywhere, so every backend computes on identical inputs.
const SIZES = {
  cpu: { n: 256, rows: 512, cols: 1024 }, // js and wasm
  gpu: { n: 64, rows: 64, cols: 256 }, // webgpu (software Vulkan is ~100x slower than a GPU)
};
await eg.init({ backend: 'js' });
// Read a tensor back into a Float32Array and free it.
const take = async (t) => { try { return await t.data(); } finally { t.dispose(); } };
const normal = (seed, shape) => take(eg.random.normal(eg.random.key(seed), shape));
const inputs = {};
for (const [tier, s] of Object.entries(SIZES)) {
  inputs[tier] = {
    a: await normal(1, [s.n, s.n]), b: await normal(2, [s.n, s.n]),
    x: await normal(3, [s.rows, s.cols]),
  };
}
const rngProbe = await normal(99, [4096]); // to check that each backend draws the same stream

const tasks = (s) => [
  { name: `matmul ${s.n}x${s.n} @ ${s.n}x${s.n}`, run: (t) => eg.matmul(t.a, t.b) },
  { name: `softmax ${s.rows}x${s.cols}, axis -1`, run: (t) => eg.softmax(t.x, -1) },
  { name: `sum ${s.rows}x${s.cols}, axis 1`, run: (t) => eg.sum(t.x, 1) },
  { name: `mean ${s.rows}x${s.cols}, axis 0`, run: (t) => eg.mean(t.x, 0) },
];

/** max |x - ref| / max |ref| (relative to the result's scale; 0 when identical). */
function maxRelError(x, ref) {
  let num = 0, den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(x[i] - ref[i]);
    if (!(d <= num)) num = Number.isNaN(d) ? Infinity : d;
    den = Math.max(den, Math.abs(ref[i]));
  }
  return x.length !== ref.length ? Infinity : den ? num / den : num;
}

async function timed(fn, reps) {
  let best = Infinity, out;
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    out = await take(eg.scope(fn)); // op + readback; the scope frees intermediates, take() the result
    best = Math.min(best, performance.now() - s);
  }
  return { ms: best, out };
}

const shapeOf = (s, k) => (k === 'x' ? [s.rows, s.cols] : [s.n, s.n]);
const upload = (tier) => Object.fromEntries(Object.entries(inputs[tier]).map(([k, v]) => [k, eg.tensor(v, shapeOf(SIZES[tier], k))]));

// The js backend is the oracle: its results for both shape sets, computed first.
const reference = {}; // tier -> task name -> Float32Array
for (const tier of Object.keys(SIZES)) {
  reference[tier] = {};
  const t = upload(tier);
  for (const task of tasks(SIZES[tier])) reference[tier][task.name] = await take(task.run(t));
  eg.dispose(t);
}

const available = ['js', 'wasm', 'webgpu'].filter((b) => report.backends?.[b]?.ok);
const skipped = ['js', 'wasm', 'webgpu'].filter((b) => !report.backends?.[b]?.ok);
for (const backend of available) {
  // thresholds.webgpu = 0: every op of the webgpu section runs on the GPU, however small (by
  // default, outputs under 4096 elements stay on the CPU, where they are cheaper).
  await eg.init(backend === 'webgpu' ? { backend, gpu, thresholds: { webgpu: 0 } } : { backend });
  const tier = backend === 'webgpu' ? 'gpu' : 'cpu';
  line(`\n${backend} backend${backend === 'webgpu' ? ` (${gpuNote}; smaller shapes)` : backend === 'js' ? ' (the reference)' : ''}`);
  line(`  ${'op (+ readback)'.padEnd(30)} ${'time'.padStart(10)}   max error vs js`);
  const t = upload(tier);
  for (const task of tasks(SIZES[tier])) {
    await timed(() => task.run(t), 1); // warm-up: first-call compilation, pipeline creation
    const { ms, out } = await timed(() => task.run(t), 3);
    const err = maxRelError(out, reference[tier][task.name]);
    line(`  ${task.name.padEnd(30)} ${(ms.toFixed(2) + ' ms').padStart(10)}   ${err === 0 ? '0 (identical)' : err.toExponential(2)}`);
  }
  eg.dispose(t);
  const probe = await normal(99, [4096]);
  line(`  random.normal(key(99), [4096]) identical to the js backend's stream: ${maxRelError(probe, rngProbe) === 0 ? 'yes, bit for bit' : `no (max error ${maxRelError(probe, rngProbe).toExponential(2)})`}`);
  // init() starts each backend afresh and resets the counters, so the accounting is per backend.
  printAccounting();
}
for (const b of skipped) line(`\n${b} backend: skipped (${report.backends?.[b]?.reason ?? 'unavailable'})`);

// ------------------------------------------------------------------ 3. accounting
function printAccounting() {
  const st = eg.stats();
  const mem = eg.memory();
  const kv = (o) => Object.entries(o ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  line('  eg.stats()');
  line(`    kernel launches  ${kv(st.launches)}`);
  for (const [b, ks] of Object.entries(st.kernels ?? {})) if (Object.keys(ks).length) line(`      on ${b.padEnd(6)}      ${kv(ks)}`);
  line(`    fallbacks        ${st.fallbacks?.count ?? 0}${st.fallbacks?.count ? ` (${kv(st.fallbacks.byKernel)})` : ''}`);
  line(`    copies           ${st.copies?.count ?? 0} (${((st.copies?.bytes ?? 0) / 1024).toFixed(1)} KiB)${st.copies?.count ? `: ${kv(st.copies.byRoute)}` : ''}`);
  line(`  eg.memory()        ${mem.tensors} live tensors, ${mem.bytes} bytes held by backends` +
    ` (${Object.entries(mem.backends ?? {}).map(([b, v]) => `${b}: ${v.tensors} tensors, ${v.bytes} B`).join('; ')})`);
}
line(`\ndone in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
