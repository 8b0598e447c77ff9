import { rng, randn, tol, assert, assertClose, assertShape, expectThrows, sizeOf } from './_util.js';

function rowsOracle(x, shape, axis, f) {
  // apply f to every 1-D fibre along `axis`
  const n = shape[axis], inner = sizeOf(shape.slice(axis + 1)), outer = sizeOf(shape.slice(0, axis));
  const out = new Float64Array(x.length);
  const row = new Float64Array(n);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    for (let k = 0; k < n; k++) row[k] = x[(o * n + k) * inner + i];
    const y = f(row);
    for (let k = 0; k < n; k++) out[(o * n + k) * inner + i] = y[k];
  }
  return out;
}
const lse = (row) => { const m = Math.max(...row); return Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) + m; };

export default function (test, { eg, backend }) {
  test('softmax and logSoftmax along any axis match float64', async () => {
    const r = rng(41);
    for (const [shape, axis] of [[[7], 0], [[5, 9], 1], [[5, 9], 0], [[3, 4, 130], -1], [[3, 33, 4], 1], [[2, 1000], 1]]) {
      const x = randn(r, shape, 4);
      const ax = axis < 0 ? axis + shape.length : axis;
      const X = eg.tensor(x, shape);
      const sm = eg.softmax(X, axis);
      assertShape(sm, shape, 'softmax');
      assertClose(await sm.data(), rowsOracle(x, shape, ax, (row) => { const l = lse(row); return row.map((v) => Math.exp(v - l)); }), tol('softmax', backend), `softmax ${JSON.stringify([shape, axis])}`);
      assertClose(await eg.logSoftmax(X, axis).data(), rowsOracle(x, shape, ax, (row) => { const l = lse(row); return row.map((v) => v - l); }), tol('softmax', backend), `logSoftmax ${JSON.stringify([shape, axis])}`);
    }
  });

  test('softmax is stable for large logits and handles -Inf', async () => {
    const sm = await eg.softmax(eg.tensor([[1000, 1001, 1002], [-Infinity, 0, 0]])).data();
    const e = [Math.exp(-2), Math.exp(-1), 1], s = e[0] + e[1] + e[2];
    assertClose(sm, [...e.map((v) => v / s), 0, 0.5, 0.5], tol('softmax', backend), 'stable softmax');
    // NaN anywhere or +Infinity anywhere makes a softmax row NaN; logSumExp: NaN wins over +Infinity
    const special = eg.tensor([[NaN, 1, 2, 3, 4, 5], [Infinity, NaN, 0, 1, 2, 3], [Infinity, 0, 1, 2, 3, 4], [-Infinity, NaN, -Infinity, -Infinity, -Infinity, -Infinity], [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity]]);
    const sp = await eg.softmax(special).data();
    assert(Array.from(sp).every((v) => Number.isNaN(v)), `softmax of rows with NaN/+Inf/all -Inf: ${Array.from(sp)}`);
    const lse = Array.from(await eg.logSumExp(special, -1).data());
    assert(Number.isNaN(lse[0]) && Number.isNaN(lse[1]) && lse[2] === Infinity && Number.isNaN(lse[3]) && lse[4] === -Infinity, `logSumExp of special rows: ${lse}`);
  });

  test('logSumExp over one or several axes, keepDims', async () => {
    const r = rng(42);
    const shape = [4, 6, 5];
    const x = randn(r, shape, 3);
    const X = eg.tensor(x, shape);
    const l1 = eg.logSumExp(X, 1);
    assertShape(l1, [4, 5], 'lse axis 1');
    const want1 = rowsOracle(x, shape, 1, (row) => row.map(() => lse(row)));
    const pick = []; for (let o = 0; o < 4; o++) for (let i = 0; i < 5; i++) pick.push(want1[(o * 6) * 5 + i]);
    assertClose(await l1.data(), pick, tol('softmax', backend), 'lse axis 1');
    const l2 = eg.logSumExp(X, [1, 2], true);
    assertShape(l2, [4, 1, 1], 'lse axes 1,2 keepDims');
    const want2 = []; for (let o = 0; o < 4; o++) want2.push(lse(Array.from(x.subarray(o * 30, o * 30 + 30))));
    assertClose(await l2.data(), want2, tol('softmax', backend), 'lse axes 1,2');
    assertClose(await eg.logSumExp(eg.tensor([1e4, 1e4])).data(), [1e4 + Math.log(2)], tol('softmax', backend), 'lse large');
  });

  test('layerNorm and rmsNorm with and without affine parameters', async () => {
    const r = rng(43);
    for (const shape of [[3, 8], [2, 5, 33], [4, 256], [1, 1]]) {
      const x = randn(r, shape, 2).map((v) => v + 1.5);
      const cols = shape[shape.length - 1];
      const g = randn(r, [cols]), b = randn(r, [cols]);
      const X = eg.tensor(x, shape);
      const ln = (row) => { const m = row.reduce((a, v) => a + v, 0) / row.length; const v = row.reduce((a, q) => a + (q - m) ** 2, 0) / row.length; return row.map((q) => (q - m) / Math.sqrt(v + 1e-5)); };
      const rms = (row) => { const s = row.reduce((a, v) => a + v * v, 0) / row.length; return row.map((q) => q / Math.sqrt(s + 1e-6)); };
      const nLn = rowsOracle(x, shape, shape.length - 1, ln), nRms = rowsOracle(x, shape, shape.length - 1, rms);
      assertClose(await eg.layerNorm(X).data(), nLn, tol('norm', backend), `layerNorm ${JSON.stringify(shape)}`);
      assertClose(await eg.layerNorm(X, eg.tensor(g), eg.tensor(b)).data(), nLn.map((v, i) => v * g[i % cols] + b[i % cols]), tol('norm', backend), `layerNorm affine ${JSON.stringify(shape)}`);
      assertClose(await eg.rmsNorm(X).data(), nRms, tol('norm', backend), `rmsNorm ${JSON.stringify(shape)}`);
      assertClose(await eg.rmsNorm(X, eg.tensor(g)).data(), nRms.map((v, i) => v * g[i % cols]), tol('norm', backend), `rmsNorm gamma ${JSON.stringify(shape)}`);
    }
    // rows whose float32 squares overflow (|x| > 1.8e19) or whose sum does: the float64
    // reference has no trouble, and neither may a backend. Row scales from 1e-3 to 1e37.
    const big = [1e-3, 1e10, 3e19, 1e25, 1e37].flatMap((sc) => Array.from(randn(r, [40]), (v) => Math.fround(v * sc + 0.5 * sc)));
    const bigShape = [5, 40], BX = eg.tensor(big, bigShape);
    const lnE = (eps) => (row) => { const m = row.reduce((a, v) => a + v, 0) / row.length; const v = row.reduce((a, q) => a + (q - m) ** 2, 0) / row.length; return row.map((q) => (q - m) / Math.sqrt(v + eps)); };
    const rmsE = (row) => { const s = row.reduce((a, v) => a + v * v, 0) / row.length; return row.map((q) => q / Math.sqrt(s + 1e-6)); };
    assertClose(await eg.layerNorm(BX).data(), rowsOracle(big, bigShape, 1, lnE(1e-5)), tol('norm', backend), 'layerNorm of rows up to 1e37');
    assertClose(await eg.rmsNorm(BX).data(), rowsOracle(big, bigShape, 1, rmsE), tol('norm', backend), 'rmsNorm of rows up to 1e37');
    await expectThrows(() => eg.layerNorm(eg.ones([2, 4]), eg.ones([3])), /layerNorm: gamma must be float32 with 4 elements \(the last axis of \[2,4\]\), got float32 \[3\]/, 'gamma shape');
    await expectThrows(() => eg.softmax(eg.ones([2, 4]), 2), /softmax: axis 2 is out of range for rank 2/, 'softmax axis');
  });
}
