// Threads against the built bundle in Node: results of init({ threads: 2 }) (every call split)
// against a separate single-threaded init on the baseline SIMD build, bit for bit for
// elementwise ops and the fused optimizers and within the matmul contract (the scale of
// tests/conformance/matmul.test.js); no leak or busy
// worker after 10,000 small ops and a 1,000-step training loop; init() again ends the workers
// (counted as OS threads of this process); Node exits with a live pool; option errors;
// eg.calibrate() sets the split threshold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { rng, randn, assertClose, tol, matmulOracle } from '../conformance/_util.js';
import { readmeBlocks, runBlock } from './readme.mjs';

const DIST = new URL('../../dist/', import.meta.url);
const eg = await import(new URL('edgegrad.node.js', DIST).href);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const osThreads = () => readdirSync('/proc/self/task').length;
const baseline = readFileSync(new URL('edgegrad.wasm', DIST)); // the SIMD128 build, as the threaded one

/** The same random work, run once per init; returns its arrays. */
async function work(seed) {
  const r = rng(seed), out = [];
  for (let trial = 0; trial < 4; trial++) {
    const n = 64 * r.int(10, 900) + r.int(1, 63);
    const a = eg.tensor(randn(r, [n])), b = eg.tensor(randn(r, [n]).map((v) => v + 3));
    for (const t of [eg.add(a, b), eg.div(a, b), eg.pow(eg.abs(a), b), eg.exp(a), eg.gelu(a), eg.greaterEqual(a, b)]) out.push(await t.data());
    const rows = r.int(2, 70), cols = r.int(3, 500), x = eg.tensor(randn(r, [rows, cols]), [rows, cols]);
    for (const t of [eg.softmax(x, 1), eg.sum(x, 1), eg.sum(x, 0), eg.argmax(x, 0), eg.layerNorm(x), eg.mul(x, eg.tensor(randn(r, [cols])))]) out.push(await t.data());
    const p = eg.tensor(randn(r, [n]));
    const opt = eg.optim.adamw(p, { lr: 0.01 });
    for (let s = 0; s < 3; s++) await opt.step(eg.tensor(randn(r, [n])));
    out.push(await p.data());
  }
  return out;
}

test('threads: 2 (every call split) is bit-identical to the single-threaded build; matmul within the contract', async () => {
  await eg.init({ backend: 'wasm', wasm: baseline });
  const one = await work(11);
  const info = await eg.init({ backend: 'wasm', threads: 2, thresholds: { threads: 0 } });
  assert.ok(info.backends.wasm.threads, info.backends.wasm.threadsReason);
  const many = await work(11);
  assert.ok(eg.stats().parallel.launches > 30, `parallel launches ${eg.stats().parallel.launches}`);
  assert.is(many.length, one.length);
  one.forEach((o, i) => { for (let j = 0; j < o.length; j++) if (!Object.is(many[i][j], o[j])) assert.unreachable(`array ${i} [${j}]: threaded ${many[i][j]} != single ${o[j]}`); });
  const r = rng(12);
  for (let t = 0; t < 6; t++) {
    const [m, n, k] = [r.int(1, 260), r.int(1, 260), r.int(1, 300)];
    const A = randn(r, [m, k]), B = randn(r, [k, n]);
    assertClose(await eg.matmul(eg.tensor(A, [m, k]), eg.tensor(B, [k, n])).data(), matmulOracle(A, B, m, n, k), tol('matmul', 'wasm'), `[${m},${k}] x [${k},${n}]`, new Float64Array(m * n).fill(Math.sqrt(k) * 3));
  }
});

test('10,000 small ops and a 1,000-step training loop: flat memory, every worker asleep after', async () => {
  await eg.init({ backend: 'wasm', threads: 2, thresholds: { threads: 0 } });
  const r = rng(13);
  const x = eg.tensor(randn(r, [64, 8]), [64, 8]), y = eg.tensor(randn(r, [64, 1]), [64, 1]);
  const params = { w1: eg.tensor(randn(r, [8, 16], 0.3), [8, 16]), w2: eg.tensor(randn(r, [16, 1], 0.3), [16, 1]) };
  const loss = (p) => eg.mean(eg.square(eg.sub(eg.matmul(eg.tanh(eg.matmul(x, p.w1)), p.w2), y)));
  const opt = eg.optim.adam(params, { lr: 0.01 });
  const vg = eg.valueAndGrad(loss);
  let first, last;
  const train = async (steps) => {
    for (let s = 0; s < steps; s++) {
      const [v, g] = vg(params);
      last = (await v.data())[0];
      first ??= last;
      await opt.step(g);
      v.dispose(); eg.dispose(g);
    }
  };
  const small = () => { for (let i = 0; i < 1000; i++) eg.scope(() => { eg.sum(eg.tanh(eg.add(x, x))); }); };
  // warm-up: the optimizer's state and the heap's free lists exist from here on
  small();
  await train(1);
  const before = eg.memory(), rss0 = process.memoryUsage().rss;
  for (let i = 0; i < 9; i++) small();
  await train(999);
  assert.ok(last < 0.7 * first, `the loss went from ${first} to ${last}`);
  const after = eg.memory();
  assert.is(after.tensors, before.tensors, 'live tensors');
  assert.is(after.bytes, before.bytes, 'wasm bytes in use');
  const grew = process.memoryUsage().rss - rss0;
  assert.ok(grew < 48 << 20, `RSS grew ${(grew / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(eg.stats().parallel.launches > 20000, `parallel launches ${eg.stats().parallel.launches}`);
  // asleep in Atomics.wait, not spinning: the process uses next to no CPU while idle
  await sleep(100);
  const c0 = process.cpuUsage();
  await sleep(400);
  const c = process.cpuUsage(c0);
  assert.ok(c.user + c.system < 100e3, `${((c.user + c.system) / 1e3).toFixed(0)} ms of CPU in 400 ms idle`);
});

test('eg.calibrate() measures where splitting pays and sets thresholds.threads', async () => {
  await eg.init({ backend: 'wasm', threads: 2 });
  const c = await eg.calibrate({ reps: 3 });
  assert.ok(c.threads && c.threads.samples.length > 0, 'no threads calibration');
  const last = c.threads.samples[c.threads.samples.length - 1];
  assert.ok(c.threads.threshold === Infinity || (c.threads.threshold === last.size && last.splitMs < 0.9 * last.oneMs), JSON.stringify(c.threads));
  assert.is(eg.setThresholds({}).threads, c.threads.threshold, 'applied');
  const single = await eg.init({ backend: 'wasm' });
  assert.is(single.backends.wasm.threads, false);
  assert.is((await eg.calibrate()).threads, undefined, 'no pool, no threads calibration');
});

test('init() again tears the pool down: its worker threads end', async () => {
  await eg.init({ backend: 'wasm' });
  await sleep(300);
  const base = osThreads();
  const info = await eg.init({ backend: 'wasm', threads: 4 });
  assert.is(info.backends.wasm.threadCount, 4);
  assert.ok(osThreads() >= base + 3, `${osThreads()} OS threads with 3 workers, ${base} without`);
  const single = await eg.init({ backend: 'wasm', threads: 1 });
  assert.is(single.backends.wasm.threads, false);
  assert.match(single.backends.wasm.threadsReason, /not requested/);
  for (let i = 0; i < 50 && osThreads() > base; i++) await sleep(100);
  assert.is(osThreads(), base, 'OS threads after the pool was torn down');
});

test('Node exits with a live pool and no dispose()', () => {
  const script = `const eg = await import(${JSON.stringify(new URL('edgegrad.node.js', DIST).href)});
    const i = await eg.init({ backend: 'wasm', threads: 2, thresholds: { threads: 0 } });
    const a = eg.ones([300, 300]);
    console.log(i.backends.wasm.threadCount, eg.matmul(a, a).dataSync()[0], eg.stats().parallel.launches);`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30000 });
  assert.is(r.status, 0, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
  assert.is(r.stdout.trim(), '2 300 1');
  assert.ok(Date.now() - t0 < 15000, `took ${Date.now() - t0} ms to exit`);
});

test('bad threads options name the op and the fix; a single-threaded module passed as wasm, or the threaded one to initSync, says why', async () => {
  for (const bad of [0, -1, 1.5, 'many', 1000, NaN]) {
    try { await eg.init({ backend: 'wasm', threads: bad }); assert.unreachable(`threads: ${String(bad)} accepted`); } catch (e) {
      assert.instance(e, eg.EdgegradError);
      assert.is(e.op, 'init');
      assert.match(e.message, /threads must be 'auto' or an integer/);
    }
  }
  try { await eg.init({ backend: 'wasm', thresholds: { threads: -5 } }); assert.unreachable('negative threshold accepted'); } catch (e) { assert.match(e.message, /thresholds.threads/); }
  const info = await eg.init({ backend: 'wasm', wasm: baseline, threads: 2 });
  assert.is(info.backends.wasm.threads, false);
  assert.match(info.backends.wasm.threadsReason, /single-threaded build/);
  const sync = eg.initSync({ wasm: readFileSync(new URL('edgegrad.threads.wasm', DIST)) });
  assert.is(sync.backends.wasm.ok, false);
  assert.match(sync.backends.wasm.reason, /needs await init\(\)/);
  const auto = await eg.init({ backend: 'wasm', threads: 'auto' });
  const cores = (await import('node:os')).availableParallelism();
  assert.is(auto.backends.wasm.threadCount, cores > 1 ? cores : 1);
  await eg.init({ backend: 'wasm' });
});

test("the README's threads snippet runs as written and splits its matmul", async () => {
  const [{ code }] = readmeBlocks('Threads (wasm backend)', { lang: 'js' });
  const { ok, out, log } = await runBlock('threads', code);
  assert.ok(ok, log);
  assert.match(out, /threads: true/, out);
  assert.ok(Number(/threadCount: (\d+)/.exec(out)?.[1]) >= 2, out);
  assert.match(out, /launches: 1, byKernel: \{ matmulRange: 1 \}/, out);
});

test.run();
