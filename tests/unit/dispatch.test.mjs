// The dispatcher's bookkeeping: fallback policies, fallback and copy counters, placement by
// size threshold. Uses the unbundled build (build/tsc) so the test can reach the engine and
// take a kernel away from the wasm backend, the only way to make it lack one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED } from '../conformance/seeded.js';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'eg-xdg-'));
const eg = await import('../../build/tsc/runtime/entry/node.js');
const { engine } = await import('../../build/tsc/runtime/engine.js');
const { create } = await import('webgpu');
const gpu = create([]);
const wasm = new URL('../../build/edgegrad.wasm', import.meta.url);

function softmaxRef(x, cols) {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / cols; r++) {
    const row = Array.from(x.subarray(r * cols, r * cols + cols)); const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
    row.forEach((v, c) => { out[r * cols + c] = Math.exp(v - m) / s; });
  }
  return out;
}
const close = (got, want, what) => { for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * Math.abs(want[i]) + 1e-7, `${what}: [${i}] ${got[i]} vs ${want[i]} (seed ${SEED})`); };

async function withoutSoftmax(policy, fn) {
  await eg.init({ backend: 'wasm', wasm, fallback: policy });
  const k = engine.backends.wasm.kernels;
  const saved = k.softmax;
  delete k.softmax;
  try { return await fn(); } finally { k.softmax = saved; }
}

test("fallback 'cpu': the js kernel runs on the wasm heap and is counted", async () => {
  await withoutSoftmax('cpu', async () => {
    const x = eg.random.normal(eg.random.key(SEED), [7, 33]);
    const xs = x.dataSync();
    eg.resetStats();
    const y = eg.softmax(x);
    close(y.dataSync(), softmaxRef(xs, 33), 'softmax via fallback');
    const s = eg.stats();
    assert.is(s.fallbacks.count, 1);
    assert.equal(s.fallbacks.byKernel, { 'wasm:softmax:float32': 1 });
    assert.is(s.launches.js, 1, 'counted as a js launch');
    assert.is(s.copies.count, 0, 'no copy: views of the wasm heap');
    assert.is(y.device, 'wasm', 'the result stays on the wasm heap');
  });
});

test("fallback 'warn' warns once per kernel; 'error' throws naming the kernel", async () => {
  await withoutSoftmax('warn', async () => {
    const warnings = [];
    const orig = console.warn;
    console.warn = (m) => warnings.push(String(m));
    try { eg.softmax(eg.ones([2, 3])); eg.softmax(eg.ones([4, 5])); } finally { console.warn = orig; }
    assert.is(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /softmax falls back to the js kernel \(wasm:softmax:float32\)/);
    assert.is(eg.stats().fallbacks.count, 2);
  });
  await withoutSoftmax('error', async () => {
    try { eg.softmax(eg.ones([2, 3])); assert.unreachable(); }
    catch (e) { assert.match(e.message, /softmax: the wasm backend has no kernel for wasm:softmax:float32 and the fallback policy is 'error'/); }
    assert.is(eg.memory().tensors, 1, 'nothing but the input is left behind');
  });
});

test('a strided shape beyond the wasm kernels\' 16 axes goes through the fallback policy', async () => {
  // alternating broadcast axes cannot be merged: 17 axes stay 17 after collapse
  const rank = 17;
  const sa = Array.from({ length: rank }, (_, i) => (i % 2 ? 1 : 2));
  const sb = Array.from({ length: rank }, (_, i) => (i % 2 ? 2 : 1));
  await eg.init({ backend: 'wasm', wasm, fallback: 'cpu' });
  const a = eg.random.normal(eg.random.key(SEED), sa), b = eg.random.normal(eg.random.key(SEED + 1), sb);
  eg.resetStats();
  const got = eg.add(a, b).dataSync();
  const st = eg.stats();
  assert.equal(st.fallbacks.count, 1, 'one counted fallback');
  assert.equal(Object.keys(st.fallbacks.byKernel), ['wasm:binary.add:float32']);
  assert.equal(st.launches.wasm, 0, 'not counted as a wasm launch');
  // against a direct float64 broadcast
  const av = a.dataSync(), bv = b.dataSync(), out = sa.map((d, i) => Math.max(d, sb[i]));
  let ok = got.length === out.reduce((x, y) => x * y, 1);
  const idx = new Array(rank).fill(0);
  for (let f = 0; ok && f < got.length; f++) {
    let r = f, ia = 0, ib = 0, ma = 1, mb = 1;
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax] = r % out[ax]; r = Math.floor(r / out[ax]);
      ia += (sa[ax] === 1 ? 0 : idx[ax]) * ma; ma *= sa[ax];
      ib += (sb[ax] === 1 ? 0 : idx[ax]) * mb; mb *= sb[ax];
    }
    ok = Math.abs(got[f] - (av[ia] + bv[ib])) <= 1e-6 * (1 + Math.abs(av[ia] + bv[ib]));
  }
  assert.ok(ok, `rank-17 add matches the float64 broadcast (seed ${SEED})`);
  await eg.init({ backend: 'wasm', wasm, fallback: 'error' });
  const a2 = eg.ones(sa), b2 = eg.ones(sb);
  assert.throws(() => eg.add(a2, b2), /wasm:binary\.add:float32.*'error'/);
});

test('placement: small CPU tensors join GPU ops by a counted copy; thresholds move work', async () => {
  const info = await eg.init({ backend: 'webgpu', gpu, wasm, thresholds: { webgpu: 1000 } });
  assert.is(info.selected, 'webgpu', info.backends.webgpu.reason);
  const small = eg.tensor(Float32Array.from({ length: 10 }, (_, i) => i));
  const big = eg.ones([1000]);
  assert.is(small.device, 'wasm', 'below the threshold a new tensor stays on the CPU');
  assert.is(big.device, 'webgpu', 'at the threshold it goes to the GPU');
  eg.resetStats();
  const s1 = eg.add(small, 1);
  assert.is(s1.device, 'wasm', 'a small op on CPU inputs stays on the CPU');
  const y = eg.add(big.slice([0], [10]), small);
  assert.is(y.device, 'webgpu');
  const st = eg.stats();
  assert.is(st.copies.count, 1);
  assert.equal(st.copies.byRoute, { 'wasm->webgpu': 1 });
  assert.is(st.copies.bytes, 40);
  assert.equal(Array.from(await y.data()), Array.from({ length: 10 }, (_, i) => i + 1));
  try { y.dataSync(); assert.unreachable(); } catch (e) { assert.match(e.message, /dataSync: the tensor lives on webgpu/); }
  assert.ok(st.launches.webgpu >= 2 && st.launches.wasm >= 1, JSON.stringify(st.launches));
});

test('debug mode reports where live tensors were made', async () => {
  await eg.init({ backend: 'wasm', wasm, debug: true });
  const a = eg.ones([2]);
  const made = new Error().stack.split('\n')[1].match(/:(\d+):\d+\)?$/)[1];
  const e = eg.scope(() => a.add(1).exp());
  const b = eg.softmax(e); const line = +made + 2; // several op layers deep
  const m = eg.memory();
  assert.is(m.tensors, 3);
  assert.is(m.live.length, 3);
  assert.is(m.leaks, m.live); // the deprecated name
  const site = m.live.find((t) => t.id === b.id).site ?? '';
  // the first frame is the user's line, not edgegrad's engine or op layer
  assert.match(site.split('\n')[0], new RegExp(`dispatch\\.test\\.mjs:${line}:`), site);
  assert.not.match(site, /build\/tsc/, site);
  eg.dispose([a, b, e]);
  assert.is(eg.memory().live.length, 0);
});

test.run();
