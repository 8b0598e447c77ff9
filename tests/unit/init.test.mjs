// init() semantics against the built bundle and Dawn on SwiftShader: ops before init, the
// init state (superseding calls dispose the loser's GPU device), gpu: null, a runtime without
// WebAssembly, an adapter request that never answers, and auto passing over a software adapter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED } from '../conformance/seeded.js';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'eg-xdg-'));
const eg = await import('../../dist/edgegrad.node.js');
const { create } = await import('webgpu');
const gpu = create([]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Forwards to Dawn, recording every device made through it; `delayMs` holds requestAdapter back. */
function spyGpu(delayMs = 0) {
  const devices = [];
  const wrap = (obj, hooks) => new Proxy(obj, {
    get(t, k) {
      if (k in hooks) return hooks[k];
      const v = Reflect.get(t, k, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  const spy = wrap(gpu, {
    requestAdapter: async (o) => {
      if (delayMs) await sleep(delayMs);
      const a = await gpu.requestAdapter(o);
      return a && wrap(a, { requestDevice: async (d) => { const dev = await a.requestDevice(d); devices.push(dev); return dev; } });
    },
  });
  return { spy, devices };
}

/** 'destroyed' once device.destroy() ran, 'alive' if its lost promise stays pending. */
const fate = (dev, ms = 3000) => Promise.race([dev.lost.then((l) => l.reason), sleep(ms).then(() => 'alive')]);

async function softmaxWorks(what) {
  const x = eg.random.normal(eg.random.key(SEED), [3, 5]);
  const xs = await x.data();
  const got = await eg.softmax(x, -1).data();
  for (let r = 0; r < 3; r++) {
    const row = Array.from(xs.subarray(r * 5, r * 5 + 5));
    const m = Math.max(...row);
    const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
    row.forEach((v, c) => assert.ok(Math.abs(got[r * 5 + c] - Math.exp(v - m) / s) <= 1e-6, `${what}: [${r},${c}] (seed ${SEED})`));
  }
}

async function rejects(p, re, what) {
  try { await p; } catch (e) { assert.is(e.name, 'EdgegradError', `${what}: ${e.message}`); assert.match(e.message, re); return; }
  assert.unreachable(`${what} should reject`);
}

test('ops before init() throw a named error instead of running on js', () => {
  for (const [what, f] of [['tensor', () => eg.tensor([1, 2])], ['zeros', () => eg.zeros([2])], ['ones', () => eg.ones([3, 3])]]) {
    try { f(); assert.unreachable(`${what} before init`); } catch (e) {
      assert.is(e.name, 'EdgegradError', what);
      assert.match(e.message, /^tensor: edgegrad is not initialised\. await eg\.init\(\) first/);
    }
  }
});

test("gpu: null means no WebGPU; backend 'webgpu' then rejects", async () => {
  const r = await eg.init({ gpu: null });
  assert.is(r.selected, 'wasm');
  assert.equal(r.backends.webgpu, { ok: false, reason: 'init({ gpu: null }): WebGPU not wanted' });
  await softmaxWorks('gpu: null');
  await rejects(eg.init({ backend: 'webgpu', gpu: null }), /^init: backend 'webgpu' is not available: init\(\{ gpu: null \}\): WebGPU not wanted/, "backend 'webgpu', gpu: null");
});

test('a failed init() leaves ops refused with the reason', async () => {
  await rejects(eg.init({ backend: 'webgpu', gpu: null }), /not available/, 'failing init');
  try { eg.ones([2]); assert.unreachable(); } catch (e) { assert.match(e.message, /^tensor: edgegrad is not initialised: the last init\(\) failed \(init: backend 'webgpu' is not available/); }
});

test("auto passes over a software adapter (SwiftShader) and says so; backend: 'webgpu' takes it", async () => {
  const { spy, devices } = spyGpu();
  const r = await eg.init({ gpu: spy });
  assert.is(r.selected, 'wasm');
  const w = r.backends.webgpu;
  assert.is(w.ok, true);
  assert.is(w.software, true);
  assert.is(w.reason, "software adapter (SwiftShader): not chosen by auto; pass backend: 'webgpu'");
  assert.match(w.adapter.description, /SwiftShader/);
  assert.is(devices.length, 0, 'auto made no device on the software adapter');
  const g = await eg.init({ backend: 'webgpu', gpu: spy, thresholds: { webgpu: 0 } });
  assert.is(g.selected, 'webgpu');
  assert.is(g.backends.webgpu.software, true);
  assert.is(devices.length, 1);
  await softmaxWorks('webgpu on SwiftShader');
  assert.ok(eg.stats().launches.webgpu >= 1, 'ran on webgpu');
});

test('an adapter request that never answers times out; init() settles on wasm', async () => {
  const hung = { requestAdapter: () => new Promise(() => {}) };
  const t0 = performance.now();
  const r = await eg.init({ gpu: hung, gpuTimeoutMs: 150 });
  assert.ok(performance.now() - t0 >= 150, 'waited for the timeout');
  assert.is(r.selected, 'wasm');
  assert.is(r.backends.webgpu.ok, false);
  assert.match(r.backends.webgpu.reason, /^init: WebGPU: requestAdapter\(\) did not answer within 150 ms\. Raise init\(\{ gpuTimeoutMs \}\)/);
  await rejects(eg.init({ backend: 'webgpu', gpu: hung, gpuTimeoutMs: 50 }), /backend 'webgpu' is not available: init: WebGPU: requestAdapter\(\) did not answer within 50 ms/, 'explicit webgpu, hung adapter');
});

test('two concurrent init() calls: the later one wins, the earlier device is destroyed', async () => {
  const { spy, devices } = spyGpu();
  const p1 = eg.init({ backend: 'webgpu', gpu: spy });
  const p2 = eg.init({ backend: 'webgpu', gpu: spy, thresholds: { webgpu: 0 } });
  const [r1, r2] = await Promise.all([p1, p2]);
  assert.is(r1, r2, 'the superseded call settles with the latest report');
  assert.is(r2.selected, 'webgpu');
  assert.is(devices.length, 2, 'both probes made a device');
  // The probes race, so either may make its device first.
  const fates = await Promise.all(devices.map((d) => fate(d)));
  assert.equal([...fates].sort(), ['alive', 'destroyed'], fates.join());
  await softmaxWorks('the winner');
  await eg.init({ backend: 'wasm', gpu: null });
  assert.is(await fate(devices[fates.indexOf('alive')]), 'destroyed', 'a re-init disposes the previous device');
});

test('a slow init() superseded by a fast one: its device is destroyed, it resolves with the fast one', async () => {
  const { spy, devices } = spyGpu(300);
  const slow = eg.init({ backend: 'webgpu', gpu: spy });
  const fast = eg.init({ backend: 'wasm', gpu: null });
  assert.is((await fast).selected, 'wasm');
  await softmaxWorks('wasm while the slow probe runs');
  const r = await slow;
  assert.is(r.selected, 'wasm', 'the slow call reports what is in force');
  assert.is(eg.backend(), 'wasm');
  assert.is(devices.length, 1);
  assert.is(await fate(devices[0]), 'destroyed');
  assert.ok(eg.stats().launches.webgpu === 0, 'nothing ran on the loser');
});

test('initSync() supersedes an init() in flight', async () => {
  const { spy, devices } = spyGpu(200);
  const pending = eg.init({ backend: 'webgpu', gpu: spy });
  const s = eg.initSync({ backend: 'js' });
  assert.is(s.selected, 'js');
  assert.is(await pending, s);
  assert.is(await fate(devices[0]), 'destroyed');
  assert.is(eg.backend(), 'js');
});

test('a runtime without WebAssembly gets a report, not a rejection', async () => {
  const W = globalThis.WebAssembly;
  delete globalThis.WebAssembly;
  try {
    const r = await eg.init({ gpu: null });
    assert.is(r.selected, 'js');
    assert.equal(r.backends.wasm, { ok: false, reason: 'this runtime has no WebAssembly', simd: null, relaxedSimd: null, threads: false, threadCount: 1, threadsReason: "not requested (init({ threads: 'auto' }) or a count)" });
    await rejects(eg.init({ backend: 'wasm', gpu: null }), /^init: backend 'wasm' is not available: this runtime has no WebAssembly/, "backend 'wasm'");
    assert.is(eg.initSync({}).backends.wasm.reason, 'this runtime has no WebAssembly');
  } finally {
    globalThis.WebAssembly = W;
  }
  await eg.init({ backend: 'js' });
  const got = await eg.exp(eg.tensor([0, 1])).data();
  assert.ok(Math.abs(got[1] - Math.E) < 1e-6);
});

test('bad options reject with EdgegradError before anything is torn down', async () => {
  await eg.init({ backend: 'wasm', gpu: null });
  const t = eg.ones([2]);
  await rejects(eg.init({ backend: 'cuda' }), /^init: unknown backend 'cuda'/, 'backend cuda');
  await rejects(eg.init({ fallback: 'maybe' }), /^init: unknown fallback policy 'maybe'/, 'fallback maybe');
  assert.equal(Array.from(await eg.add(t, 1).data()), [2, 2], 'the wasm backend is still in force');
});

test.run();
