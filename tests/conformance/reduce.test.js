import { rng, randn, randi, tol, assert, assertClose, assertEqual, assertShape, expectThrows, reduceOracle, sizeOf } from './_util.js';

const CASES = [
  [[17], [0]], [[6, 9], [1]], [[6, 9], [0]], [[4, 5, 6], [1]], [[4, 5, 6], [0, 2]], [[4, 5, 6], [0, 1, 2]],
  [[3, 1, 130], [2]], [[2, 3, 4, 5], [1, 2]], [[2, 3, 4, 5], [0, 3]], [[1000], [0]], [[64, 257], [1]], [[257, 64], [0]],
];

export default function (test, { eg, backend }) {
  test('sum/mean/max/min over any axes, keepDims, match float64', async () => {
    const r = rng(11);
    for (const [shape, axes] of CASES) {
      const x = randn(r, shape);
      const X = eg.tensor(x, shape);
      const absSum = reduceOracle(x, shape, axes, (a, v) => a + Math.abs(v), 0);
      const n = sizeOf(axes.map((a) => shape[a]));
      const want = {
        sum: reduceOracle(x, shape, axes, (a, v) => a + v, 0),
        max: reduceOracle(x, shape, axes, Math.max, -Infinity),
        min: reduceOracle(x, shape, axes, Math.min, Infinity),
      };
      want.mean = want.sum.map((v) => v / n);
      for (const op of Object.keys(eg.opTable.reduce).filter((n) => !eg.opTable.reduce[n].index)) {
        if (!want[op]) throw new Error(`reduce op '${op}' of eg.opTable has no float64 oracle in reduce.test.js`);
        for (const keepDims of [false, true]) {
          const out = eg[op](X, axes, keepDims);
          const outShape = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
          assertShape(out, outShape, `${op} ${JSON.stringify([shape, axes, keepDims])}`);
          // cancellation: judge sums relative to the sum of magnitudes
          const scale = op === 'sum' ? absSum : op === 'mean' ? absSum.map((v) => v / n) : undefined;
          assertClose(await out.data(), want[op], tol('reduction', backend), `${op} ${JSON.stringify([shape, axes])}`, scale);
        }
      }
    }
  });

  test('reduce over all axes by default, and of a scalar', async () => {
    const r = rng(12);
    const x = randn(r, [5, 7]);
    const s = eg.sum(eg.tensor(x, [5, 7]));
    assertShape(s, [], 'sum()');
    assertClose(await s.data(), [x.reduce((a, b) => a + b, 0)], tol('reduction', backend), 'sum()', [x.reduce((a, b) => a + Math.abs(b), 0)]);
    assertClose(await eg.mean(eg.tensor(3.5)).data(), [3.5], tol('exact', backend), 'mean(scalar)');
    assertShape(eg.sum(eg.ones([2, 3]), null, true), [1, 1], 'sum keepDims all');
    // empty axes: outputs are not cleared before kernels run, so each kernel must write them
    for (let i = 0; i < 3; i++) eg.full([4], 7).dispose();
    assertClose(await eg.sum(eg.zeros([4, 0]), 1).data(), [0, 0, 0, 0], tol('exact', backend), 'sum over an empty axis');
    for (let i = 0; i < 3; i++) eg.full([3], 7).dispose();
    assertClose(await eg.mean(eg.zeros([3, 0]), 1).data(), [NaN, NaN, NaN], tol('exact', backend), 'mean over an empty axis');
  });

  test('argmax/argmin return int32 first-occurrence indices', async () => {
    const r = rng(13);
    for (const [shape, axis] of [[[40], 0], [[6, 9], 1], [[6, 9], 0], [[3, 4, 5], 1], [[2, 300], 1]]) {
      // few distinct values -> ties; the first index must win
      const x = Float32Array.from(randi(r, shape, -3, 4));
      const X = eg.tensor(x, shape);
      for (const op of ['argmax', 'argmin']) {
        const out = eg[op](X, axis);
        assert(out.dtype === 'int32', `${op} dtype ${out.dtype}`);
        const outShape = shape.filter((_, i) => i !== axis);
        assertShape(out, outShape, op);
        const outer = sizeOf(shape.slice(0, axis)), n = shape[axis], inner = sizeOf(shape.slice(axis + 1));
        const want = [];
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          let best = 0;
          for (let k = 1; k < n; k++) { const v = x[(o * n + k) * inner + i], b = x[(o * n + best) * inner + i]; if (op === 'argmax' ? v > b : v < b) best = k; }
          want.push(best);
        }
        assertEqual(await out.data(), want, `${op} ${JSON.stringify([shape, axis])}`);
      }
    }
    const flat = eg.argmax(eg.tensor([[1, 9], [9, 2]]));
    assertShape(flat, [], 'argmax() flattened');
    assertEqual(await flat.data(), [1], 'argmax() flattened first max');
  });

  test('int32 reductions are exact; mean of ints is float32', async () => {
    const r = rng(14);
    const x = randi(r, [8, 33], -1000, 1000);
    const X = eg.tensor(x, [8, 33]);
    const s = eg.sum(X, 1);
    assert(s.dtype === 'int32', `int sum dtype ${s.dtype}`);
    assertEqual(await s.data(), reduceOracle(x, [8, 33], [1], (a, v) => a + v, 0), 'int sum');
    assertEqual(await eg.max(X, 0).data(), reduceOracle(x, [8, 33], [0], Math.max, -Infinity), 'int max');
    const m = eg.mean(X, 1);
    assert(m.dtype === 'float32', `int mean dtype ${m.dtype}`);
    assertClose(await m.data(), reduceOracle(x, [8, 33], [1], (a, v) => a + v, 0).map((v) => v / 33), tol('reduction', backend), 'int mean');
  });

  test('NaN propagates through sum/max/min; argmax picks the NaN', async () => {
    const X = eg.tensor([[1, NaN, 3], [4, 5, 6]]);
    assertClose(await eg.sum(X, 1).data(), [NaN, 15], tol('exact', backend), 'sum NaN');
    assertClose(await eg.max(X, 1).data(), [NaN, 6], tol('exact', backend), 'max NaN');
    assertClose(await eg.min(X, 1).data(), [NaN, 4], tol('exact', backend), 'min NaN');
    assertEqual(await eg.argmax(X, 1).data(), [1, 2], 'argmax NaN');
    assertClose(await eg.sum(eg.tensor([Infinity, 1, -2])).data(), [Infinity], tol('exact', backend), 'sum Inf');
  });

  test('bad axes throw errors naming the op', async () => {
    const X = eg.ones([2, 3]);
    await expectThrows(() => eg.sum(X, 2), /sum: axis 2 is out of range for rank 2/, 'axis out of range');
    await expectThrows(() => eg.mean(X, [0, 0]), /mean: axis \[0,0\] repeats an axis/, 'repeated axis');
    await expectThrows(() => eg.max(eg.ones([0, 3]), 0), /max: cannot reduce an empty axis/, 'empty max');
    await expectThrows(() => eg.argmax(X, 1.5), /argmax: axis 1.5 is out of range/, 'fractional axis');
  });
}
