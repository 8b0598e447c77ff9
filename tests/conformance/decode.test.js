// The fused inference kernels of the llama runtime: nn.rope's one-kernel path and the
// single-query decodeAttention against float64 and against the composed ops autodiff traces
// (eg.vjp records them), the KV cache written in place and grown past its first rows, and F16
// weights kept as halves (a qmatmul block type converted in the kernels).
import { rng, randn, randi, assert, assertClose } from './_util.js';
import { tinyLlama, writeTiny, referenceForward } from './_llama.js';

function ropeOracle(x, [T, H, D], positions, dims, theta, mode) {
  const want = Float64Array.from(x);
  for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) for (let i = 0; i < dims / 2; i++) {
    const a = positions[t] * Math.pow(theta, -2 * i / dims), o = (t * H + h) * D;
    const p = mode === 'norm' ? o + 2 * i : o + i, q = mode === 'norm' ? p + 1 : p + dims / 2;
    want[p] = x[p] * Math.cos(a) - x[q] * Math.sin(a);
    want[q] = x[p] * Math.sin(a) + x[q] * Math.cos(a);
  }
  return want;
}

/** One query [H, D] against the first `vis` of S keys/values [S, KV, D], float64. */
function attendOracle(q, k, v, H, KV, D, vis) {
  const out = new Float64Array(H * D);
  for (let h = 0; h < H; h++) {
    const g = Math.floor(h / (H / KV));
    const sc = Array.from({ length: vis }, (_, s) => { let a = 0; for (let d = 0; d < D; d++) a += q[h * D + d] * k[(s * KV + g) * D + d]; return a / Math.sqrt(D); });
    const m = Math.max(...sc), e = sc.map((z) => Math.exp(z - m)), z = e.reduce((a, b) => a + b, 0);
    for (let s = 0; s < vis; s++) for (let d = 0; d < D; d++) out[h * D + d] += (e[s] / z) * v[(s * KV + g) * D + d];
  }
  return out;
}

/** The file's weights as float32 (F16 and blocks decoded), by name, for the reference forward. */
async function fileWeights(eg, bytes) {
  const W = {};
  for (const t of (await eg.io.gguf.read(bytes)).tensors) { const d = eg.io.gguf.dequantize(t); W[t.name] = { shape: t.shape, data: await d.data() }; d.dispose(); }
  return (name) => W[name];
}

export default function (test, { eg }) {
  test('nn.rope: the fused kernel against float64 and the traced composed ops (partial dims, both modes)', async () => {
    const r = rng(931);
    const shape = [3, 2, 12], positions = [5, 9, 200], dims = 8, theta = 500;
    const x = randn(r, shape);
    for (const mode of ['norm', 'neox']) {
      const opts = { mode, dims, theta };
      const want = ropeOracle(x, shape, positions, dims, theta, mode);
      const fused = await eg.nn.rope(eg.tensor(x, shape), positions, opts).data();
      assertClose(fused, want, { rtol: 1e-5, atol: 1e-5 }, `fused rope ${mode}`);
      // under vjp the composed ops run (and are recorded)
      const [out, back] = eg.vjp((t) => eg.nn.rope(t, positions, opts), eg.tensor(x, shape));
      assertClose(fused, await out.data(), { rtol: 1e-6, atol: 1e-6 }, `fused vs composed rope ${mode}`);
      back.dispose();
      out.dispose();
    }
  });

  test('nn.attention with one query row (the decodeAttention kernel): GQA, causal offsets, long caches', async () => {
    const r = rng(932);
    // [H, KV, D, S, offset]; S = 1100 runs past the WebGPU kernel's 1024-key chunk
    for (const [H, KV, D, S, offset] of [[4, 2, 8, 6, 5], [4, 1, 12, 9, 3], [2, 2, 5, 7, undefined], [2, 1, 8, 1100, 1099]]) {
      const q = randn(r, [1, H, D]), k = randn(r, [S, KV, D]), v = randn(r, [S, KV, D]);
      const vis = offset === undefined ? S : offset + 1;
      const args = () => [eg.tensor(q, [1, H, D]), eg.tensor(k, [S, KV, D]), eg.tensor(v, [S, KV, D])];
      const fused = await eg.nn.attention(...args(), { offset }).data();
      assertClose(fused, attendOracle(q, k, v, H, KV, D, vis), { rtol: 1e-4, atol: 1e-5 }, `decode attention H${H} KV${KV} D${D} S${S}`);
      const [out, back] = eg.vjp((qt) => eg.nn.attention(qt, ...args().slice(1), { offset }), args()[0]);
      assertClose(fused, await out.data(), { rtol: 1e-4, atol: 1e-5 }, `fused vs composed attention S${S}`);
      back.dispose();
      out.dispose();
    }
    // not causal: every key, whatever the offset
    const q = randn(r, [1, 2, 4]), k = randn(r, [5, 1, 4]), v = randn(r, [5, 1, 4]);
    const got = await eg.nn.attention(eg.tensor(q, [1, 2, 4]), eg.tensor(k, [5, 1, 4]), eg.tensor(v, [5, 1, 4]), { causal: false, offset: 0 }).data();
    assertClose(got, attendOracle(q, k, v, 2, 1, 4, 5), { rtol: 1e-4, atol: 1e-5 }, 'non-causal decode attention');
  });

  test('KV cache: token-by-token decoding past the first 64 cached rows matches a float64 forward', async () => {
    const spec = tinyLlama(rng(933), { dim: 32, layers: 1, heads: 4, kvHeads: 2, ffn: 48, ctx: 160 });
    const bytes = await writeTiny(eg, spec, 'F32');
    const lm = await eg.llm.load(bytes);
    const W = await fileWeights(eg, bytes);
    const ids = Array.from({ length: 70 }, (_, i) => 259 + (i * 13) % 50);
    const want = referenceForward(spec.hp, W, ids);
    const cache = lm.newCache();
    // a prompt of 62 (64 cached rows), then one token at a time: the rows grow to 128 at token 65
    const P = 62, prompt = lm.forward(ids.slice(0, P), { cache }), first = await prompt.data();
    prompt.dispose();
    let err = 0, scale = 0;
    const compare = (got, t, o = 0) => want[t].forEach((w, j) => { err = Math.max(err, Math.abs(w - got[o + j])); scale = Math.max(scale, Math.abs(w)); });
    for (let t = 0; t < P; t++) compare(first, t, t * spec.hp.V);
    for (let t = P; t < ids.length; t++) {
      const l = lm.forward([ids[t]], { cache });
      compare(await l.data(), t);
      l.dispose();
    }
    assert(cache.length === ids.length, `cache length ${cache.length}`);
    assert(err <= 2e-4 * scale, `cached decoding differs by ${err.toExponential(2)} (logit scale ${scale.toFixed(2)})`);
    cache.dispose();
    lm.dispose();
  });

  test('F16 weights stay half precision: quant.linear against float64 of the decoded halves, and an F16 llama file', async () => {
    const r = rng(934);
    const half = (h) => { const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, m = h & 1023; return e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15); };
    // [m, n, k]: four-row tiles plus leftover rows, and k not a multiple of 8 (the kernels' tail)
    for (const [m, n, k] of [[1, 33, 40], [3, 6, 19]]) {
      // finite halves of both signs (exponent 31 moved to 15), subnormals among them
      const bits = Uint16Array.from(randi(r, [n * k], 0, 0x10000), (h) => (((h >> 10) & 31) === 31 ? h ^ 0x4000 : h));
      bits[0] = 0x0001; bits[1] = 0x83ff;
      const qw = eg.quant.fromGGML('F16', [n, k], new Uint8Array(bits.buffer));
      const W = Array.from(bits, half);
      assertClose(await qw.dequantize().data(), W, { rtol: 0, atol: 0 }, 'F16 dequantize');
      const x = randn(r, [m, k]);
      const want = new Float64Array(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let a = 0; for (let t = 0; t < k; t++) a += x[i * k + t] * W[j * k + t]; want[i * n + j] = a; }
      const got = await eg.quant.linear(eg.tensor(x, [m, k]), qw).data();
      const scale = Math.max(...want.map(Math.abs));
      assertClose(got, want, { rtol: 1e-5, atol: 1e-5 * scale }, `F16 linear ${m}x${k} · [${n},${k}]ᵀ`);
      qw.dispose();
    }
    // infinite and NaN halves stay so in the kernels' conversion: rows [±inf or NaN, 1, ..., 1] · ones
    const special = Uint16Array.from([0x7c00, 0x7e00, 0xfc00].flatMap((h) => [h, ...new Array(7).fill(0x3c00)]));
    const sq = eg.quant.fromGGML('F16', [3, 8], new Uint8Array(special.buffer));
    const sl = Array.from(await eg.quant.linear(eg.ones([1, 8]), sq).data());
    assert(sl[0] === Infinity && Number.isNaN(sl[1]) && sl[2] === -Infinity, `rows with inf, NaN, -inf give ${sl.join(', ')}`);
    sq.dispose();
    const spec = tinyLlama(rng(935), { dim: 64, layers: 1, heads: 4, kvHeads: 2, ffn: 96, ctx: 16 });
    const bytes = await writeTiny(eg, spec, 'F16');
    const W = await fileWeights(eg, bytes);
    const lm = await eg.llm.load(bytes);
    const ids = [1, 300, 261, 270];
    const want = referenceForward(spec.hp, W, ids);
    const got = await lm.forward(ids).data();
    let err = 0, scale = 0;
    want.forEach((row, i) => row.forEach((w, j) => { err = Math.max(err, Math.abs(w - got[i * spec.hp.V + j])); scale = Math.max(scale, Math.abs(w)); }));
    assert(err <= 2e-4 * scale, `F16 llama logits differ by ${err.toExponential(2)} (scale ${scale.toFixed(2)})`);
    lm.dispose();
  });
}
