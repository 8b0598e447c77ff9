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
  /** x [m, k] · W[n, k]ᵀ + b against float64. wasm quantizes x to int8 per 32 values (round to
   *  nearest, step max|x_block| / 127, an fp16 scale): each output is then within the hard bound
   *  Σ_t (step_t / 2)·|W_jt| + 2^-10·Σ_t |x_t·W_jt|, and pooled over every product the error RMS
   *  is checked against the output RMS (API.md: about 1%). js and webgpu are float. */
  const pool = { e2: 0, y2: 0 };
  const closeToLinear = (got, x, W, b, m, n, k, what) => {
    const want = matmulT(x, W, b, m, n, k);
    for (let i = 0; i < m; i++) {
      const half = new Float64Array(k);
      for (let t0 = 0; t0 < k; t0 += 32) {
        let a = 0;
        for (let t = t0; t < Math.min(k, t0 + 32); t++) a = Math.max(a, Math.abs(x[i * k + t]));
        for (let t = t0; t < Math.min(k, t0 + 32); t++) half[t] = a / 127 / 2;
      }
      for (let j = 0; j < n; j++) {
        let q = 0, mag = 0;
        for (let t = 0; t < k; t++) { const wv = Math.abs(W[j * k + t]); q += half[t] * wv; mag += Math.abs(x[i * k + t]) * wv; }
        const bound = backend === 'wasm' ? q * 1.001 + 2 ** -10 * mag + 1e-6 : 1e-5 * mag + 1e-6;
        const g = got[i * n + j], e = want[i * n + j];
        assert(Math.abs(g - e) <= bound, `${what}: [${i}, ${j}] got ${g}, want ${e} (bound ${bound.toExponential(2)})`);
        pool.e2 += (g - e) ** 2; pool.y2 += e * e;
      }
    }
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
        closeToLinear(await y.data(), x, W, b, m, n, k, `${what} ${bits} bits [${m}, ${n}, ${k}]`);
        qw.dispose();
      }
    }
    const pooled = Math.sqrt(pool.e2 / pool.y2);
    // a third of the rows are cubed Gaussians, whose outputs hang on a few products: ~1% measured
    assert(pooled <= (backend === 'wasm' ? 0.015 : 1e-5), `error RMS pooled over every product: ${(100 * pooled).toFixed(3)}% of the output RMS`);
    // batched x [2, 3, k] and the gradient in x (g · W)
    const [n, k] = [6, 64], w = mixedRows(r, n, k), x = randn(r, [2, 3, k]);
    const qw = eg.quant.codebook(w, { shape: [n, k], bits: 4, key: eg.random.key(9) });
    const W = await qw.dequantize().data();
    closeToLinear(await eg.quant.linear(eg.tensor(x, [2, 3, k]), qw).data(), x, W, null, 6, n, k, 'batched x');
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
      // int8 tables (what the wasm swizzle looks up) resolve 1/254 of a codebook's range: on the
      // cubed-Gaussian rows' wide codebooks that costs up to ~3% at 4 bits
      assert(mse <= h[h.length - 1] * 1.05, `${bits} bits: int8 codebooks cost more than 5%: ${mse} vs ${h[h.length - 1]}`);
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
      // measured over seeds: 0.74–0.81 (1 bit), 0.43–0.50, 0.20–0.36, 0.13–0.21 (4 bits): uniform grids fit heavy tails badly
      assert(mse < umse * (bits === 1 ? 1 : 0.9), `${bits} bits: codebook MSE ${mse} not below uniform per-row ${umse} (ratio ${(mse / umse).toFixed(3)})`);
      qw.dispose(); uni.dispose();
    }
    // the same key learns the same codebooks
    const a = eg.quant.codebook(w, { shape: [n, k], bits: 3, key: eg.random.key(3) }), b = eg.quant.codebook(w, { shape: [n, k], bits: 3, key: eg.random.key(3) });
    assert(a.mse === b.mse, `same key, different results: ${a.mse} vs ${b.mse}`);
    a.dispose(); b.dispose();
    console.log(`    codebook / uniform per-row MSE (mse grid) on mixed rows: ${ratios.join(', ')}`);
  });

  test('4-bit export: quantize → toGGML (Q4_K, the same grid) → GGUF → read → quant.linear = the in-memory layer', async () => {
    const r = rng(1204);
    const [n, k, m] = [6, 256, 3];
    const w = randn(r, [n, k]), x = randn(r, [m, k]), b = randn(r, [n]);
    for (const rotate of [null, 'hadamard']) {
      const qw = eg.quant.quantize(eg.tensor(w, [n, k]), { bits: 4, rotate });
      const q4k = await eg.quant.toGGML(qw);
      assert(q4k.type === 'Q4_K' && q4k.byteLength === n * (k / 256) * 144, `Q4_K bytes ${q4k.byteLength}`);
      const file = await eg.io.gguf.read(await eg.io.gguf.write(null, { metadata: { 'edgegrad.hadamard_block': qw.rotation }, tensors: { 'w.weight': q4k } }));
      const back = eg.io.gguf.quantized(file.tensors.find((t) => t.name === 'w.weight'));
      const block = file.metadata['edgegrad.hadamard_block'];
      // the file's weights are the grid up to fp16 d and dmin: |Δw| ≤ 0.011·step per weight
      const grid = await (rotate ? eg.quant.hadamard(qw.dequantize(), { block }) : qw.dequantize()).data();
      const fileW = await eg.io.gguf.dequantize(file.tensors.find((t) => t.name === 'w.weight')).data();
      for (let i = 0; i < n; i++) {
        // levels are odd multiples of half a step, so the smallest |level| is at least step / 2
        let minAbs = Infinity;
        for (let j = 0; j < k; j++) minAbs = Math.min(minAbs, Math.abs(grid[i * k + j]));
        for (let j = 0; j < k; j++) assert(Math.abs(fileW[i * k + j] - grid[i * k + j]) <= 0.012 * 2 * minAbs + 1e-6, `rotate ${rotate} row ${i} [${j}]: file ${fileW[i * k + j]} vs grid ${grid[i * k + j]}`);
      }
      const xt = eg.tensor(x, [m, k]);
      const served = eg.quant.linear(block ? eg.quant.hadamard(xt, { block }) : xt, back, eg.tensor(b));
      const want = matmulT(x, await qw.dequantize().data(), b, m, n, k);
      // fp16 d / dmin move each weight by ≤ 0.011 step (~0.4% of the output here), wasm adds its 8-bit activations
      const got = await served.data();
      let e2 = 0, y2 = 0;
      for (let i = 0; i < want.length; i++) { e2 += (got[i] - want[i]) ** 2; y2 += want[i] ** 2; }
      assert(Math.sqrt(e2 / y2) <= 0.02, `served from GGUF, rotate ${rotate}: error RMS ${(100 * Math.sqrt(e2 / y2)).toFixed(3)}% of the output RMS`);
      qw.dispose(); q4k.dispose(); back.dispose();
    }
    await expectThrows(() => eg.quant.toGGML(eg.quant.quantize(eg.tensor(w, [n, k]), { bits: 2 })), /quant\.toGGML.*4-bit/, '2-bit');
    await expectThrows(() => eg.quant.toGGML(eg.quant.quantize(eg.tensor(w.subarray(0, 6 * 64), [6, 64]), { bits: 4 })), /multiple of 256/, 'rows of 64');
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
