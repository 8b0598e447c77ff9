// A tiny llama-architecture model for the inference tests: random weights, a small
// SentencePiece-style vocabulary, written with eg.io.gguf.write; and an independent float64
// forward pass (plain JS) to check edgegrad's against. Shared by llm.test.js and the
// llama.cpp comparison (tests/llama/).

/** The vocabulary: specials, the 256 byte tokens, then pieces scored by length. */
export function tinyVocab() {
  const tokens = ['<unk>', '<s>', '</s>'], types = [2, 3, 3], scores = [0, 0, 0];
  for (let b = 0; b < 256; b++) { tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`); types.push(6); scores.push(0); }
  const pieces = ['\u2581'];
  for (const c of 'abcdefghijklmnopqrstuvwxyz.,!?') pieces.push(c);
  for (const w of ['th', 'he', 'in', 'er', 'an', 're', 'on', 'at', 'en', 'nd', '\u2581t', '\u2581a', '\u2581th', '\u2581the', '\u2581an', '\u2581and', '\u2581in', 'ing', '\u2581he', 'llo', '\u2581hello', '\u2581w', 'or', 'ld', '\u2581world', 'the', 'ou', '\u2581you', '\u2581o', '\u2581of'])
    pieces.push(w);
  pieces.forEach((p, i) => { tokens.push(p); types.push(1); scores.push(-i + (p.length - 1) * 5); });
  return { tokens, types: Int32Array.from(types), scores: Float32Array.from(scores) };
}

/** Model hyperparameters and float32 weights (plain arrays, row-major [out, in]). */
export function tinyLlama(r, { dim = 64, layers = 2, heads = 4, kvHeads = 2, ffn = 128, arch = 'llama', tied = false, bias = false, ctx = 64, outScale = 1 } = {}) {
  const vocab = tinyVocab();
  const V = vocab.tokens.length, hd = dim / heads;
  const mat = (n, k, s = 1 / Math.sqrt(k)) => ({ shape: [n, k], data: Float32Array.from({ length: n * k }, () => r.normal() * s) });
  const vec = (n, base, s) => ({ shape: [n], data: Float32Array.from({ length: n }, () => base + r.normal() * s) });
  const w = { 'token_embd.weight': mat(V, dim, 1), 'output_norm.weight': vec(dim, 1, 0.1) };
  if (!tied) w['output.weight'] = mat(V, dim, outScale / Math.sqrt(dim));
  for (let l = 0; l < layers; l++) {
    const p = `blk.${l}.`;
    w[p + 'attn_norm.weight'] = vec(dim, 1, 0.1);
    w[p + 'attn_q.weight'] = mat(heads * hd, dim);
    w[p + 'attn_k.weight'] = mat(kvHeads * hd, dim);
    w[p + 'attn_v.weight'] = mat(kvHeads * hd, dim);
    if (bias) { w[p + 'attn_q.bias'] = vec(heads * hd, 0, 0.1); w[p + 'attn_k.bias'] = vec(kvHeads * hd, 0, 0.1); w[p + 'attn_v.bias'] = vec(kvHeads * hd, 0, 0.1); }
    w[p + 'attn_output.weight'] = mat(dim, heads * hd);
    w[p + 'ffn_norm.weight'] = vec(dim, 1, 0.1);
    w[p + 'ffn_gate.weight'] = mat(ffn, dim);
    w[p + 'ffn_up.weight'] = mat(ffn, dim);
    w[p + 'ffn_down.weight'] = mat(dim, ffn);
  }
  const hp = { arch, dim, layers, heads, kvHeads, ffn, hd, V, eps: 1e-5, theta: 10000, ctx, neox: arch === 'qwen2' };
  return { hp, vocab, weights: w };
}

/** GGUF bytes of the model with 2-D weights stored as `type` (norms and biases F32). */
export async function writeTiny(eg, model, type = 'F32') {
  const { hp, vocab, weights } = model;
  const a = hp.arch;
  const f32 = (v) => eg.io.gguf.typed('float32', v);
  const metadata = {
    'general.architecture': a,
    'general.name': 'edgegrad-tiny',
    [`${a}.context_length`]: hp.ctx,
    [`${a}.embedding_length`]: hp.dim,
    [`${a}.block_count`]: hp.layers,
    [`${a}.feed_forward_length`]: hp.ffn,
    [`${a}.attention.head_count`]: hp.heads,
    [`${a}.attention.head_count_kv`]: hp.kvHeads,
    [`${a}.attention.layer_norm_rms_epsilon`]: f32(hp.eps),
    [`${a}.rope.freq_base`]: f32(hp.theta),
    [`${a}.rope.dimension_count`]: hp.hd,
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': vocab.tokens,
    'tokenizer.ggml.scores': vocab.scores,
    'tokenizer.ggml.token_type': vocab.types,
    'tokenizer.ggml.bos_token_id': 1,
    'tokenizer.ggml.eos_token_id': 2,
    'tokenizer.ggml.unknown_token_id': 0,
    'tokenizer.ggml.add_bos_token': true,
  };
  const tensors = {};
  for (const [name, t] of Object.entries(weights))
    tensors[name] = { tensor: t.data, shape: t.shape, type: t.shape.length === 2 ? type : 'F32' };
  return eg.io.gguf.write(null, { metadata, tensors });
}

// ---- float64 reference ---------------------------------------------------------

function rmsnorm(x, g, eps) {
  let s = 0;
  for (const v of x) s += v * v;
  const k = 1 / Math.sqrt(s / x.length + eps);
  return x.map((v, i) => v * k * g[i]);
}
function matvec(W, x) { // W {shape [n, k], data}
  const [n, k] = W.shape, out = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < k; j++) s += W.data[i * k + j] * x[j]; out[i] = s; }
  return out;
}
function ropeInPlace(v, nh, hd, pos, theta, neox) {
  for (let h = 0; h < nh; h++) for (let i = 0; i < hd / 2; i++) {
    const ang = pos * Math.pow(theta, (-2 * i) / hd), c = Math.cos(ang), s = Math.sin(ang);
    const a = neox ? h * hd + i : h * hd + 2 * i, b = neox ? a + hd / 2 : a + 1;
    const x0 = v[a], x1 = v[b];
    v[a] = x0 * c - x1 * s;
    v[b] = x0 * s + x1 * c;
  }
}

/** Logits [ids.length][V] in float64; `w(name)` gives {shape, data} of each (dequantized) weight. */
export function referenceForward(hp, w, ids) {
  const { dim, heads, kvHeads, hd, eps } = hp;
  const K = Array.from({ length: hp.layers }, () => []), Vc = Array.from({ length: hp.layers }, () => []);
  const emb = w('token_embd.weight');
  const out = [];
  ids.forEach((id, pos) => {
    let x = Float64Array.from(emb.data.subarray(id * dim, id * dim + dim));
    for (let l = 0; l < hp.layers; l++) {
      const p = `blk.${l}.`;
      const h = rmsnorm(x, w(p + 'attn_norm.weight').data, eps);
      const add = (v, b) => (b ? v.map((e, i) => e + b.data[i]) : v);
      const q = add(matvec(w(p + 'attn_q.weight'), h), w(p + 'attn_q.bias'));
      const k = add(matvec(w(p + 'attn_k.weight'), h), w(p + 'attn_k.bias'));
      const v = add(matvec(w(p + 'attn_v.weight'), h), w(p + 'attn_v.bias'));
      ropeInPlace(q, heads, hd, pos, hp.theta, hp.neox);
      ropeInPlace(k, kvHeads, hd, pos, hp.theta, hp.neox);
      K[l].push(k); Vc[l].push(v);
      const att = new Float64Array(heads * hd);
      for (let hh = 0; hh < heads; hh++) {
        const kv = Math.floor(hh / (heads / kvHeads));
        const sc = K[l].map((kk) => { let s = 0; for (let d = 0; d < hd; d++) s += q[hh * hd + d] * kk[kv * hd + d]; return s / Math.sqrt(hd); });
        const m = Math.max(...sc), e = sc.map((s) => Math.exp(s - m)), z = e.reduce((a, b) => a + b, 0);
        for (let t = 0; t < e.length; t++) for (let d = 0; d < hd; d++) att[hh * hd + d] += (e[t] / z) * Vc[l][t][kv * hd + d];
      }
      const o = matvec(w(p + 'attn_output.weight'), att);
      x = x.map((e, i) => e + o[i]);
      const h2 = rmsnorm(x, w(p + 'ffn_norm.weight').data, eps);
      const g = matvec(w(p + 'ffn_gate.weight'), h2), u = matvec(w(p + 'ffn_up.weight'), h2);
      const f = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]);
      const d = matvec(w(p + 'ffn_down.weight'), f);
      x = x.map((e, i) => e + d[i]);
    }
    const fin = rmsnorm(x, w('output_norm.weight').data, eps);
    out.push(matvec(w('output.weight') ?? emb, fin));
  });
  return out;
}
