// The module worker that owns edgegrad: the page sends it jobs (train, transport, generate, calibrate, benchmark)
// and draws what comes back, so a long training run never blocks the page. One job at a
// time; a Stop message is seen at the next yield (every frame, a few times a second).
import * as eg from 'edgegrad';
import { DATASETS as HYPER, OPTIMIZERS } from '../../train/config.mjs';
import { gridPoints } from './datasets.js';

const FRAME_MS = 200; // progress (loss, picture) goes to the page at about 5 frames/s
let job = null; // { id, stop }
let report = null;

// setTimeout lets the page's messages (Stop) in between training steps.
const yieldToEvents = () => new Promise((r) => setTimeout(r, 0));

/** init() for one backend; on webgpu every op goes to the GPU, else the small tensors of this page stay on the CPU. */
const use = (backend) => eg.init({ backend, ...(backend === 'webgpu' ? { thresholds: { webgpu: 0 } } : {}) });

const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS.spiral);

async function train(m) {
  const info = await use(m.backend);
  if (info.selected !== m.backend) throw new Error(`init selected ${info.selected}: ${info.backends[m.backend]?.reason ?? ''}`);
  eg.resetStats();
  const { x, y, n, classes } = m.data;
  const key = eg.random.key(m.seed ?? 0);
  const net = eg.nn.mlp([2, ...m.hidden, classes], { key, activation: m.activation ?? HYPER.spiral.activation });
  const params = net.init();
  const X = eg.tensor(x, [n, 2]), Y = eg.tensor(y);
  const G = m.grid;
  const GX = eg.tensor(gridPoints(G), [G * G, 2]);
  const lossOf = (p) => eg.nn.crossEntropy(net.apply(p, X), Y);
  const vg = eg.valueAndGrad(lossOf);
  const options = { ...OPTIMIZERS.spiral[m.optimizer], ...(m.lr ? { lr: m.lr } : {}) };
  const opt = eg.optim[m.optimizer](params, options);
  let pending = []; // loss tensors not read yet: read once per frame, not once per step
  let step = 0, lastFrame = performance.now(), lastStep = 0;
  const t0 = performance.now();

  const frame = async (final) => {
    const losses = await Promise.all(pending.map((t) => t.item()));
    eg.dispose(pending);
    pending = [];
    const out = eg.scope(() => ({ probs: eg.softmax(net.apply(params, GX), -1), acc: eg.nn.accuracy(net.apply(params, X), Y) }));
    const [probs, acc] = await Promise.all([out.probs.data(), out.acc.item()]);
    eg.dispose(out);
    const now = performance.now();
    const s = eg.stats();
    postMessage({
      type: 'progress', id: m.id, step, losses, acc, probs, classes, final,
      stepsPerSec: ((step - lastStep) / (now - lastFrame)) * 1000,
      meanStepsPerSec: (step / (now - t0)) * 1000,
      launches: s.launches, fallbacks: s.fallbacks.count,
    }, [probs.buffer]);
    lastFrame = now; lastStep = step;
  };

  try {
    while ((!m.steps || step < m.steps) && !job.stop) {
      const [loss, grads] = vg(params);
      if (m.optimizer === 'sophiaH') opt.step(grads, { lossFn: lossOf });
      else opt.step(grads, m.optimizer === 'sophiaG' ? { batchSize: n } : undefined);
      if (m.optimizer === 'sophiaG' && opt.hessianDue) {
        const h = eg.hessian.gnb((p) => net.apply(p, X), params, { key: eg.random.foldIn(key, step) });
        opt.updateHessian(h);
        eg.dispose(h);
      }
      eg.dispose(grads);
      pending.push(loss);
      step++;
      if (performance.now() - lastFrame >= FRAME_MS) { await frame(false); await yieldToEvents(); }
    }
    await frame(true);
    postMessage({ type: 'done', id: m.id, steps: step, stopped: job.stop, ms: performance.now() - t0 });
  } finally {
    eg.dispose([pending, params, X, Y, GX]);
    opt.dispose?.();
  }
}

// The language model of the Generate page, loaded on first use and kept (for one backend at a time).
let model = null; // { backend, lm }
let modelBytes = null;
async function generate(m) {
  const info = await use(m.backend);
  if (info.selected !== m.backend) throw new Error(`init selected ${info.selected}: ${info.backends[m.backend]?.reason ?? ''}`);
  const t0 = performance.now();
  if (model?.backend !== m.backend) {
    model?.lm.dispose();
    model = null;
    modelBytes ??= new Uint8Array(await (await fetch(new URL('./model.gguf', import.meta.url))).arrayBuffer());
    model = { backend: m.backend, lm: await eg.llm.load(modelBytes, { contextLength: 256 }) };
  }
  const { lm } = model;
  const t1 = performance.now();
  const ids = lm.tokenizer.encode(m.prompt);
  const maxTokens = Math.max(1, Math.min(m.maxTokens, lm.config.contextLength - ids.length));
  let n = 0;
  for await (const token of lm.generate(ids, { maxTokens, temperature: m.temperature, seed: m.seed })) {
    n++;
    postMessage({ type: 'token', id: m.id, token, tokensPerSec: (n / (performance.now() - t1)) * 1000 });
    await yieldToEvents(); // lets Stop in
    if (job.stop) break;
  }
  const ms = performance.now() - t1;
  postMessage({ type: 'generated', id: m.id, tokens: n, ms, loadMs: t1 - t0, tokensPerSec: (n / ms) * 1000, stopped: job.stop });
}

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; }

async function timeIt(fn, reps) {
  await fn(); // warm-up: compiles pipelines, grows the heap
  const ms = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); await fn(); ms.push(performance.now() - t); }
  return median(ms);
}

/** One-click benchmark: a few ops and an MLP training step, with readback, on every backend that works. */
async function bench(m) {
  const rows = [];
  const key = eg.random.key(1);
  for (const backend of ['webgpu', 'wasm', 'js']) {
    if (!report.backends[backend].ok) { rows.push({ backend, skipped: report.backends[backend].reason }); continue; }
    await use(backend);
    const row = { backend };
    const N = 256;
    const a = eg.random.normal(key, [N, N]), b = eg.random.normal(eg.random.foldIn(key, 1), [N, N]);
    const ms = await timeIt(async () => { const c = eg.matmul(a, b); await c.data(); c.dispose(); }, 5);
    row.matmul = { label: `matmul ${N}²`, ms, rate: `${((2 * N ** 3) / ms / 1e6).toFixed(2)} GFLOP/s` };
    const L = 1 << 20;
    const u = eg.random.uniform(key, [L]), v = eg.random.uniform(eg.random.foldIn(key, 2), [L]);
    const msAdd = await timeIt(async () => { const c = eg.add(u, v); await c.data(); c.dispose(); }, 5);
    row.add = { label: 'add 1M', ms: msAdd, rate: `${((12 * L) / msAdd / 1e6).toFixed(2)} GB/s` };
    eg.dispose([a, b, u, v]);
    const net = eg.nn.mlp([2, 64, 64, 3], { key });
    const params = net.init();
    const X = eg.random.normal(key, [256, 2]), Y = eg.random.randint(key, [256], 0, 3);
    const vg = eg.valueAndGrad((p) => eg.nn.crossEntropy(net.apply(p, X), Y));
    const opt = eg.optim.adam(params, { lr: 1e-3 });
    const msStep = await timeIt(async () => { const [l, g] = vg(params); opt.step(g); await l.item(); eg.dispose([l, g]); }, 10);
    row.step = { label: 'MLP step (2-64-64-3, batch 256, Adam)', ms: msStep, rate: `${(1000 / msStep).toFixed(0)} steps/s` };
    eg.dispose([params, X, Y]);
    opt.dispose?.();
    rows.push(row);
    postMessage({ type: 'bench-row', id: m.id, row });
  }
  return rows;
}

/** The entropic OT plan between two point clouds with uniform weights, squared Euclidean cost. */
async function transport(m) {
  await use(m.backend);
  const n = m.x.length / 2, k = m.y.length / 2;
  const C = eg.scope(() => {
    const d = eg.sub(eg.tensor(m.x, [n, 1, 2]), eg.tensor(m.y, [1, k, 2]));
    return eg.sum(eg.mul(d, d), -1);
  });
  const t0 = performance.now();
  try {
    const r = await eg.ot.sinkhorn(new Array(n).fill(1 / n), new Array(k).fill(1 / k), C, { reg: m.reg, maxIter: 2000, tol: 1e-6 });
    const plan = await r.plan.data();
    const out = { plan, n, k, cost: r.cost, iterations: r.iterations, error: r.error, converged: r.converged, ms: performance.now() - t0, backend: m.backend };
    eg.dispose([r.plan, r.f, r.g]);
    return out;
  } finally {
    C.dispose();
  }
}

async function calibrate() {
  // 'auto' passes over software adapters (SwiftShader); calibrating still compares whatever GPU there is
  await eg.init({ backend: report.backends.webgpu.ok ? 'webgpu' : 'auto' });
  return eg.calibrate({ maxLog2: 20, reps: 3 });
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'stop') { if (job) job.stop = true; return; }
  if (job) { postMessage({ type: 'error', id: m.id, message: 'busy: one job at a time (press Stop first)' }); return; }
  job = { id: m.id, stop: false };
  try {
    if (m.type === 'train') await train(m);
    else if (m.type === 'bench') postMessage({ type: 'bench-done', id: m.id, rows: await bench(m) });
    else if (m.type === 'transport') { const r = await transport(m); postMessage({ type: 'transported', id: m.id, ...r }, [r.plan.buffer]); }
    else if (m.type === 'generate') await generate(m);
    else if (m.type === 'calibrate') postMessage({ type: 'calibrated', id: m.id, result: await calibrate() });
    else throw new Error(`unknown message type '${m.type}'`);
  } catch (err) {
    postMessage({ type: 'error', id: m.id, message: err?.message ?? String(err), fix: err?.fix });
  } finally {
    job = null;
  }
};

try {
  report = await eg.init();
  postMessage({ type: 'ready', report, optimizers: OPTIMIZER_NAMES, hyper: HYPER.spiral, defaults: OPTIMIZERS.spiral, crossOriginIsolated: self.crossOriginIsolated });
} catch (err) {
  postMessage({ type: 'error', id: 0, message: `init failed: ${err?.message ?? err}` });
}
