// The fused inference kernels of the llama runtime: nn.rope's one-kernel path and the
// single-query decodeAttention against float64 and against the composed ops autodiff traces
// (eg.vjp records them), and the KV cache written in place and grown past its first rows.
import { rng, randn, assert, assertClose } from './_util.js';
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
    const file = await eg.io.gguf.read(bytes);
    const W = {};
    for (const t of file.tensors) { const d = eg.io.gguf.dequantize(t); W[t.name] = { shape: t.shape, data: await d.data() }; d.dispose(); }
    const ids = Array.from({ length: 70 }, (_, i) => 259 + (i * 13) % 50);
    const want = referenceForward(spec.hp, (n) => W[n], ids);
    const cache = lm.newCache();
    // a prompt of 3, then one token at a time: the cache's rows grow from 64 to 128
    const first = lm.forward(ids.slice(0, 3), { cache });
    first.dispose();
    let err = 0, scale = 0;
    for (let t = 3; t < ids.length; t++) {
      const l = lm.forward([ids[t]], { cache });
      const got = await l.data();
      l.dispose();
      want[t].forEach((w, j) => { err = Math.max(err, Math.abs(w - got[j])); scale = Math.max(scale, Math.abs(w)); });
    }
    assert(cache.length === ids.length, `cache length ${cache.length}`);
    assert(err <= 2e-4 * scale, `cached decoding differs by ${err.toExponential(2)} (logit scale ${scale.toFixed(2)})`);
    cache.dispose();
    lm.dispose();
  });
}
