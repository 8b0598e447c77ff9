// eg.graph (FastRP against its dense formula in float64, SBM structure and communities) and
// eg.completion.altMin (recovery of a noise-free low-rank matrix from part of its entries).
import { rng, assert, assertClose, expectThrows } from './_util.js';

/** E = Σ w_i N_i, N_i = rownorm(D⁻¹A N_{i−1}), N_0 = diag((deg/2m)^β) R, all dense float64. */
function fastRPOracle(A, n, R, dim, weights, beta) {
  const deg = Array.from({ length: n }, (_, i) => A.slice(i * n, (i + 1) * n).reduce((s, v) => s + v, 0));
  const total = deg.reduce((s, v) => s + v, 0);
  let N = Float64Array.from({ length: n * dim }, (_, t) => { const i = Math.floor(t / dim); return deg[i] > 0 ? Math.pow(deg[i] / total, beta) * R[t] : 0; });
  const E = new Float64Array(n * dim);
  for (const w of weights) {
    const next = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) {
      if (deg[i] === 0) continue;
      for (let j = 0; j < n; j++) if (A[i * n + j]) for (let c = 0; c < dim; c++) next[i * dim + c] += (A[i * n + j] / deg[i]) * N[j * dim + c];
      const nrm = Math.hypot(...next.subarray(i * dim, (i + 1) * dim));
      if (nrm > 0) for (let c = 0; c < dim; c++) next[i * dim + c] /= nrm;
    }
    N = next;
    for (let t = 0; t < n * dim; t++) E[t] += w * N[t];
  }
  return E;
}

function toCSR(A, n) {
  const indptr = [0], indices = [], values = [];
  for (let i = 0; i < n; i++) { for (let j = 0; j < n; j++) if (A[i * n + j]) { indices.push(j); values.push(A[i * n + j]); } indptr.push(indices.length); }
  return { indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: Float32Array.from(values), shape: [n, n] };
}

export default function (test, { eg }) {
  test('graph.fastRP: the dense formula with a given projection (weighted, isolated nodes, β ≠ 0)', async () => {
    const r = rng(731);
    const n = 30, dim = 8;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n - 2; i++) for (let j = i + 1; j < n - 2; j++) if (r.uniform(0, 1) < 0.2) { const w = Math.fround(r.uniform(0.5, 2)); A[i * n + j] = w; A[j * n + i] = w; }
    const R = Float64Array.from({ length: n * dim }, () => Math.fround(r.normal()));
    for (const [weights, beta] of [[[1], 0], [[0.5, 1, 2], -0.5], [[0, 1, 1], 0.7]]) {
      const E = eg.graph.fastRP(toCSR(A, n), { dim, weights, normalizationStrength: beta, projection: eg.tensor(Float32Array.from(R), [n, dim]) });
      assert(E.shape.join() === `${n},${dim}`, `shape ${E.shape}`);
      assertClose(await E.data(), fastRPOracle(A, n, R, dim, weights, beta), { rtol: 1e-4, atol: 1e-5 }, `fastRP weights ${weights} β ${beta}`);
    }
  });

  test('graph.sbm: symmetric, loop-free, edge count as expected; FastRP separates its blocks', async () => {
    const sizes = [40, 40, 40], pIn = 0.3, pOut = 0.01;
    const g = eg.graph.sbm(sizes, pIn, pOut, { key: eg.random.key(5) });
    const n = 120;
    assert(g.shape[0] === n && g.indptr.length === n + 1, 'shape');
    const has = new Set();
    for (let i = 0; i < n; i++) for (let e = g.indptr[i]; e < g.indptr[i + 1]; e++) {
      const j = g.indices[e];
      assert(j !== i, `self-loop at ${i}`);
      if (e > g.indptr[i]) assert(g.indices[e - 1] < j, `row ${i} not sorted`);
      has.add(i * n + j);
    }
    for (const k of has) assert(has.has((k % n) * n + Math.floor(k / n)), 'not symmetric');
    const expected = 3 * (40 * 39 / 2) * pIn + 3 * 1600 * pOut;
    const sd = Math.sqrt(3 * (40 * 39 / 2) * pIn * (1 - pIn) + 3 * 1600 * pOut * (1 - pOut));
    const edges = g.indices.length / 2;
    assert(Math.abs(edges - expected) < 5 * sd, `edges ${edges}, expected ${expected.toFixed(0)} ± ${sd.toFixed(1)}`);
    // nearest-centroid classification of the embeddings recovers the blocks
    const dim = 32;
    const E = await eg.graph.fastRP(g, { dim, weights: [0, 1, 1], key: eg.random.key(9) }).data();
    const cent = sizes.map((_, b) => Array.from({ length: dim }, (_, c) => { let s = 0; for (let i = b * 40; i < (b + 1) * 40; i++) s += E[i * dim + c]; return s / 40; }));
    let ok = 0;
    for (let i = 0; i < n; i++) {
      const d = cent.map((ct) => ct.reduce((s, v, c) => s + (E[i * dim + c] - v) ** 2, 0));
      if (d.indexOf(Math.min(...d)) === g.labels[i]) ok++;
    }
    assert(ok / n >= 0.95, `block recovery ${ok}/${n}`);
  });

  test('graph.fastRP: structurally equivalent nodes get equal embeddings; errors', async () => {
    // a star: leaves 1..5 all see only the hub 0
    const n = 6, A = new Float64Array(n * n);
    for (let j = 1; j < n; j++) { A[j] = 1; A[j * n] = 1; }
    const E = await eg.graph.fastRP(toCSR(A, n), { dim: 16, weights: [1, 1], key: eg.random.key(1) }).data();
    for (let j = 2; j < n; j++) assertClose(E.subarray(j * 16, (j + 1) * 16), E.subarray(16, 32), { rtol: 1e-6, atol: 1e-7 }, `leaf ${j} vs leaf 1`);
    const csr = toCSR(A, n);
    await expectThrows(() => eg.graph.fastRP(csr, { dim: 0, weights: [1] }), /graph\.fastRP: dim must be/, 'dim');
    await expectThrows(() => eg.graph.fastRP(csr, { dim: 4, weights: [] }), /graph\.fastRP: weights must be/, 'weights');
    await expectThrows(() => eg.graph.fastRP({ ...csr, shape: [6, 7], indptr: csr.indptr }, { dim: 4, weights: [1] }), /graph\.fastRP: the adjacency matrix must be square/, 'square');
    await expectThrows(() => eg.graph.fastRP(csr, { dim: 4, weights: [1], projection: eg.zeros([5, 4]) }), /graph\.fastRP: projection must be/, 'projection shape');
    await expectThrows(() => eg.graph.sbm([10, 0], 0.5, 0.1), /graph\.sbm: sizes/, 'sizes');
    await expectThrows(() => eg.graph.sbm([10], 1.5, 0.1), /graph\.sbm: pIn must be a probability/, 'pIn');
  });

  test('completion.altMin: recovers a noise-free rank-3 matrix from half its entries', async () => {
    const r = rng(732);
    const m = 60, n = 50, k = 3;
    const U = Array.from({ length: m * k }, () => r.normal()), V = Array.from({ length: n * k }, () => r.normal());
    const M = (i, j) => { let s = 0; for (let a = 0; a < k; a++) s += U[i * k + a] * V[j * k + a]; return s; };
    const train = { rows: [], cols: [], values: [] }, held = { rows: [], cols: [] };
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      if (r.uniform(0, 1) < 0.5) { train.rows.push(i); train.cols.push(j); train.values.push(M(i, j)); } else { held.rows.push(i); held.cols.push(j); }
    }
    const scale = Math.sqrt(train.values.reduce((s, v) => s + v * v, 0) / train.values.length);
    for (const cgSteps of [undefined, 3]) {
      const res = await eg.completion.altMin({ ...train, shape: [m, n] }, { rank: k, reg: 1e-6, iterations: 60, cgSteps, key: eg.random.key(2) });
      const pred = res.predict(held.rows, held.cols);
      const rmse = Math.sqrt(held.rows.reduce((s, i, e) => s + (pred[e] - M(i, held.cols[e])) ** 2, 0) / held.rows.length);
      assert(rmse < 1e-3 * scale, `held-out RMSE ${rmse} (scale ${scale.toFixed(2)}, cgSteps ${cgSteps})`);
      assert(res.trainRmse < 1e-3 * scale, `train RMSE ${res.trainRmse}`);
      assert(res.u.shape.join() === `${m},${k}` && res.v.shape.join() === `${n},${k}`, 'factor shapes');
      // u vᵀ reproduces predict()
      const u = await res.u.data(), v = await res.v.data();
      const e0 = 7, i0 = held.rows[e0], j0 = held.cols[e0];
      let dot = 0;
      for (let a = 0; a < k; a++) dot += u[i0 * k + a] * v[j0 * k + a];
      assertClose([pred[e0]], [dot], { rtol: 1e-4, atol: 1e-5 }, 'predict = u vᵀ');
    }
    await expectThrows(() => eg.completion.altMin({ rows: [0, 9], cols: [0, 0], values: [1, 2], shape: [5, 5] }, { rank: 1 }), /completion\.altMin: observation 1 at \(9, 0\) is outside/, 'index range');
    await expectThrows(() => eg.completion.altMin({ rows: [0], cols: [0], values: [1], shape: [5, 5] }, { rank: 6 }), /completion\.altMin: rank must be/, 'rank');
  });
}
