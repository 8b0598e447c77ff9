// The byte-level llama that `npm run train:lm` trains: its vocabulary, its parameters, a
// batched training forward pass written with edgegrad's public ops, and the GGUF it becomes.
// The forward pass computes what eg.llm's decoder computes (llama: rmsNorm, NORM rope, causal
// attention, SwiGLU, untied head), so the file it writes runs in edgegrad and in llama.cpp.

/**
 * SentencePiece `llama` vocabulary with byte fallback: <unk>, <s>, </s>, the 256 byte tokens,
 * and one piece, '▁' (a space: SentencePiece writes spaces as U+2581, and without the piece
 * each space would fall back to that character's three UTF-8 bytes).
 */
export const SPACE_ID = 259;
export function byteVocab() {
  const tokens = ['<unk>', '<s>', '</s>'], types = [2, 3, 3];
  for (let b = 0; b < 256; b++) { tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`); types.push(6); }
  tokens.push('\u2581'); types.push(1);
  return { tokens, types: Int32Array.from(types), scores: new Float32Array(tokens.length) };
}

/** Token ids of text as the GGUF's tokenizer gives them (add_space_prefix is off, no BOS). */
export function encodeBytes(text) {
  const bytes = new TextEncoder().encode(text);
  const ids = new Int32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) ids[i] = bytes[i] === 0x20 ? SPACE_ID : 3 + bytes[i];
  return ids;
}

/** The shipped model's shape: dim 256 so every row is a multiple of 256 (Q4_K's super-block). */
export const CONFIG = { dim: 256, layers: 2, heads: 4, ffn: 512, ctx: 256, eps: 1e-5, theta: 10000 };

/** Fresh parameters: N(0, 0.02) matrices ([out, in], as GGUF), residual outputs scaled by 1/√(2·layers), unit norms. */
export function initParams(eg, cfg, seed = 0) {
  const V = byteVocab().tokens.length, { dim, ffn } = cfg;
  let n = 0;
  const key = eg.random.key(seed);
  const mat = (rows, cols, s = 0.02) => eg.mul(eg.random.normal(eg.random.foldIn(key, n++), [rows, cols]), s);
  const resid = 0.02 / Math.sqrt(2 * cfg.layers);
  return {
    embed: mat(V, dim), outNorm: eg.ones([dim]), output: mat(V, dim),
    layers: Array.from({ length: cfg.layers }, () => ({
      attnNorm: eg.ones([dim]), wq: mat(dim, dim), wk: mat(dim, dim), wv: mat(dim, dim), wo: mat(dim, dim, resid),
      ffnNorm: eg.ones([dim]), gate: mat(ffn, dim), up: mat(ffn, dim), down: mat(dim, ffn, resid),
    })),
  };
}

/** Logits [B·T, vocab] of B sequences of T ids (ids: Int32Array of B·T, row-major). */
export function forward(eg, p, cfg, ids, B, T) {
  const { dim, heads } = cfg, hd = dim / heads, N = B * T;
  const lin = (x, w) => eg.matmul(x, w, { transposeB: true });
  const positions = Array.from({ length: N }, (_, i) => i % T);
  const mask = new Float32Array(T * T);
  for (let t = 0; t < T; t++) for (let s = t + 1; s < T; s++) mask[t * T + s] = -Infinity;
  const causal = eg.tensor(mask, [T, T]);
  // [N, dim] -> [B·heads, T, hd] and back
  const split = (x) => eg.reshape(eg.transpose(eg.reshape(x, [B, T, heads, hd]), [0, 2, 1, 3]), [B * heads, T, hd]);
  const merge = (x) => eg.reshape(eg.transpose(eg.reshape(x, [B, heads, T, hd]), [0, 2, 1, 3]), [N, dim]);
  const rope = (x) => eg.nn.rope(eg.reshape(x, [N, heads, hd]), positions, { theta: cfg.theta });
  let x = eg.nn.embedding(p.embed, eg.tensor(ids, [N], 'int32'));
  for (const L of p.layers) {
    const h = eg.rmsNorm(x, L.attnNorm, { eps: cfg.eps });
    const q = split(rope(lin(h, L.wq))), k = split(rope(lin(h, L.wk))), v = split(lin(h, L.wv));
    const scores = eg.add(eg.mul(eg.matmul(q, k, { transposeB: true }), 1 / Math.sqrt(hd)), causal);
    x = eg.add(x, lin(merge(eg.matmul(eg.softmax(scores, -1), v)), L.wo));
    const h2 = eg.rmsNorm(x, L.ffnNorm, { eps: cfg.eps });
    x = eg.add(x, lin(eg.nn.swiglu(lin(h2, L.gate), lin(h2, L.up)), L.down));
  }
  return lin(eg.rmsNorm(x, p.outNorm, { eps: cfg.eps }), p.output);
}

/** Mean next-token cross-entropy (nats per token) of B windows of T+1 ids. */
export function loss(eg, p, cfg, windows, B, T) {
  const inp = new Int32Array(B * T), tgt = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    inp.set(windows.subarray(b * (T + 1), b * (T + 1) + T), b * T);
    tgt.set(windows.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
  }
  return eg.nn.crossEntropy(forward(eg, p, cfg, inp, B, T), eg.tensor(tgt, [B * T], 'int32'));
}

/** B random windows of T+1 ids from the token stream (a seeded xorshift). */
export function batcher(tokens, B, T, seed = 1) {
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  return () => {
    const out = new Int32Array(B * (T + 1));
    for (let b = 0; b < B; b++) {
      const at = Math.floor(next() * (tokens.length - T - 1));
      out.set(tokens.subarray(at, at + T + 1), b * (T + 1));
    }
    return out;
  };
}

/**
 * Trains p in place with AdamW (warmup then cosine decay) for `steps` steps or until
 * `seconds` pass; `log({ step, loss, ms })` every `every` steps. Returns the losses.
 */
export async function train(eg, p, cfg, tokens, { steps, seconds = Infinity, batch = 16, seq = 64, lr = 3e-3, warmup = 20, weightDecay = 0.01, seed = 1, every = 10, log = () => {} }) {
  const t0 = performance.now();
  // warmup, then cosine decay to lr/10 over the steps or the seconds, whichever runs out first
  const done = (t) => Math.min(1, Math.max((t - warmup) / Math.max(1, steps - warmup), (performance.now() - t0) / 1000 / seconds));
  const schedule = (t) => (t < warmup ? lr * (t + 1) / warmup : lr / 10 + 0.45 * lr * (1 + Math.cos(Math.PI * done(t))));
  const opt = eg.optim.adamw(p, { lr: schedule, weightDecay, betas: [0.9, 0.95] });
  const vg = eg.valueAndGrad((q, w) => loss(eg, q, cfg, w, batch, seq));
  const next = batcher(tokens, batch, seq, seed);
  const losses = [];
  for (let step = 1; step <= steps; step++) {
    const [value, grads] = vg(p, next());
    opt.step(grads);
    losses.push(await value.item());
    eg.dispose([value, grads]);
    if (step % every === 0 || step === steps) log({ step, loss: losses.at(-1), ms: performance.now() - t0 });
    if ((performance.now() - t0) / 1000 > seconds) break;
  }
  opt.dispose?.();
  return losses;
}

/** The GGUF bytes of p with its matrices stored as `type` ('F32', 'Q8_0', 'Q4_K'; norms stay F32). */
export async function toGGUF(eg, p, cfg, type, { name = 'edgegrad-kjv-bytes' } = {}) {
  const vocab = byteVocab();
  const f32 = (v) => eg.io.gguf.typed('float32', v);
  const metadata = {
    'general.architecture': 'llama',
    'general.name': name,
    'general.license': 'MIT (weights); trained on the King James Bible (public domain), Debian package bible-kjv-text',
    'llama.context_length': cfg.ctx,
    'llama.embedding_length': cfg.dim,
    'llama.block_count': cfg.layers,
    'llama.feed_forward_length': cfg.ffn,
    'llama.attention.head_count': cfg.heads,
    'llama.attention.head_count_kv': cfg.heads,
    'llama.attention.layer_norm_rms_epsilon': f32(cfg.eps),
    'llama.rope.freq_base': f32(cfg.theta),
    'llama.rope.dimension_count': cfg.dim / cfg.heads,
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': vocab.tokens,
    'tokenizer.ggml.scores': vocab.scores,
    'tokenizer.ggml.token_type': vocab.types,
    'tokenizer.ggml.bos_token_id': 1,
    'tokenizer.ggml.eos_token_id': 2,
    'tokenizer.ggml.unknown_token_id': 0,
    'tokenizer.ggml.add_bos_token': false,
    'tokenizer.ggml.add_space_prefix': false,
  };
  const tensors = {};
  const put = async (name, t, quant = true) => {
    tensors[name] = { tensor: await t.data(), shape: t.shape, type: quant && t.rank === 2 ? type : 'F32' };
  };
  await put('token_embd.weight', p.embed);
  await put('output_norm.weight', p.outNorm);
  await put('output.weight', p.output);
  for (const [l, L] of p.layers.entries()) {
    const b = `blk.${l}.`;
    await put(b + 'attn_norm.weight', L.attnNorm);
    await put(b + 'attn_q.weight', L.wq);
    await put(b + 'attn_k.weight', L.wk);
    await put(b + 'attn_v.weight', L.wv);
    await put(b + 'attn_output.weight', L.wo);
    await put(b + 'ffn_norm.weight', L.ffnNorm);
    await put(b + 'ffn_gate.weight', L.gate);
    await put(b + 'ffn_up.weight', L.up);
    await put(b + 'ffn_down.weight', L.down);
  }
  return eg.io.gguf.write(null, { metadata, tensors });
}
