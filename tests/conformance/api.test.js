import { rng, randn, tol, assert, assertClose, assertEqual, assertShape, expectThrows } from './_util.js';

export default function (test, { eg, backend }) {
  test('init report names the selected backend and why others were rejected', async () => {
    const info = eg.capabilities();
    assert(info && info.selected === backend && eg.backend() === backend, `selected ${info?.selected}, eg.backend() ${eg.backend()}, want ${backend}`);
    for (const name of ['webgpu', 'wasm', 'js']) {
      const b = info.backends[name];
      assert(typeof b.ok === 'boolean', `${name}.ok`);
      if (!b.ok) assert(typeof b.reason === 'string' && b.reason.length > 0, `${name} rejected without a reason`);
    }
    if (backend === 'wasm') assert(info.backends.wasm.simd === true, 'wasm backend reports SIMD');
    if (backend === 'webgpu') assert(info.backends.webgpu.adapter && info.backends.webgpu.limits?.maxStorageBufferBindingSize > 0, 'webgpu adapter and limits reported');
  });

  test('tensor() from typed arrays, nested arrays, numbers and booleans', async () => {
    const t = eg.tensor([[1, 2, 3], [4, 5, 6]]);
    assertShape(t, [2, 3], 'nested');
    assert(t.dtype === 'float32' && t.size === 6 && t.rank === 2, 'nested dtype/size');
    const arr = await t.array();
    assert(JSON.stringify(arr) === '[[1,2,3],[4,5,6]]', `array() ${JSON.stringify(arr)}`);
    assert(eg.tensor(Int32Array.of(1, 2)).dtype === 'int32', 'Int32Array -> int32');
    assert(eg.tensor([true, false]).dtype === 'uint8', 'booleans -> uint8');
    const s = eg.tensor(7);
    assertShape(s, [], 'scalar');
    assert((await s.item()) === 7, 'item()');
    assertEqual(await eg.tensor([1, 2, 3, 4], [2, 2], 'int32').data(), [1, 2, 3, 4], 'explicit shape and dtype');
    await expectThrows(() => eg.tensor([[1, 2], [3]]), /tensor: ragged nested array/, 'ragged');
    await expectThrows(() => eg.tensor([1, 2, 3], [2, 2]), /tensor: shape \[2,2\] needs 4 values but got 3/, 'size mismatch');
    await expectThrows(() => eg.tensor(null), /tensor: cannot make a tensor from null/, 'null');
  });

  test('zeros, ones, full, arange, linspace, eye', async () => {
    assertEqual(await eg.zeros([2, 2]).data(), [0, 0, 0, 0], 'zeros');
    assertEqual(await eg.ones([3], 'int32').data(), [1, 1, 1], 'ones int32');
    assertEqual(await eg.full([2], 2.5).data(), [2.5, 2.5], 'full');
    const a = eg.arange(5);
    assert(a.dtype === 'int32', 'arange int');
    assertEqual(await a.data(), [0, 1, 2, 3, 4], 'arange(5)');
    assertClose(await eg.arange(0, 1, 0.25).data(), [0, 0.25, 0.5, 0.75], tol('exact', backend), 'arange float');
    assertClose(await eg.linspace(0, 1, 5).data(), [0, 0.25, 0.5, 0.75, 1], tol('exact', backend), 'linspace');
    assertEqual(await eg.eye(2, 3).data(), [1, 0, 0, 0, 1, 0], 'eye');
    await expectThrows(() => eg.zeros([2, -1]), /zeros|full: invalid shape/, 'negative shape');
    await expectThrows(() => eg.arange(0, 5, 0), /arange: step must be a finite non-zero number/, 'arange step 0');
  });

  test('dataSync on CPU backends, a clear error on webgpu', async () => {
    const t = eg.tensor([1, 2, 3]).mul(2);
    if (backend === 'webgpu') {
      const big = eg.add(eg.ones([3]), 1);
      if (big.device === 'webgpu') await expectThrows(() => big.dataSync(), /dataSync: the tensor lives on webgpu, which cannot be read synchronously\. Use `await t\.data\(\)`/, 'webgpu dataSync');
    } else {
      assertEqual(t.dataSync(), [2, 4, 6], 'dataSync');
      assert(JSON.stringify(t.arraySync()) === '[2,4,6]', 'arraySync');
    }
  });

  test('scope frees what it made and keeps what it returns; memory() is flat over a loop', async () => {
    const base = eg.memory();
    const x = eg.tensor(randn(rng(51), [64]));
    const before = eg.memory().tensors;
    for (let i = 0; i < 50; i++) {
      const y = eg.scope(() => x.mul(2).add(1).exp().sum());
      y.dispose();
    }
    assert(eg.memory().tensors === before, `tensors grew: ${before} -> ${eg.memory().tensors}`);
    const kept = eg.scope(() => { const a = x.add(1); const b = a.mul(a); return { b, list: [a] }; });
    assert(!kept.b.isDisposed && !kept.list[0].isDisposed, 'returned tensors stay alive');
    const inner = eg.scope(() => eg.scope(() => x.add(3)));
    assert(!inner.isDisposed, 'nested scope returns through');
    await expectThrows(() => eg.scope(async () => x.add(1)), /scope: fn returned a Promise/, 'async scope');
    x.dispose(); kept.b.dispose(); kept.list[0].dispose(); inner.dispose();
    assert(eg.memory().tensors === base.tensors, `leak: ${base.tensors} -> ${eg.memory().tensors}`);
    const t = eg.ones([1000]);
    const m1 = eg.memory();
    assert(m1.bytes >= base.bytes + 4000, `bytes did not grow by 4000: ${base.bytes} -> ${m1.bytes}`);
    t.dispose();
    // what `using u = ...` calls at block end (the syntax itself needs a newer engine than Node 20)
    const u = eg.ones([10]);
    u[Symbol.dispose]();
    assert(u.isDisposed, 'Symbol.dispose frees the tensor');
  });

  test('calibrate() measures the CPU/GPU break-even size', async () => {
    const r = await eg.calibrate({ apply: false, maxLog2: 14, reps: 2 });
    if (backend === 'webgpu') {
      assert(r.samples.length > 0 && r.samples.every((s) => s.cpuMs >= 0 && s.gpuMs >= 0), `samples ${JSON.stringify(r.samples)}`);
      assert(Number.isInteger(Math.log2(r.webgpu)) && r.webgpu >= 1024 && r.webgpu <= 2 ** 14, `threshold ${r.webgpu}`);
    } else {
      assert(r.samples.length === 0 && /no webgpu backend/.test(r.reason), `CPU backends have nothing to calibrate: ${r.reason}`);
    }
  });

  test('stats() counts launches on the selected backend', async () => {
    eg.resetStats();
    const a = eg.tensor(randn(rng(52), [4096]));
    eg.add(a, a).exp().sum();
    const s = eg.stats();
    assert(s.launches[backend] >= 3, `launches on ${backend}: ${JSON.stringify(s.launches)}`);
    for (const other of ['js', 'wasm', 'webgpu']) if (other !== backend && backend !== 'webgpu') assert(s.launches[other] === 0 || other === 'js', `unexpected launches on ${other}: ${JSON.stringify(s)}`);
    assert(typeof s.fallbacks.count === 'number' && typeof s.copies.count === 'number', 'fallback and copy counters');
  });

  test('random: Philox known-answer, same key -> same stream, keys split apart', async () => {
    const block = eg.random.philox(new eg.random.Key(0, 0), 0, 0, 0, 0);
    assertEqual(block, [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8], 'Philox-4x32-10 known answer (Random123 kat vector)');
    const k = eg.random.key(42);
    const a = await eg.random.normal(k, [1000]).data(), b = await eg.random.normal(k, [1000]).data();
    assertEqual(a, b, 'same key same numbers');
    const m = a.reduce((s, v) => s + v, 0) / a.length, v = a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length;
    assert(Math.abs(m) < 0.15 && Math.abs(v - 1) < 0.15, `normal moments mean ${m} var ${v}`);
    const [k1, k2] = eg.random.split(k);
    const u1 = await eg.random.uniform(k1, [100]).data(), u2 = await eg.random.uniform(k2, [100]).data();
    assert(u1.some((x, i) => x !== u2[i]), 'split keys differ');
    assert(u1.every((x) => x >= 0 && x < 1), 'uniform in [0,1)');
    const ri = await eg.random.randint(k, [200], 3, 7).data();
    assert(ri.every((x) => x >= 3 && x < 7) && new Set(ri).size === 4, 'randint range');
    const perm = Array.from(await eg.random.permutation(k, 50).data()).sort((x, y) => x - y);
    assertEqual(perm, Array.from({ length: 50 }, (_, i) => i), 'permutation');
  });
}
