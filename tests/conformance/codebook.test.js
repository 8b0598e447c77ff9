// Table-lookup weights (issue 8, JLCM codebooks and bit-packed uniform codes): the `lut`
// kernel family against dequantize-then-matmul in float64, the packed codes against a float64
// re-derivation of the grid, the codebook learner's descent property and grouping, codebook vs
// uniform per-row reconstruction error on heavy-tailed / mixed rows, and the error paths.
import { rng, randn, assert, assertShape, expectThrows } from './_util.js';

/** Mixed rows: Gaussian, Laplace and cubed-Gaussian (heavy-tailed) rows at scales 0.2 … 2. */
function mixedRows(r, n, k) {
  const w = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const scale = 0.2 + 1.8 * r.uniform(0, 1), kind = i % 3;
    for (let j = 0; j < k; j++) {
      const g = r.normal();
      const u = r.uniform(-0.5, 0.5);
      w[i * k + j] = scale * (kind === 0 ? g : kind === 1 ? -Math.sign(u) * Math.log(1 - 2 * Math.abs(u)) : g * g * g);
    }
  }
  return w;
}
const mseOf = (a, b) => { let e = 0; for (let i = 0; i < a.length; i++) e += (a[i] - b[i]) ** 2; return e / a.length; };
/** x [m, k] · W[n, k]ᵀ + b in float64. */
function matmulT(x, W, b, m, n, k) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = b ? b[j] : 0;
    for (let t = 0; t < k; t++) s += x[i * k + t] * W[j * k + t];
    out[i * n + j] = s;
  }
  return out;
}

export default function (test, { eg, backend }) {
  /** wasm quantizes activations to 8 bits per 32 (API.md: error within 1% of the output's RMS;
   *  expected ~0.6% for Gaussian x): pooled over all products ≤ 1%, one small product's RMS
   *  (a few outputs, so noisy) ≤ 3%, one output ≤ 8%. js and webgpu are float. */
  const pool = { e2: 0, y2: 0 };
  const closeToLinear = (got, want, what) => {
    let e2 = 0, y2 = 0;
    for (let i = 0; i < want.length; i++) { e2 += (got[i] - want[i]) ** 2; y2 += want[i] ** 2; }
    pool.e2 += e2; pool.y2 += y2;
    const rms = Math.sqrt(y2 / want.length), erms = Math.sqrt(e2 / want.length);
    if (backend === 'wasm') assert(erms <= 0.03 * rms, `${what}: error RMS ${erms.toExponential(2)} above 3% of the output RMS ${rms.toExponential(2)}`);
    const bound = backend === 'wasm' ? 0.08 * rms : 1e-5 * rms + 1e-6;
    for (let i = 0; i < want.length; i++) assert(Math.abs(got[i] - want[i]) <= bound, `${what}: [${i}] got ${got[i]}, want ${want[i]} (bound ${bound.toExponential(2)}, output RMS ${rms.toExponential(2)})`);
  };

  test('lut GEMV / GEMM (codebook and packed uniform, 1–4 bits, ragged k, blocks) = x · dequantize(W)ᵀ + b', async () => {
    const r = rng(1201);
    // SwiftShader runs every op of quantize slowly: fewer combinations there
    const gpu = backend === 'webgpu', cases = gpu ? [[1, 7, 64], [3, 5, 40]] : [[1, 7, 64], [3, 5, 40], [2, 4, 96]];
    for (const bits of [1, 2, 3, 4]) for (const [m, n, k] of cases.filter((_, i) => !gpu || (i + bits) % 2 === 0)) {
      const w = mixedRows(r, n, k), x = randn(r, [m, k]), b = randn(r, [n]);
      const qws = [
        ['codebook', eg.quant.codebook(w, { shape: [n, k], bits, groups: Math.min(n, 3), codebooks: 2, iterations: 3, key: eg.random.key(bits) })],
        ['uniform row', eg.quant.quantize(eg.tensor(w, [n, k]), { bits, grid: 'minmax' })],
        ['uniform block 32', eg.quant.quantize(eg.tensor(w, [n, k]), { bits, granularity: { block: k % 32 ? 8 * 5 : 32 } })],
      ];
      if (k % 16 === 0) qws.push(['uniform block 16 rotated', eg.quant.quantize(eg.tensor(w, [n, k]), { bits, granularity: { block: 16 }, rotate: 'hadamard' })]);
      for (const [what, qw] of qws) {
        const W = await qw.dequantize().data();
        const y = eg.quant.linear(eg.tensor(x, [m, k]), qw, eg.tensor(b));
        assertShape(y, [m, n], what);
        closeToLinear(await y.data(), matmulT(x, W, b, m, n, k), `${what} ${bits} bits [${m}, ${n}, ${k}]`);
        qw.dispose();
      }
    }
    const pooled = Math.sqrt(pool.e2 / pool.y2);
    assert(pooled <= (backend === 'wasm' ? 0.01 : 1e-5), `error RMS pooled over every product: ${(100 * pooled).toFixed(3)}% of the output RMS`);
    // batched x [2, 3, k] and the gradient in x (g · W)
    const [n, k] = [6, 64], w = mixedRows(r, n, k), x = randn(r, [2, 3, k]);
    const qw = eg.quant.codebook(w, { shape: [n, k], bits: 4, key: eg.random.key(9) });
    const W = await qw.dequantize().data();
    closeToLinear(await eg.quant.linear(eg.tensor(x, [2, 3, k]), qw).data(), matmulT(x, W, null, 6, n, k), 'batched x');
    const g = await eg.grad((t) => eg.sum(eg.quant.linear(t, qw)))(eg.tensor(x, [2, 3, k])).data();
    for (let i = 0; i < 6; i++) for (let t = 0; t < k; t++) {
      let want = 0;
      for (let j = 0; j < n; j++) want += W[j * k + t];
      assert(Math.abs(g[i * k + t] - want) <= 1e-4 * (1 + Math.abs(want)), `d/dx [${i}, ${t}]: ${g[i * k + t]} vs Σ_j W[j, t] ${want}`);
    }
    qw.dispose();
  });

  test('packed uniform codes: dequantize = the float64 grid; codes take bits/8 bytes per weight', async () => {
    const r = rng(1202);
    const LEVELS = { 1: 2, 1.58: 3, 2: 4, 3: 8, 4: 16 };
    for (const bits of [1, 1.58, 2, 3, 4]) for (const [n, k] of backend === 'webgpu' ? [[3, 40], [2, 256]] : [[3, 40], [5, 96], [2, 256]]) {
      const w = randn(r, [n, k]), L = LEVELS[bits];
      const q = eg.quant.quantize(eg.tensor(w, [n, k]), { bits, grid: 'minmax' });
      const got = await q.dequantize().data();
      let off = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s = Math.max(s, Math.abs(w[i * k + j]));
        const step = (2 * s) / (L - 1);
        for (let j = 0; j < k; j++) {
          const c = Math.min(L - 1, Math.floor(w[i * k + j] / step + L / 2));
          off += Math.abs(got[i * k + j] - (c - (L - 1) / 2) * step) > 1e-5 * s;
        }
      }
      // float32 may round a value on a decision boundary the other way
      assert(off <= 1, `${bits} bits [${n}, ${k}]: ${off} values off the float64 grid`);
      const codeBits = Math.ceil(Math.log2(L)), kp = Math.ceil(k / 32) * 32;
      // codes + one 16-entry table + a table id and a scale per row
      const want = (n * kp * codeBits) / 8 + 16 + 8 * n;
      assert(q.byteLength === want, `${bits} bits [${n}, ${k}]: ${q.byteLength} bytes held, want ${want} (${codeBits} bits per code)`);
      q.dispose();
    }
  });

  test('codebook: error never increases over iterations; groups follow kurtosis; beats uniform per row at equal bits', async () => {
    const r = rng(1203);
    const [n, k] = [48, 256];
    const w = mixedRows(r, n, k);
    const ratios = [];
    for (const bits of backend === 'webgpu' ? [1, 4] : [1, 2, 3, 4]) {
      const qw = eg.quant.codebook(w, { shape: [n, k], bits, groups: 6, codebooks: 3, iterations: 12, key: eg.random.key(7) });
      const h = qw.history;
      assert(h.length === 13, `history length ${h.length}`);
      for (let i = 1; i < h.length; i++) assert(h[i] <= h[i - 1] * (1 + 1e-12), `${bits} bits: MSE rose at iteration ${i}: ${h[i - 1]} -> ${h[i]}`);
      assert(h[h.length - 1] < h[0], `${bits} bits: no improvement over the seeding (${h[0]})`);
      const d = await qw.dequantize().data(), mse = mseOf(d, w);
      assert(Math.abs(mse / qw.mse - 1) < 1e-4, `${bits} bits: stored mse ${qw.mse} vs dequantize ${mse}`);
      assert(mse <= h[h.length - 1] * 1.02, `${bits} bits: int8 codebooks cost more than 2%: ${mse} vs ${h[h.length - 1]}`);
      // groups are runs of rows ordered by kurtosis; rows of a group share their codebook's levels
      const kurt = Array.from({ length: n }, (_, i) => {
        let m2 = 0, m4 = 0;
        for (let j = 0; j < k; j++) { const v = w[i * k + j] ** 2; m2 += v; m4 += v * v; }
        return (m4 / k) / (m2 / k) ** 2;
      });
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++)
        if (qw.rowGroup[a] < qw.rowGroup[b]) assert(kurt[a] <= kurt[b], `${bits} bits: row ${a} (group ${qw.rowGroup[a]}) has kurtosis ${kurt[a]} > row ${b} (group ${qw.rowGroup[b]}) ${kurt[b]}`);
      for (let i = 0; i < n; i++) {
        const levels = new Set();
        for (let j = 0; j < k; j++) levels.add(d[i * k + j]);
        assert(levels.size <= 2 ** bits, `${bits} bits: row ${i} uses ${levels.size} levels`);
      }
      const uni = eg.quant.quantize(eg.tensor(w, [n, k]), { bits, grid: 'mse', granularity: 'row' });
      const umse = mseOf(await uni.dequantize().data(), w);
      ratios.push(`${bits} bits ${(mse / umse).toFixed(3)}`);
      // measured (one seed): 0.74 (1 bit), 0.46, 0.28, 0.19 (4 bits): uniform grids fit the heavy-tailed rows badly
      assert(mse < umse * (bits === 1 ? 1 : 0.9), `${bits} bits: codebook MSE ${mse} not below uniform per-row ${umse} (ratio ${(mse / umse).toFixed(3)})`);
      qw.dispose(); uni.dispose();
    }
    // the same key learns the same codebooks
    const a = eg.quant.codebook(w, { shape: [n, k], bits: 3, key: eg.random.key(3) }), b = eg.quant.codebook(w, { shape: [n, k], bits: 3, key: eg.random.key(3) });
    assert(a.mse === b.mse, `same key, different results: ${a.mse} vs ${b.mse}`);
    a.dispose(); b.dispose();
    console.log(`    codebook / uniform per-row MSE (mse grid) on mixed rows: ${ratios.join(', ')}`);
  });

  test('codebook and packed quantize: errors name the op and the bad option', async () => {
    const w = new Float32Array(4 * 32).fill(1), key = eg.random.key(0), shape = [4, 32];
    await expectThrows(() => eg.quant.codebook(w, { shape, bits: 5, key }), /quant\.codebook.*bits must be 1, 2, 3 or 4, got 5/, 'bits 5');
    await expectThrows(() => eg.quant.codebook(w, { shape, bits: 1.58, key }), /bits must be 1, 2, 3 or 4, got 1\.58/, 'bits 1.58');
    await expectThrows(() => eg.quant.codebook(w, { shape, bits: 2, groups: 5, key }), /groups must be an integer in 1 … 4, got 5.*groups > rows/, 'groups > rows');
    await expectThrows(() => eg.quant.codebook(w, { shape, bits: 2, groups: 2, codebooks: 3, key }), /codebooks must be an integer in 1 … 2, got 3/, 'codebooks > groups');
    await expectThrows(() => eg.quant.codebook(w, { shape, bits: 2, iterations: -1, key }), /iterations must be a non-negative integer/, 'iterations');
    await expectThrows(() => eg.quant.codebook(w, { shape, bits: 2 }), /key must be an eg\.random\.key/, 'no key');
    await expectThrows(() => eg.quant.codebook(w, { bits: 2, key }), /Float32Array of 128 needs its \[out, in\] shape/, 'no shape');
    await expectThrows(() => eg.quant.codebook(eg.zeros([4, 32], 'int32'), { bits: 2, key }), /quant\.codebook.*w must be float32, got int32/, 'int32 weights');
    await expectThrows(() => eg.quant.codebook(w, { shape: [128], bits: 2, key }), /needs its \[out, in\] shape/, 'rank 1');
    if (backend === 'webgpu') await expectThrows(() => eg.quant.codebook(eg.tensor(w, shape), { bits: 2, key }), /lives on webgpu.*await w\.data\(\)/, 'GPU tensor');
    await expectThrows(() => eg.quant.quantize(eg.tensor(w, shape), { bits: 4, granularity: { block: 8 } }), /quant\.quantize.*block 8 splits them/, 'block 8 at 4 bits');
  });
}
