import { rng, randn, randi, tol, assert, assertClose, assertEqual, assertShape, expectThrows, transposeOracle, broadcastMap, strides, unravel } from './_util.js';

export default function (test, { eg, backend }) {
  const exact = tol('exact', backend);

  test('reshape is a view: same data, -1 inferred, disposing one keeps the other', async () => {
    const r = rng(31);
    const x = randn(r, [4, 6]);
    const X = eg.tensor(x, [4, 6]);
    const Y = X.reshape([2, -1, 3]);
    assertShape(Y, [2, 4, 3], 'reshape -1');
    assertEqual(await Y.data(), x, 'reshape data');
    X.dispose();
    assertEqual(await Y.data(), x, 'view outlives the original');
    await expectThrows(() => Y.reshape([5, 5]), /reshape: cannot reshape 24 elements into 25 \(shapes \[2,4,3\], \[5,5\]\)/, 'size mismatch');
    await expectThrows(() => Y.reshape([-1, 7]), /reshape: cannot infer -1/, 'bad -1');
  });

  test('transpose with any permutation, for every dtype', async () => {
    const r = rng(32);
    for (const [shape, perm] of [[[3, 5], [1, 0]], [[2, 3, 4], [2, 0, 1]], [[2, 3, 4], [0, 2, 1]], [[2, 3, 4, 5], [3, 1, 0, 2]], [[33, 65], [1, 0]], [[1, 7, 1], [2, 1, 0]]]) {
      const x = randn(r, shape);
      const want = transposeOracle(x, shape, perm);
      const out = eg.transpose(eg.tensor(x, shape), perm);
      assertShape(out, want.shape, `transpose ${JSON.stringify([shape, perm])}`);
      assertEqual(await out.data(), Float32Array.from(want.data), `transpose ${JSON.stringify([shape, perm])}`);
      const xi = randi(r, shape, -100, 100);
      assertEqual(await eg.transpose(eg.tensor(xi, shape), perm).data(), transposeOracle(xi, shape, perm).data, 'transpose int32');
      const xu = Uint8Array.from(xi, (v) => v & 255);
      assertEqual(await eg.transpose(eg.tensor(xu, shape), perm).data(), transposeOracle(xu, shape, perm).data, 'transpose uint8');
    }
    assertShape(eg.ones([2, 3, 4]).transpose(), [4, 3, 2], 'default reverses axes');
    await expectThrows(() => eg.transpose(eg.ones([2, 3]), [0, 0]), /transpose: perm \[0,0\] is not a permutation/, 'bad perm');
  });

  test('slice with negative begin and -1 size', async () => {
    const r = rng(33);
    const shape = [5, 6, 7];
    const x = randn(r, shape);
    const X = eg.tensor(x, shape);
    for (const [b, s] of [[[1, 2, 3], [2, 3, 4]], [[0, 0, 0], [5, 6, 7]], [[-2, 1], [-1, 2]], [[4], [1]], [[0, 5, 6], [5, 1, 1]]]) {
      const out = X.slice(b, s);
      const beg = shape.map((d, i) => { const v = b[i] ?? 0; return v < 0 ? v + d : v; });
      const size = shape.map((d, i) => { const v = s[i] ?? -1; return v === -1 ? d - beg[i] : v; });
      assertShape(out, size, `slice ${JSON.stringify([b, s])}`);
      const st = strides(shape), want = [];
      for (let i = 0; i < size.reduce((a, c) => a * c, 1); i++) want.push(x[unravel(i, size).reduce((o, v, ax) => o + (v + beg[ax]) * st[ax], 0)]);
      assertEqual(await out.data(), want, `slice ${JSON.stringify([b, s])}`);
    }
    await expectThrows(() => X.slice([4], [2]), /slice: axis 0: begin 4 size 2 is outside \[5,6,7\]/, 'out of bounds');
  });

  test('concat and stack along any axis, mixed dtypes promote', async () => {
    const r = rng(34);
    const a = randn(r, [2, 3, 4]), b = randn(r, [2, 5, 4]), c = randn(r, [2, 1, 4]);
    const out = eg.concat([eg.tensor(a, [2, 3, 4]), eg.tensor(b, [2, 5, 4]), eg.tensor(c, [2, 1, 4])], 1);
    assertShape(out, [2, 9, 4], 'concat axis 1');
    const want = [];
    for (let i = 0; i < 2; i++) for (const [d, n] of [[a, 3], [b, 5], [c, 1]]) want.push(...d.subarray(i * n * 4, (i + 1) * n * 4));
    assertEqual(await out.data(), want, 'concat axis 1');
    const last = eg.concat([eg.tensor([[1, 2], [3, 4]]), eg.tensor([[5], [6]])], -1);
    assertEqual(await last.data(), [1, 2, 5, 3, 4, 6], 'concat last axis');
    const mixed = eg.concat([eg.tensor(Int32Array.of(1, 2)), eg.tensor(Float32Array.of(0.5))]);
    assert(mixed.dtype === 'float32', 'concat promotes');
    assertEqual(await mixed.data(), [1, 2, 0.5], 'concat mixed');
    const st = eg.stack([eg.tensor([1, 2]), eg.tensor([3, 4]), eg.tensor([5, 6])], 1);
    assertShape(st, [2, 3], 'stack');
    assertEqual(await st.data(), [1, 3, 5, 2, 4, 6], 'stack axis 1');
    assertEqual(await eg.concat([eg.zeros([0, 2]), eg.tensor([[7, 8]])]).data(), [7, 8], 'empty piece');
    await expectThrows(() => eg.concat([eg.ones([2, 3]), eg.ones([3, 2])], 0), /concat: all dimensions except axis 0 must match/, 'mismatch');
  });

  test('gather along an axis with int32 indices of any shape', async () => {
    const r = rng(35);
    const shape = [4, 5, 3];
    const x = randn(r, shape);
    const X = eg.tensor(x, shape);
    for (const axis of [0, 1, 2]) {
      const idx = randi(r, [2, 3], 0, shape[axis]);
      const out = eg.gather(X, eg.tensor(idx, [2, 3]), axis);
      const outShape = [...shape.slice(0, axis), 2, 3, ...shape.slice(axis + 1)];
      assertShape(out, outShape, `gather axis ${axis}`);
      const st = strides(shape), want = [];
      for (let i = 0; i < outShape.reduce((a, c) => a * c, 1); i++) {
        const oi = unravel(i, outShape);
        const src = [...oi.slice(0, axis), idx[oi[axis] * 3 + oi[axis + 1]], ...oi.slice(axis + 2)];
        want.push(x[src.reduce((o, v, ax) => o + v * st[ax], 0)]);
      }
      assertEqual(await out.data(), want, `gather axis ${axis}`);
    }
    assertEqual(await eg.gather(eg.tensor(Int32Array.of(10, 20, 30)), [2, 2, 0]).data(), [30, 30, 10], 'gather int32 with array indices');
    await expectThrows(() => eg.gather(X, [0, 4], 0), /gather: index 4 at position 1 is out of range for axis 0 of size 4/, 'out of range');
    await expectThrows(() => eg.gather(X, eg.tensor([0.5]), 0), /gather: indices must be int32, got float32/, 'float indices');
  });

  test('where broadcasts condition and both branches', async () => {
    const r = rng(36);
    const c = Uint8Array.from(randi(r, [4, 1, 5], 0, 2)), a = randn(r, [3, 5]), b = randn(r, [4, 3, 1]);
    const out = eg.where(eg.tensor(c, [4, 1, 5]), eg.tensor(a, [3, 5]), eg.tensor(b, [4, 3, 1]));
    const want = broadcastMap([{ data: c, shape: [4, 1, 5] }, { data: a, shape: [3, 5] }, { data: b, shape: [4, 3, 1] }], (cc, aa, bb) => (cc ? aa : bb));
    assertShape(out, want.shape, 'where');
    assertEqual(await out.data(), Float32Array.from(want.data), 'where');
    const x = eg.tensor([-2, 3, -1, 4]);
    assertEqual(await eg.where(x.greater(0), x, 0).data(), [0, 3, 0, 4], 'where with a number branch');
    assertEqual(await eg.where(eg.tensor([0.5, 0, -1]), 1, 2).data(), [1, 2, 1], 'non-uint8 condition means != 0');
  });

  test('broadcastTo, expandDims, squeeze', async () => {
    const b = eg.broadcastTo(eg.tensor([1, 2, 3]), [2, 3]);
    assertEqual(await b.data(), [1, 2, 3, 1, 2, 3], 'broadcastTo');
    assertShape(eg.expandDims(eg.ones([2, 3]), 1), [2, 1, 3], 'expandDims');
    assertShape(eg.squeeze(eg.ones([1, 2, 1, 3])), [2, 3], 'squeeze all');
    assertShape(eg.squeeze(eg.ones([1, 2, 1, 3]), 2), [1, 2, 3], 'squeeze axis');
    await expectThrows(() => eg.squeeze(eg.ones([2, 3]), 0), /squeeze: axis 0 of \[2,3\] has size 2, not 1/, 'squeeze bad');
    await expectThrows(() => eg.broadcastTo(eg.ones([2, 3]), [3, 3]), /broadcastTo/, 'broadcastTo bad');
    assertClose(await eg.add(b, 0.5).data(), [1.5, 2.5, 3.5, 1.5, 2.5, 3.5], exact, 'broadcast result is usable');
  });
}
