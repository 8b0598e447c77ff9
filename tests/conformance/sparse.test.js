// eg.sparse: CSR construction, products against float64 dense oracles, gradients against
// central differences of the float64 oracle, segmentSum (gather's transpose), bad input.
import { rng, randn, tol, assert, assertClose, assertEqual, assertShape, expectThrows, matmulOracle } from './_util.js';

/** A random m×n matrix with about `density` of its entries non-zero, as dense float64 + CSR arrays. */
export function randomSparse(r, m, n, density) {
  const dense = new Float64Array(m * n);
  const indptr = [0], indices = [], values = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) if (r.uniform(0, 1) < density) {
      const v = Math.fround(r.normal());
      dense[i * n + j] = v; indices.push(j); values.push(v);
    }
    indptr.push(indices.length);
  }
  return { dense, indptr, indices, values };
}

export default function (test, { eg, backend }) {
  const gpu = backend === 'webgpu';

  test('CSR × vector and × matrix match the dense float64 product', async () => {
    const r = rng(301);
    const cases = gpu ? [[7, 5, 0.4, 3], [40, 33, 0.1, 5], [1, 9, 0.5, 2]] : [[7, 5, 0.4, 3], [60, 45, 0.1, 7], [1, 9, 0.5, 2], [128, 100, 0.05, 16]];
    for (const [m, n, density, k] of cases) {
      const s = randomSparse(r, m, n, density);
      const A = eg.sparse.csr({ indptr: s.indptr, indices: s.indices, values: s.values, shape: [m, n] });
      assert(A.nnz === s.values.length && A.shape[0] === m && A.shape[1] === n, `nnz/shape ${A.nnz} ${A.shape}`);
      const x = randn(r, [n]), X = randn(r, [n, k]);
      const y = A.matmul(eg.tensor(x));
      assertShape(y, [m], 'SpMV');
      const scale = new Array(m).fill(Math.sqrt(n) * 3);
      assertClose(await y.data(), matmulOracle(s.dense, x, m, 1, n), tol('matmul', backend), `SpMV ${m}x${n}`, scale);
      const Y = eg.sparse.matmul(A, eg.tensor(X, [n, k]));
      assertShape(Y, [m, k], 'SpMM');
      assertClose(await Y.data(), matmulOracle(s.dense, X, m, k, n), tol('matmul', backend), `SpMM ${m}x${n}x${k}`, new Array(m * k).fill(Math.sqrt(n) * 3));
      assertClose(await A.toDense().data(), s.dense, tol('exact', backend), 'toDense');
      const T = A.transpose();
      assertShape(T.toDense(), [n, m], 'transpose shape');
      const td = new Float64Array(n * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) td[j * m + i] = s.dense[i * n + j];
      assertClose(await T.toDense().data(), td, tol('exact', backend), 'transpose');
      assertEqual(await A.indptr.data(), s.indptr, 'indptr');
      assertEqual(await A.indices.data(), s.indices, 'indices');
      const D = eg.tensor(Float32Array.from(s.dense), [m, n]);
      if (D.device === 'webgpu') {
        // the pattern is found on the host: a GPU tensor cannot be read synchronously
        await expectThrows(() => eg.sparse.fromDense(D), /sparse\.fromDense: the tensor lives on webgpu/, 'fromDense on the GPU');
      } else {
        const back = eg.sparse.fromDense(D);
        assert(back.nnz === A.nnz, `fromDense nnz ${back.nnz} vs ${A.nnz}`);
        assertEqual(await back.values.data(), s.values, 'fromDense values');
        assertEqual(await back.indices.data(), s.indices, 'fromDense indices');
        back.dispose();
      }
      A.dispose(); T.dispose();
    }
  });

  test('csr sorts each row\'s columns; fromCOO sums duplicates as SciPy (zero sums stay stored)', async () => {
    const A = eg.sparse.csr({ indptr: [0, 3, 3, 5], indices: [2, 0, 1, 3, 1], values: [1, 2, 3, 4, 5], shape: [3, 4] });
    assertEqual(await A.indices.data(), [0, 1, 2, 1, 3], 'sorted indices');
    assertEqual(await A.values.data(), [2, 3, 1, 5, 4], 'values follow');
    assertEqual(await A.toDense().data(), [2, 3, 1, 0, 0, 0, 0, 0, 0, 5, 0, 4], 'dense');
    const rows = [2, 0, 2, 1, 0, 2, 1], cols = [1, 3, 1, 0, 3, 0, 2], vals = [1.5, 2, -0.5, 4, 1, 7, 3];
    const B = eg.sparse.fromCOO(rows, cols, vals, [3, 4]);
    assert(B.nnz === 5, `distinct coordinates: nnz ${B.nnz}, want 5`);
    assertEqual(await B.indptr.data(), [0, 1, 3, 5], 'indptr');
    assertEqual(await B.indices.data(), [3, 0, 2, 0, 1], 'indices');
    assertClose(await B.values.data(), [3, 4, 3, 7, 1], tol('elementwise', backend), 'summed values');
    const Z = eg.sparse.fromCOO([0, 0, 1], [1, 1, 0], [2, -2, 1], [2, 2]);
    assert(Z.nnz === 2, `a duplicate summing to zero stays stored: nnz ${Z.nnz}`);
    assertEqual(await Z.values.data(), [0, 1], 'zero sum kept');
    const E = eg.sparse.fromCOO([], [], [], [3, 2]);
    assert(E.nnz === 0, 'empty');
    assertEqual(await E.matmul(eg.tensor([1, 2])).data(), [0, 0, 0], 'empty matrix times x');
    const idx = eg.tensor([0, 1], 'int32');
    if (idx.device === 'webgpu') {
      await expectThrows(() => eg.sparse.csr({ indptr: [0, 1, 2], indices: idx, values: [3, 4], shape: [2, 2] }), /sparse\.csr: indices lives on webgpu/, 'GPU indices');
    } else {
      const I = eg.sparse.csr({ indptr: new Int32Array([0, 1, 2]), indices: idx, values: eg.tensor([3, 4]), shape: [2, 2] });
      assertEqual(await I.matmul(eg.tensor([1, 1])).data(), [3, 4], 'int32 tensor indices');
    }
  });

  test('gradients w.r.t. values and x match central differences of the float64 oracle', async () => {
    const r = rng(302);
    const [m, n, k] = [9, 7, 3];
    const s = randomSparse(r, m, n, 0.35);
    const w = randn(r, [m, k]), x0 = randn(r, [n, k]);
    // L(values, x) = Σ w ⊙ tanh(A x)
    const oracle = (vals, x) => {
      let L = 0;
      for (let i = 0; i < m; i++) for (let c = 0; c < k; c++) {
        let acc = 0;
        for (let e = s.indptr[i]; e < s.indptr[i + 1]; e++) acc += vals[e] * x[s.indices[e] * k + c];
        L += w[i * k + c] * Math.tanh(acc);
      }
      return L;
    };
    const v0 = Float64Array.from(s.values), xx = Float64Array.from(x0);
    const fd = (arr, f) => arr.map((_, i) => { const h = 1e-6, a = arr[i]; arr[i] = a + h; const up = f(); arr[i] = a - h; const dn = f(); arr[i] = a; return (up - dn) / (2 * h); });
    const wantV = fd(v0, () => oracle(v0, xx)), wantX = fd(xx, () => oracle(v0, xx));
    const W = eg.tensor(w, [m, k]);
    const loss = (vals, x) => {
      const A = eg.sparse.csr({ indptr: s.indptr, indices: s.indices, values: vals, shape: [m, n] });
      return eg.sum(eg.mul(W, eg.tanh(A.matmul(x))));
    };
    const [gv, gx] = eg.grad(loss, { argnums: [0, 1] })(eg.tensor(Float32Array.from(s.values)), eg.tensor(x0, [n, k]));
    const t = { rtol: 2e-4, atol: 2e-5 };
    assertClose(await gv.data(), wantV, t, 'd/d values');
    assertClose(await gx.data(), wantX, t, 'd/d x');
    // SpMV and a CSR built from unsorted COO with duplicates: gradients reach the COO values
    const rows = [0, 2, 0, 1, 2], cols = [1, 0, 1, 2, 2], cv = randn(r, [5]), xv = randn(r, [3]);
    const g2 = eg.grad((v) => eg.sum(eg.square(eg.sparse.fromCOO(rows, cols, v, [3, 3]).matmul(eg.tensor(xv)))))(eg.tensor(cv));
    const dense = (v) => { const d = new Float64Array(9); rows.forEach((ri, e) => { d[ri * 3 + cols[e]] += v[e]; }); return d; };
    const f2 = (v) => { const d = dense(v); let L = 0; for (let i = 0; i < 3; i++) { let a = 0; for (let j = 0; j < 3; j++) a += d[i * 3 + j] * xv[j]; L += a * a; } return L; };
    const cv64 = Float64Array.from(cv);
    assertClose(await g2.data(), fd(cv64, () => f2(cv64)), t, 'd/d COO values (duplicates)');
  });

  test('segmentSum adds repeated ids; gather\'s gradient is the same scatter-add', async () => {
    const r = rng(303);
    const [n, inner, nIdx] = [6, 4, 15];
    const x = randn(r, [2, nIdx, inner]);
    const ids = Array.from({ length: nIdx }, () => r.int(0, n));
    const out = eg.segmentSum(eg.tensor(x, [2, nIdx, inner]), ids, n, 1);
    assertShape(out, [2, n, inner], 'segmentSum');
    const want = new Float64Array(2 * n * inner);
    for (let o = 0; o < 2; o++) for (let j = 0; j < nIdx; j++) for (let i = 0; i < inner; i++) want[(o * n + ids[j]) * inner + i] += x[(o * nIdx + j) * inner + i];
    assertClose(await out.data(), want, tol('reduction', backend), 'segmentSum', want.map(() => 4));
    const table = randn(r, [n, inner]), gw = randn(r, [nIdx, inner]);
    const g = eg.grad((t) => eg.sum(eg.mul(eg.gather(t, ids), eg.tensor(gw, [nIdx, inner]))))(eg.tensor(table, [n, inner]));
    const wantG = new Float64Array(n * inner);
    ids.forEach((id, j) => { for (let i = 0; i < inner; i++) wantG[id * inner + i] += gw[j * inner + i]; });
    assertClose(await g.data(), wantG, tol('reduction', backend), 'gather gradient', wantG.map(() => 4));
    // and segmentSum's gradient is a gather
    const gs = eg.grad((t) => eg.sum(eg.mul(eg.segmentSum(t, ids, n), eg.tensor(table, [n, inner]))))(eg.tensor(gw, [nIdx, inner]));
    const wantS = new Float64Array(nIdx * inner);
    ids.forEach((id, j) => { for (let i = 0; i < inner; i++) wantS[j * inner + i] = table[id * inner + i]; });
    assertClose(await gs.data(), wantS, tol('exact', backend), 'segmentSum gradient');
  });

  test('bad CSR input is rejected with named errors', async () => {
    await expectThrows(() => eg.sparse.csr({ indptr: [0, 1, 5], indices: [0, 1], values: [1, 2], shape: [2, 2] }), /sparse\.csr: indptr ends at 5 but indices has 2 entries/, 'indptr end');
    await expectThrows(() => eg.sparse.csr({ indptr: [0, 2, 1], indices: [0, 1], values: [1, 2], shape: [2, 2] }), /sparse\.csr: indptr decreases at row 1/, 'indptr order');
    await expectThrows(() => eg.sparse.csr({ indptr: [0, 1], indices: [0], values: [1], shape: [2, 2] }), /sparse\.csr: indptr has 2 entries, shape \[2,2\] needs 3/, 'indptr length');
    await expectThrows(() => eg.sparse.csr({ indptr: [0, 1, 2], indices: [0, 2], values: [1, 2], shape: [2, 2] }), /sparse\.csr: column index 2 at entry 1 is out of range for 2 columns/, 'indices range');
    await expectThrows(() => eg.sparse.csr({ indptr: [0, 1, 2], indices: [0, 1], values: [1], shape: [2, 2] }), /sparse\.csr: values has 1 entries but the pattern stores 2/, 'values length');
    await expectThrows(() => eg.sparse.fromCOO([0, 3], [0, 0], [1, 1], [3, 3]), /sparse\.fromCOO: row index 3 at entry 1 is out of range for shape \[3,3\]/, 'COO row');
    await expectThrows(() => eg.sparse.fromCOO([0, 1], [0, -1], [1, 1], [3, 3]), /sparse\.fromCOO: column index -1 at entry 1/, 'COO col');
    const A = eg.sparse.fromCOO([0, 1], [0, 1], [1, 1], [2, 3]);
    await expectThrows(() => A.matmul(eg.ones([2])), /sparse\.matmul: x must be float32 \[3\] or \[3, k\] for a \[2,3\] matrix, got float32 \[2\]/, 'matmul shape');
    await expectThrows(() => eg.sparse.fromDense(eg.ones([2, 2, 2])), /sparse\.fromDense: needs a 2-D float32 tensor/, 'fromDense rank');
    await expectThrows(() => eg.segmentSum(eg.ones([3]), [0, 4, 1], 3), /segmentSum: segment id 4 at position 1 is out of range for 3 segments/, 'segment ids');
  });
}
