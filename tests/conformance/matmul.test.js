import { rng, randn, tol, assertClose, assertShape, expectThrows, matmulOracle, transposeOracle } from './_util.js';

export default function (test, { eg, backend }) {
  test('matmul 2-D, odd and tile-edge sizes, all transpose flags', async () => {
    const r = rng(21);
    const sizes = [[1, 1, 1], [3, 5, 7], [16, 16, 16], [33, 17, 65], [64, 1, 64], [1, 130, 9], [70, 33, 129], [128, 128, 128]];
    for (const [m, k, n] of sizes) {
      const a = randn(r, [m, k]), b = randn(r, [k, n]);
      const want = matmulOracle(a, b, m, n, k);
      for (const ta of [false, true]) for (const tb of [false, true]) {
        const A = ta ? transposeOracle(a, [m, k], [1, 0]) : { data: a, shape: [m, k] };
        const B = tb ? transposeOracle(b, [k, n], [1, 0]) : { data: b, shape: [k, n] };
        const out = eg.matmul(eg.tensor(Float32Array.from(A.data), A.shape), eg.tensor(Float32Array.from(B.data), B.shape), { transposeA: ta, transposeB: tb });
        assertShape(out, [m, n], `matmul ${m}x${k}x${n} tA=${ta} tB=${tb}`);
        assertClose(await out.data(), want, tol('matmul', backend), `matmul ${m}x${k}x${n} tA=${ta} tB=${tb}`, Array.from(want, () => Math.sqrt(k) * 3));
      }
    }
  });

  test('batched matmul with broadcast batch dims and 1-D operands', async () => {
    const r = rng(22);
    const cases = [
      [[3, 4, 5], [3, 5, 6], [3, 4, 6]],
      [[2, 1, 4, 5], [3, 5, 2], [2, 3, 4, 2]],
      [[4, 5], [2, 5, 3], [2, 4, 3]],
      [[7, 4, 5], [5, 2], [7, 4, 2]],
    ];
    for (const [sa, sb, so] of cases) {
      const a = randn(r, sa), b = randn(r, sb);
      const out = eg.matmul(eg.tensor(a, sa), eg.tensor(b, sb));
      assertShape(out, so, `batched ${JSON.stringify([sa, sb])}`);
      // oracle: loop the broadcast batch explicitly
      const [m, k] = sa.slice(-2), n = sb[sb.length - 1];
      const bs = so.slice(0, -2), nb = bs.reduce((x, y) => x * y, 1);
      const want = new Float64Array(nb * m * n);
      const pick = (data, shape, t) => {
        const tb = shape.slice(0, -2), mat = shape.slice(-2).reduce((x, y) => x * y, 1);
        let off = 0, rem = t, st = 1;
        const idx = bs.map((d) => 0);
        for (let ax = bs.length - 1; ax >= 0; ax--) { idx[ax] = rem % bs[ax]; rem = Math.floor(rem / bs[ax]); }
        for (let ax = tb.length - 1; ax >= 0; ax--) { const oi = idx[ax + bs.length - tb.length]; off += (tb[ax] === 1 ? 0 : oi) * st; st *= tb[ax]; }
        return data.subarray(off * mat, off * mat + mat);
      };
      for (let t = 0; t < nb; t++) want.set(matmulOracle(pick(a, sa, t), pick(b, sb, t), m, n, k), t * m * n);
      assertClose(await out.data(), want, tol('matmul', backend), `batched ${JSON.stringify([sa, sb])}`, Array.from(want, () => Math.sqrt(k) * 3));
    }
    const v = randn(r, [5]), M = randn(r, [5, 3]);
    const vm = eg.matmul(eg.tensor(v), eg.tensor(M, [5, 3]));
    assertShape(vm, [3], 'vector @ matrix');
    assertClose(await vm.data(), matmulOracle(v, M, 1, 3, 5), tol('matmul', backend), 'vector @ matrix', [10, 10, 10]);
    const mv = eg.matmul(eg.tensor(M, [5, 3]), eg.tensor(v.subarray(0, 3)));
    assertShape(mv, [5], 'matrix @ vector');
    const dot = eg.matmul(eg.tensor(v), eg.tensor(v));
    assertShape(dot, [], 'vector @ vector');
    assertClose(await dot.data(), [v.reduce((s, x) => s + x * x, 0)], tol('matmul', backend), 'dot', [10]);
  });

  test('a weight matrix used again and again, then updated in place, gives fresh results', async () => {
    // the wasm backend keeps a packed copy of a B it sees twice unchanged: every use here
    // must match the oracle on B's current contents, before and after in-place updates
    const r = rng(23);
    const [m, k, n] = [13, 40, 27];
    for (const fused of [true, false]) {
      const W = eg.tensor(randn(r, [k, n]), [k, n]);
      const opt = eg.optim.sgd(W, { lr: 0.5, fused });
      for (let step = 0; step < 3; step++) {
        for (let use = 0; use < 3; use++) {
          const x = randn(r, [m, k]), xt = transposeOracle(x, [m, k], [1, 0]).data;
          const w = Float64Array.from(await W.data());
          const want = matmulOracle(x, w, m, n, k);
          const what = `fused=${fused} step ${step} use ${use}`;
          assertClose(await eg.matmul(eg.tensor(x, [m, k]), W).data(), want, tol('matmul', backend), what, Array.from(want, () => Math.sqrt(k) * 3));
          // the same storage as [n, k] read with transposeB is a different pack
          const Wt = eg.reshape(W, [n, k]);
          const want2 = matmulOracle(x, transposeOracle(w, [n, k], [1, 0]).data, m, n, k);
          assertClose(await eg.matmul(eg.tensor(xt, [k, m]), Wt, { transposeA: true, transposeB: true }).data(), want2, tol('matmul', backend), `${what} transposed`, Array.from(want2, () => Math.sqrt(k) * 3));
        }
        opt.step(eg.tensor(randn(r, [k, n]), [k, n]));
      }
    }
  });

  test('matmul with an empty inner dimension gives zeros', async () => {
    for (let i = 0; i < 3; i++) eg.full([6], 7).dispose();
    assertClose(await eg.matmul(eg.zeros([2, 0]), eg.zeros([0, 3])).data(), [0, 0, 0, 0, 0, 0], tol('exact', backend), 'k = 0');
    assertShape(eg.matmul(eg.zeros([0, 4]), eg.ones([4, 2])), [0, 2], 'm = 0');
  });

  test('matmul rejects mismatched shapes and int dtypes with clear errors', async () => {
    await expectThrows(() => eg.matmul(eg.ones([2, 3]), eg.ones([4, 5])), /matmul: inner dimensions differ \(3 vs 4\) \(shapes \[2,3\], \[4,5\]\)/, 'inner');
    await expectThrows(() => eg.matmul(eg.ones([2, 2, 3]), eg.ones([3, 3, 4])), /matmul: shapes \[2\] and \[3\] cannot be broadcast/, 'batch');
    await expectThrows(() => eg.matmul(eg.ones([2, 3], 'int32'), eg.ones([3, 2])), /matmul: needs float32 operands, got int32 \[2,3\]/, 'dtype');
    await expectThrows(() => eg.matmul(eg.tensor(2), eg.ones([3, 2])), /matmul: operands must have at least one axis/, 'scalar');
  });
}
