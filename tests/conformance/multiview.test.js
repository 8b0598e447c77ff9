// eg.multiview: CCA against the generalized eigenproblem solved here in float64 (Cholesky
// whitening + subspace iteration), PLS against the SVD of XᵀY/(n − 1), and the stochastic
// Eckhart–Young estimator's proportion of correlation captured on data with known correlations.
import { rng, assert, assertClose, expectThrows } from './_util.js';

/** Columns standardised; rows n. Views share k latent factors with correlations rho, mixed
 *  by I + mix·G (G Gaussian): mix = Infinity gives a plain Gaussian mixing matrix. */
// mix: off-diagonal scale of the mixing matrices (identity + mix·noise, well conditioned); a random
// mixing can be near-singular, and float32 CCA of such views is then percents off the float64 oracle
export function correlatedViews(r, n, p, q, rho, mix = 0.15) {
  const X = new Float64Array(n * p), Y = new Float64Array(n * q);
  const mixing = (d) => Array.from({ length: d * d }, (_, t) => (mix === Infinity ? r.normal() : (t % (d + 1) === 0 ? 1 : 0) + mix * r.normal()));
  const A = mixing(p), B = mixing(q);
  for (let i = 0; i < n; i++) {
    const zx = Array.from({ length: p }, () => r.normal()), zy = Array.from({ length: q }, () => r.normal());
    rho.forEach((c, t) => { zy[t] = c * zx[t] + Math.sqrt(1 - c * c) * zy[t]; });
    for (let j = 0; j < p; j++) { let s = 0; for (let t = 0; t < p; t++) s += zx[t] * A[t * p + j]; X[i * p + j] = s; }
    for (let j = 0; j < q; j++) { let s = 0; for (let t = 0; t < q; t++) s += zy[t] * B[t * q + j]; Y[i * q + j] = s; }
  }
  const standardise = (M, d) => {
    for (let j = 0; j < d; j++) {
      let mu = 0, v = 0;
      for (let i = 0; i < n; i++) mu += M[i * d + j];
      mu /= n;
      for (let i = 0; i < n; i++) v += (M[i * d + j] - mu) ** 2;
      const s = Math.sqrt(v / (n - 1));
      for (let i = 0; i < n; i++) M[i * d + j] = (M[i * d + j] - mu) / s;
    }
  };
  standardise(X, p); standardise(Y, q);
  return { X, Y };
}

function cov(M, N, n, p, q) {
  const mu = (D, d) => Array.from({ length: d }, (_, j) => { let s = 0; for (let i = 0; i < n; i++) s += D[i * d + j]; return s / n; });
  const mm = mu(M, p), mn = mu(N, q);
  const out = new Float64Array(p * q);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) for (let b = 0; b < q; b++) out[a * q + b] += (M[i * p + a] - mm[a]) * (N[i * q + b] - mn[b]);
  return out.map((v) => v / (n - 1));
}

function cholLower(S, d) {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
    let s = S[i * d + j];
    for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
    L[i * d + j] = i === j ? Math.sqrt(s) : s / L[j * d + j];
  }
  return L;
}
/** L⁻¹ M for lower-triangular L (d×d) and M (d×c). */
function forward(L, M, d, c) {
  const out = Float64Array.from(M);
  for (let col = 0; col < c; col++) for (let i = 0; i < d; i++) {
    let s = out[i * c + col];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * out[k * c + col];
    out[i * c + col] = s / L[i * d + i];
  }
  return out;
}
/** Top-k singular values of T (r×s) by subspace iteration on TᵀT. */
function topSingular(T, r, s, k) {
  const TtT = new Float64Array(s * s);
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) { let v = 0; for (let t = 0; t < r; t++) v += T[t * s + i] * T[t * s + j]; TtT[i * s + j] = v; }
  let Q = Array.from({ length: k }, (_, c) => Array.from({ length: s }, (_, i) => Math.sin(1 + i * (c + 1.3))));
  let vals = [];
  for (let it = 0; it < 3000; it++) {
    Q = Q.map((v) => Array.from({ length: s }, (_, i) => v.reduce((acc, x, j) => acc + TtT[i * s + j] * x, 0)));
    vals = [];
    for (let c = 0; c < k; c++) {
      for (let e = 0; e < c; e++) { const d = Q[e].reduce((acc, x, i) => acc + x * Q[c][i], 0); Q[c] = Q[c].map((x, i) => x - d * Q[e][i]); }
      const nv = Math.hypot(...Q[c]);
      vals.push(nv);
      Q[c] = Q[c].map((x) => x / nv);
    }
  }
  return vals.map(Math.sqrt); // the norms after one more product are the eigenvalues of TᵀT
}

/** Canonical correlations of views M (n×p), N (n×q): singular values of Lx⁻¹ Σxy Ly⁻ᵀ. */
export function ccaOracle(M, N, n, p, q, k) {
  const Lx = cholLower(cov(M, M, n, p, p), p), Ly = cholLower(cov(N, N, n, q, q), q);
  const A = forward(Lx, cov(M, N, n, p, q), p, q); // Lx⁻¹ Σxy  (p×q)
  const At = new Float64Array(q * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) At[j * p + i] = A[i * q + j];
  const T = forward(Ly, At, q, p); // Ly⁻¹ Σyx Lx⁻ᵀ = Tᵀ  (q×p)
  return topSingular(T, q, p, k);
}

export default function (test, { eg, backend }) {
  const T = (data, shape) => eg.tensor(Float32Array.from(data), shape);
  // cca/pls/correlations are synchronous and read covariances on the host: on the webgpu
  // run (every tensor on the GPU) they must refuse with a named error instead
  const gpu = backend === 'webgpu';
  const gpuRefusal = /the views live on the GPU/;

  test('multiview.cca: correlations of the generalized eigenproblem, unit-variance weights, sign rule', async () => {
    const r = rng(711);
    for (const [n, p, q, k, rho] of [[300, 5, 4, 2, [0.8, 0.5]], [250, 7, 6, 3, [0.9, 0.6, 0.3]]]) {
      const { X, Y } = correlatedViews(r, n, p, q, rho);
      if (gpu) { await expectThrows(() => eg.multiview.cca(T(X, [n, p]), T(Y, [n, q]), { k }), gpuRefusal, 'GPU-resident views'); continue; }
      const res = eg.multiview.cca(T(X, [n, p]), T(Y, [n, q]), { k });
      const want = ccaOracle(X, Y, n, p, q, k);
      const got = await res.correlations.data();
      assertClose(got, want, { rtol: 5e-3, atol: 1e-4 }, `cca correlations ${n}x${p}x${q}`);
      for (let c = 1; c < k; c++) assert(got[c] <= got[c - 1] + 1e-6, 'correlations descending');
      const wx = await res.xWeights.data(), wy = await res.yWeights.data();
      // each projection has unit variance and the c-th pair correlates at correlations[c]
      for (let c = 0; c < k; c++) {
        const zx = Float64Array.from({ length: n }, (_, i) => { let s = 0; for (let j = 0; j < p; j++) s += X[i * p + j] * wx[j * k + c]; return s; });
        const zy = Float64Array.from({ length: n }, (_, i) => { let s = 0; for (let j = 0; j < q; j++) s += Y[i * q + j] * wy[j * k + c]; return s; });
        assertClose([cov(zx, zx, n, 1, 1)[0], cov(zy, zy, n, 1, 1)[0]], [1, 1], { rtol: 5e-3, atol: 1e-4 }, `unit variance ${c}`);
        assertClose([cov(zx, zy, n, 1, 1)[0]], [want[c]], { rtol: 5e-3, atol: 1e-4 }, `projection correlation ${c}`);
        const col = Array.from({ length: p }, (_, j) => wx[j * k + c]);
        const big = col.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
        assert(big > 0, `x-weight column ${c} largest entry ${big} not positive`);
      }
    }
  });

  test('multiview.pls: the top singular values and vectors of XᵀY/(n − 1)', async () => {
    const r = rng(712);
    const n = 200, p = 6, q = 5, k = 3;
    const { X, Y } = correlatedViews(r, n, p, q, [0.9, 0.5]);
    if (gpu) { await expectThrows(() => eg.multiview.pls(T(X, [n, p]), T(Y, [n, q]), { k }), gpuRefusal, 'GPU-resident views'); return; }
    const res = eg.multiview.pls(T(X, [n, p]), T(Y, [n, q]), { k });
    const S = cov(X, Y, n, p, q);
    const ident = (d) => Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
    // singular values of S = of Iₚ⁻¹ S I_q⁻ᵀ: the oracle with identity whitening
    const want = topSingular(forward(ident(q), Float64Array.from({ length: q * p }, (_, t) => S[(t % p) * q + Math.floor(t / p)]), q, p), q, p, k);
    const got = await res.covariances.data();
    assertClose(got, want, { rtol: 1e-3, atol: 1e-5 }, 'pls covariances');
    const u = await res.xWeights.data(), v = await res.yWeights.data();
    for (let c = 0; c < k; c++) {
      let nu = 0, nv = 0, uSv = 0;
      for (let i = 0; i < p; i++) nu += u[i * k + c] ** 2;
      for (let j = 0; j < q; j++) nv += v[j * k + c] ** 2;
      for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) uSv += u[i * k + c] * S[i * q + j] * v[j * k + c];
      assertClose([nu, nv, uSv], [1, 1, want[c]], { rtol: 1e-3, atol: 1e-4 }, `pls pair ${c}: norms and uᵀSv`);
    }
  });

  test('multiview.stochastic: partialFit is momentum SGD on the float64 Eckhart–Young gradient', async () => {
    const r = rng(715);
    const p = 4, q = 3, k = 2, b = 20, lr = 0.05;
    const key = eg.random.key(11);
    const [k1, k2] = eg.random.split(key);
    let W = Float64Array.from(await eg.random.normal(k1, [p, k]).data(), (v) => v / Math.sqrt(p));
    let V = Float64Array.from(await eg.random.normal(k2, [q, k]).data(), (v) => v / Math.sqrt(q));
    const est = eg.multiview.stochastic({ method: 'cca', k, lr, key });
    const mx = new Float64Array(p), my = new Float64Array(q);
    let bufW = null, bufV = null, seen = 0;
    const mul = (A, B, r1, c1, c2, tA = false) => Float64Array.from({ length: r1 * c2 }, (_, t) => {
      const i = Math.floor(t / c2), j = t % c2; let s = 0;
      for (let l = 0; l < c1; l++) s += (tA ? A[l * r1 + i] : A[i * c1 + l]) * B[l * c2 + j];
      return s;
    });
    for (let step = 0; step < 2; step++) {
      const x = Float32Array.from({ length: b * p }, () => r.normal()), y = Float32Array.from({ length: b * q }, () => r.normal());
      est.partialFit(T(x, [b, p]), T(y, [b, q]));
      seen += b;
      for (let j = 0; j < p; j++) { let s = 0; for (let i = 0; i < b; i++) s += x[i * p + j]; mx[j] += (s - b * mx[j]) / seen; }
      for (let j = 0; j < q; j++) { let s = 0; for (let i = 0; i < b; i++) s += y[i * q + j]; my[j] += (s - b * my[j]) / seen; }
      const xc = Float64Array.from(x, (v, t) => v - mx[t % p]), yc = Float64Array.from(y, (v, t) => v - my[t % q]);
      const z1 = mul(xc, W, b, p, k), z2 = mul(yc, V, b, q, k), zs = z1.map((v, t) => v + z2[t]);
      const Vm = mul(z1, z1, k, b, k, true).map((v, t) => (v + mul(z2, z2, k, b, k, true)[t]) / (2 * (b - 1)));
      // ∂L/∂W = (−2 x̄ᵀ(z1 + z2) + 2 x̄ᵀ z1 Vm)/(b − 1), the same for V with ȳ, z2
      const gW = mul(xc, zs, p, b, k, true).map((v, t) => (-2 * v + 2 * mul(xc, mul(z1, Vm, b, k, k), p, b, k, true)[t]) / (b - 1));
      const gV = mul(yc, zs, q, b, k, true).map((v, t) => (-2 * v + 2 * mul(yc, mul(z2, Vm, b, k, k), q, b, k, true)[t]) / (b - 1));
      bufW = bufW ? bufW.map((v, t) => 0.9 * v + gW[t]) : gW;
      bufV = bufV ? bufV.map((v, t) => 0.9 * v + gV[t]) : gV;
      W = W.map((v, t) => v - lr * bufW[t]);
      V = V.map((v, t) => v - lr * bufV[t]);
      assertClose(await est.xWeights.data(), W, { rtol: 1e-4, atol: 1e-5 }, `W after step ${step + 1}`);
      assertClose(await est.yWeights.data(), V, { rtol: 1e-4, atol: 1e-5 }, `V after step ${step + 1}`);
    }
    const [zx] = est.transform(T(new Float32Array(p).fill(1), [1, p]), T(new Float32Array(q), [1, q]));
    const want = Array.from({ length: k }, (_, c) => { let s = 0; for (let j = 0; j < p; j++) s += (1 - mx[j]) * W[j * k + c]; return s; });
    assertClose(await zx.data(), want, { rtol: 1e-4, atol: 1e-5 }, 'transform centres with the running mean');
    est.dispose();
  });

  // SGD needs ~40 minibatch steps here; WebGPU on software Vulkan takes ~1 s per step (its
  // small matmuls), so the convergence check runs on the CPU backends and the webgpu run
  // checks the step arithmetic above.
  if (!gpu) test('multiview.stochastic: Eckhart–Young SGD captures ≥ 90% of the top-k correlation', async () => {
    const r = rng(713);
    const n = 2000, p = 10, q = 8, k = 2, bsz = 400;
    // moderately conditioned views (plain SGD on CCA slows down along low-variance directions)
    const { X, Y } = correlatedViews(r, n, p, q, [0.9, 0.7], 0.15);
    const full = ccaOracle(X, Y, n, p, q, k);
    const est = eg.multiview.stochastic({ method: 'cca', k, lr: 0.06, batchSize: bsz, key: eg.random.key(7) });
    // batches from an async source, as from a file; fit() splits them into batchSize rows
    async function* batches() {
      for (let s = 0; s < n; s += 2 * bsz) {
        const len = Math.min(2 * bsz, n - s);
        yield [T(X.subarray(s * p, (s + len) * p), [len, p]), T(Y.subarray(s * q, (s + len) * q), [len, q])];
      }
    }
    for (let epoch = 0; epoch < 8; epoch++) await est.fit(batches());
    const W = await est.xWeights.data(), V = await est.yWeights.data();
    const proj = (D, Wt, d) => Float64Array.from({ length: n * k }, (_, t) => { const i = Math.floor(t / k), c = t % k; let s = 0; for (let j = 0; j < d; j++) s += D[i * d + j] * Wt[j * k + c]; return s; });
    const got = ccaOracle(proj(X, W, p), proj(Y, V, q), n, k, k, k);
    const pcc = (got[0] + got[1]) / (full[0] + full[1]);
    assert(pcc >= 0.9, `PCC ${pcc.toFixed(3)} < 0.9 (learned ${got.map((v) => v.toFixed(3))}, full ${full.map((v) => v.toFixed(3))})`);
    // correlations() agrees with the oracle on the same data (a CPU-sized slice)
    const m = 300;
    const c = await est.correlations(T(X.subarray(0, m * p), [m, p]), T(Y.subarray(0, m * q), [m, q])).data();
    const [zx, zy] = [proj(X, W, p), proj(Y, V, q)];
    assertClose(c, ccaOracle(zx.subarray(0, m * k), zy.subarray(0, m * k), m, k, k, k), { rtol: 2e-3, atol: 2e-4 }, 'correlations()');
    est.dispose();
  });

  test('multiview: bad input is a named error', async () => {
    const r = rng(714);
    const X = T(Array.from({ length: 20 }, () => r.normal()), [5, 4]), Y = T(Array.from({ length: 18 }, () => r.normal()), [6, 3]);
    await expectThrows(() => eg.multiview.cca(X, Y, { k: 1 }), /multiview\.cca: X and Y must be/, 'row mismatch');
    const Y5 = T(Array.from({ length: 15 }, () => r.normal()), [5, 3]);
    await expectThrows(() => eg.multiview.cca(X, Y5, { k: 4 }), /multiview\.cca: k must be/, 'k too large');
    if (!gpu) {
    const wide = T(Array.from({ length: 30 }, () => r.normal()), [3, 10]);
    await expectThrows(() => eg.multiview.cca(wide, T(Array.from({ length: 6 }, () => r.normal()), [3, 2]), { k: 1 }), /multiview\.cca: the covariance of X is singular/, 'p > n without reg');
    }
    await expectThrows(() => eg.multiview.pls(X, Y5, { k: 0 }), /multiview\.pls: k must be/, 'pls k');
    await expectThrows(() => eg.multiview.stochastic({ k: 2, method: 'svd' }), /multiview\.stochastic: unknown method/, 'method');
    await expectThrows(() => eg.multiview.stochastic({ k: 1 }).partialFit(X, Y), /partialFit: x and y must be/, 'batch mismatch');
    await expectThrows(() => eg.multiview.stochastic({ k: 1 }).correlations(X, Y5), /multiview\.stochastic\.xWeights|has seen no data/, 'unfitted estimator');
    if (gpu) {
      const est = eg.multiview.stochastic({ k: 1 }).partialFit(X, Y5);
      await expectThrows(() => est.correlations(X, Y5), gpuRefusal, 'correlations of GPU-resident views');
    }
  });
}
