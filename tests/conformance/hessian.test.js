// eg.hessian: Hutchinson trace/diagonal, stochastic Lanczos quadrature and the
// Gauss-Newton-Bartlett estimator, on problems whose curvature is known in closed form.
import { rng, randn, assert, assertClose, SEED } from './_util.js';

function fail(msg) { throw new Error(`${msg} [seed ${SEED}; rerun with EG_SEED=${SEED}]`); }

/** A random symmetric n×n matrix with eigenvalues `eig` (Q diag(eig) Qᵀ, Q from Gram-Schmidt). */
function symmetricWith(r, eig) {
  const n = eig.length;
  const q = [];
  while (q.length < n) {
    let v = Array.from({ length: n }, () => r.normal());
    for (const u of q) { const d = u.reduce((s, x, i) => s + x * v[i], 0); v = v.map((x, i) => x - d * u[i]); }
    const nv = Math.hypot(...v);
    if (nv > 1e-3) q.push(v.map((x) => x / nv));
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += q[k][i] * eig[k] * q[k][j];
  return a;
}

const quadratic = (eg, A) => (x) => eg.mul(eg.sum(eg.mul(x, eg.matmul(A, x))), 0.5);

export default function (test, { eg, backend }) {
  const gpu = backend === 'webgpu';

  test('Hutchinson trace and diagonal converge on ½xᵀAx as samples grow', async () => {
    const r = rng(201);
    const n = 6;
    const a = symmetricWith(r, [3, -1, 0.5, 2, 4, -2]);
    const A = eg.tensor(Float32Array.from(a), [n, n]);
    const f = quadratic(eg, A);
    const x = eg.tensor(randn(r, [n]));
    let tr = 0, off2 = 0;
    const rowOff2 = new Array(n).fill(0);
    for (let i = 0; i < n; i++) { tr += a[i * n + i]; for (let j = 0; j < n; j++) if (i !== j) { off2 += a[i * n + j] ** 2; rowOff2[i] += a[i * n + j] ** 2; } }
    // Var[vᵀAv] = 2 Σ_{i≠j} A_ij²; Var[(v⊙Av)_i] = Σ_{j≠i} A_ij²
    const errs = [];
    for (const samples of gpu ? [4, 64] : [4, 64, 400]) {
      const key = eg.random.key(SEED + samples);
      const t = await eg.hessian.hutchinsonTrace(f, x, { key, samples }).item();
      const sd = Math.sqrt((2 * off2) / samples);
      if (!(Math.abs(t - tr) <= 4.5 * sd + 1e-3)) fail(`trace with ${samples} samples: ${t} vs ${tr} (4.5 sd = ${(4.5 * sd).toFixed(3)})`);
      const d = await eg.hessian.hutchinsonDiag(f, x, { key, samples }).data();
      for (let i = 0; i < n; i++) {
        const sdi = Math.sqrt(rowOff2[i] / samples);
        if (!(Math.abs(d[i] - a[i * n + i]) <= 4.5 * sdi + 1e-3)) fail(`diag[${i}] with ${samples} samples: ${d[i]} vs ${a[i * n + i]} (4.5 sd = ${(4.5 * sdi).toFixed(3)})`);
      }
      errs.push(Math.abs(t - tr));
    }
    // a diagonal Hessian is recovered exactly from one sample (v_i² = 1)
    const dd = Float32Array.from([1.5, -2, 0.25, 3]);
    const g = (p) => eg.add(eg.sum(eg.mul(eg.square(p.u), eg.tensor(dd.slice(0, 2)))), eg.sum(eg.mul(eg.square(p.w), eg.tensor(dd.slice(2)))));
    const params = { u: eg.tensor([0.3, -1]), w: eg.tensor([2, 0.5]) };
    const diag = eg.hessian.hutchinsonDiag(g, params, { key: eg.random.key(SEED), samples: 1 });
    assertClose(await diag.u.data(), [3, -4], { rtol: 1e-6, atol: 1e-6 }, 'diag of a separable tree (u)');
    assertClose(await diag.w.data(), [0.5, 6], { rtol: 1e-6, atol: 1e-6 }, 'diag of a separable tree (w)');
    assertClose([await eg.hessian.hutchinsonTrace(g, params, { key: eg.random.key(SEED + 1), samples: 2 }).item()], [5.5], { rtol: 1e-6, atol: 1e-5 }, 'trace of a separable tree');
  });

  test('symmetric eigen-solver: A v = λ v, orthonormal vectors, sorted values', async () => {
    const r = rng(202);
    for (const n of [1, 2, 5, 12]) {
      const eig = Array.from({ length: n }, () => r.uniform(-5, 5));
      const a = symmetricWith(r, eig);
      const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)));
      const { values, vectors } = eg.hessian.symmetricEigen(rows);
      const sorted = [...eig].sort((p, q) => p - q);
      assertClose(values, sorted, { rtol: 1e-9, atol: 1e-9 }, `eigenvalues n=${n}`);
      for (let k = 0; k < n; k++) {
        const v = vectors[k];
        assert(Math.abs(Math.hypot(...v) - 1) < 1e-9, `eigenvector ${k} has unit norm`);
        for (let i = 0; i < n; i++) {
          const av = rows[i].reduce((s, x, j) => s + x * v[j], 0);
          if (!(Math.abs(av - values[k] * v[i]) < 1e-8)) fail(`n=${n}: (A v_${k})[${i}] = ${av} != λ v = ${values[k] * v[i]}`);
        }
      }
    }
    // a tridiagonal with known spectrum: 2 on the diagonal, -1 beside it: λ_k = 2 - 2cos(kπ/(n+1))
    const n = 9;
    const t = eg.hessian.tridiagonalEigen(new Array(n).fill(2), new Array(n - 1).fill(-1));
    assertClose(t.values, Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))), { rtol: 1e-10, atol: 1e-10 }, 'tridiagonal eigenvalues');
  });

  test('SLQ: weights sum to 1, nodes inside the spectrum, steps = n recovers the eigenvalues', async () => {
    const r = rng(203);
    const eig = [-1.5, 0.5, 1, 2.5, 4, 7];
    const n = eig.length;
    const a = symmetricWith(r, eig);
    const A = eg.tensor(Float32Array.from(a), [n, n]);
    const f = quadratic(eg, A);
    const x = eg.tensor(randn(r, [n]));
    const full = await eg.hessian.slq(f, x, { key: eg.random.key(SEED), steps: n, probes: 1 });
    assert(full.nodes.length === n, `steps = n gives n nodes, got ${full.nodes.length}`);
    assertClose(full.nodes, eig, { rtol: 1e-3, atol: 2e-3 }, 'SLQ nodes with steps = n');
    const ws = full.weights.reduce((s, w) => s + w, 0);
    assert(Math.abs(ws - 1) < 1e-5, `weights sum to ${ws}`);
    // the weights are |<q1, u_k>|²: their mean over Rademacher probes is 1/n for each eigenvector
    const partial = await eg.hessian.slq(f, x, { key: eg.random.key(SEED + 1), steps: 3, probes: gpu ? 2 : 4 });
    assert(partial.nodes.length <= 3 * (gpu ? 2 : 4) && partial.nodes.length >= 2, `node count ${partial.nodes.length}`);
    const sum = partial.weights.reduce((s, w) => s + w, 0);
    assert(Math.abs(sum - 1) < 1e-5, `weights over probes sum to ${sum}`);
    for (const v of partial.nodes) assert(v >= eig[0] - 1e-3 && v <= eig[n - 1] + 1e-3, `node ${v} outside [${eig[0]}, ${eig[n - 1]}]`);
    for (const w of partial.weights) assert(w >= 0, `negative weight ${w}`);
    // the quadrature reproduces moments: Σ w λ = mean of q1ᵀAq1 = tr(A)/n in expectation; exact per probe
    for (const { alpha } of partial.lanczos) assert(Number.isFinite(alpha[0]), 'alpha finite');
    let m1 = 0;
    partial.nodes.forEach((v, i) => { m1 += partial.weights[i] * v; });
    const alpha1 = partial.lanczos.reduce((s, l) => s + l.alpha[0], 0) / partial.lanczos.length;
    assert(Math.abs(m1 - alpha1) < 1e-4 * (1 + Math.abs(alpha1)), `first moment Σwλ ${m1} != mean q1ᵀAq1 ${alpha1}`);
    // the smoothed density integrates to 1 and peaks at the nodes
    const { grid, density } = eg.hessian.spectralDensity(full, { points: 2001, sigma: 0.05 });
    let integral = 0;
    for (let i = 1; i < grid.length; i++) integral += 0.5 * (density[i] + density[i - 1]) * (grid[i] - grid[i - 1]);
    assert(Math.abs(integral - 1) < 1e-3, `density integrates to ${integral}`);
    const at = (v) => density[grid.reduce((b, g, i) => (Math.abs(g - v) < Math.abs(grid[b] - v) ? i : b), 0)];
    assert(at(eig[n - 1]) > 10 * at((eig[n - 2] + eig[n - 1]) / 2), 'density peaks at a node, not between nodes');
    // a tree of parameters is one vector: a separable quadratic's eigenvalues are its coefficients
    const g = (p) => eg.add(eg.sum(eg.mul(eg.square(p.u), eg.tensor([0.5, 1.5]))), eg.mul(eg.square(p.w), 3));
    const tree = await eg.hessian.slq(g, { u: eg.tensor([1, 2]), w: eg.tensor(0.5) }, { key: eg.random.key(SEED + 2), steps: 3 });
    assertClose(tree.nodes, [1, 3, 6], { rtol: 1e-4, atol: 1e-4 }, 'SLQ on a parameter tree');
  });

  test('gnb: E[B·ĝ⊙ĝ] matches the Fisher diagonal of softmax regression (Monte Carlo)', async () => {
    const r = rng(204);
    const N = 4, d = 3, C = 3;
    const xd = randn(r, [N, d]), wd = randn(r, [d, C], 0.7);
    const X = eg.tensor(xd, [N, d]);
    const logitsFn = (p) => eg.matmul(X, p.W);
    const params = { W: eg.tensor(wd, [d, C]) };
    // Fisher of the mean loss: F[a,c] = (1/N) Σ_i x_ia² p_ic (1 - p_ic)
    const F = new Float64Array(d * C), P = [];
    for (let i = 0; i < N; i++) {
      const z = Array.from({ length: C }, (_, c) => { let s = 0; for (let a = 0; a < d; a++) s += xd[i * d + a] * wd[a * C + c]; return s; });
      const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((p, q) => p + q, 0);
      P.push(e.map((v) => v / s));
      for (let a = 0; a < d; a++) for (let c = 0; c < C; c++) F[a * C + c] += (xd[i * d + a] ** 2 * P[i][c] * (1 - P[i][c])) / N;
    }
    // The exact law of B·ĝ⊙ĝ: enumerate all C^N label vectors (81 here) with their probabilities.
    // The bound uses this exact standard deviation, not the sample one: B·ĝ² is skewed, and a
    // sample sd from 150 draws can be half the true one.
    const EX = new Float64Array(d * C), EX2 = new Float64Array(d * C);
    for (let code = 0; code < C ** N; code++) {
      let prob = 1;
      const gr = new Float64Array(d * C);
      for (let i = 0, c0 = code; i < N; i++, c0 = Math.floor(c0 / C)) {
        const y = c0 % C;
        prob *= P[i][y];
        for (let a = 0; a < d; a++) for (let c = 0; c < C; c++) gr[a * C + c] += (xd[i * d + a] * (P[i][c] - (c === y ? 1 : 0))) / N;
      }
      for (let k = 0; k < d * C; k++) { const v = N * gr[k] * gr[k]; EX[k] += prob * v; EX2[k] += prob * v * v; }
    }
    assertClose(EX, F, { rtol: 1e-9, atol: 1e-12 }, 'exact E[B ĝ²] (enumerated) is the Fisher diagonal');
    const S = gpu ? 200 : 1500;
    const acc = new Float64Array(d * C);
    const base = eg.random.key(SEED);
    for (let s = 0; s < S; s++) {
      const h = eg.hessian.gnb(logitsFn, params, { key: eg.random.foldIn(base, s), scaleByBatch: true });
      const v = await h.W.data();
      h.W.dispose();
      for (let k = 0; k < v.length; k++) acc[k] += v[k];
    }
    for (let k = 0; k < d * C; k++) {
      const mean = acc[k] / S, sd = Math.sqrt(Math.max(EX2[k] - EX[k] * EX[k], 0) / S);
      if (!(Math.abs(mean - F[k]) <= 5 * sd + 1e-4)) fail(`gnb E[B ĝ²][${k}] = ${mean} over ${S} draws vs Fisher ${F[k]} (z = ${((mean - F[k]) / sd).toFixed(2)} exact sd; bound 5)`);
    }
    // unscaled (what sophiaG's updateHessian takes) is the scaled value / B, same key
    const k0 = eg.random.key(SEED + 7);
    const a1 = await eg.hessian.gnb(logitsFn, params, { key: k0 }).W.data();
    const a2 = await eg.hessian.gnb(logitsFn, params, { key: k0, scaleByBatch: true }).W.data();
    assertClose(a1, Array.from(a2, (v) => v / N), { rtol: 1e-6, atol: 1e-12 }, 'gnb scaleByBatch');
    // the sampled labels follow softmax(logits): frequencies over many draws
    const logits = eg.tensor([[2, 0, -1], [0, 0, 0]]);
    const counts = [[0, 0, 0], [0, 0, 0]];
    const draws = gpu ? 100 : 2000;
    for (let s = 0; s < draws; s++) {
      const y = await eg.hessian.sampleCategorical(eg.random.foldIn(base, 100000 + s), logits).data();
      counts[0][y[0]]++; counts[1][y[1]]++;
    }
    const p0 = [Math.exp(2), 1, Math.exp(-1)].map((v, _, a) => v / (Math.exp(2) + 1 + Math.exp(-1)));
    for (let c = 0; c < 3; c++) {
      for (const [row, p] of [[0, p0[c]], [1, 1 / 3]]) {
        const sd = Math.sqrt((p * (1 - p)) / draws);
        if (!(Math.abs(counts[row][c] / draws - p) <= 4.5 * sd)) fail(`categorical row ${row} class ${c}: frequency ${counts[row][c] / draws} vs p ${p}`);
      }
    }
  });

  test('hessian tools free their intermediates', async () => {
    const A = eg.tensor([[2, 1], [1, 3]]);
    const f = quadratic(eg, A);
    const x = eg.tensor([0.5, -1]);
    const before = eg.memory().tensors;
    eg.hessian.hutchinsonTrace(f, x, { key: eg.random.key(1), samples: 5 }).dispose();
    eg.hessian.hutchinsonDiag(f, x, { key: eg.random.key(1), samples: 5 }).dispose();
    await eg.hessian.slq(f, x, { key: eg.random.key(1), steps: 2, probes: 2 });
    eg.dispose(eg.hessian.gnb((p) => eg.reshape(eg.matmul(A, p), [1, 2]), x, { key: eg.random.key(2) }));
    assert(eg.memory().tensors === before, `leaked ${eg.memory().tensors - before} tensors`);
  });
}
