// The llama runtime against an independent float64 forward pass (tests/conformance/_llama.js):
// F32 and Q8_0 files, the KV cache, GQA, NEOX rope with q/k/v bias, tied embeddings, the
// nn pieces it is made of, sampling, errors, and memory over many generations.
import { rng, randn, assert, assertShape, assertClose, expectThrows } from './_util.js';
import { tinyLlama, writeTiny, referenceForward } from './_llama.js';

/** Weights as the file holds them (F32, or decoded blocks) for the reference. */
async function fileWeights(eg, bytes) {
  const file = await eg.io.gguf.read(bytes);
  const W = {};
  for (const t of file.tensors) { const d = eg.io.gguf.dequantize(t); W[t.name] = { shape: t.shape, data: await d.data() }; d.dispose(); }
  return (name) => W[name];
}

function maxAbsDiff(got, want, V) {
  let err = 0, scale = 0;
  want.forEach((row, i) => row.forEach((v, j) => { err = Math.max(err, Math.abs(v - got[i * V + j])); scale = Math.max(scale, Math.abs(v)); }));
  return { err, scale };
}

export default function (test, { eg, backend }) {
  const small = { dim: 64, layers: 1, heads: 4, kvHeads: 2, ffn: 96, ctx: 16 };

  test('tiny llama forward matches a float64 forward (F32 tied, Q8_0, qwen2: NEOX rope + bias)', async () => {
    const cases = [
      ['F32', { ...small, tied: true }],
      ['Q8_0', small],
      ['F32', { ...small, arch: 'qwen2', bias: true, kvHeads: 1 }],
    ];
    for (const [type, cfg] of cases) {
      const spec = tinyLlama(rng(911), cfg);
      const bytes = await writeTiny(eg, spec, type);
      const lm = await eg.llm.load(bytes);
      const ids = lm.tokenizer.encode('the world');
      assert(ids.length >= 4, `prompt of ${ids.length} tokens`);
      const want = referenceForward(spec.hp, await fileWeights(eg, bytes), ids);
      const logits = lm.forward(ids);
      assertShape(logits, [ids.length, spec.hp.V], 'logits');
      const { err, scale } = maxAbsDiff(await logits.data(), want, spec.hp.V);
      // wasm quantizes activations to 8 bits for quantized weights (as llama.cpp does)
      const bound = type !== 'F32' && backend === 'wasm' ? 0.03 : 2e-4;
      assert(err <= bound * scale, `${cfg.arch ?? 'llama'} ${type}: max |Δlogit| ${err.toExponential(2)} > ${bound}·${scale.toFixed(2)}`);
      // the same logits token by token through the cache
      const cache = lm.newCache();
      const n = ids.length;
      const parts = [lm.forward(ids.slice(0, 2), { cache }), lm.forward(ids.slice(2, n - 1), { cache }), lm.forward(ids.slice(n - 1), { cache })];
      assert(cache.length === ids.length, 'cache length');
      const inc = [];
      for (const p of parts) { inc.push(...await p.data()); p.dispose(); }
      const { err: e2 } = maxAbsDiff(Float32Array.from(inc), want, spec.hp.V);
      assert(e2 <= bound * scale, `${type}: cached decoding differs by ${e2.toExponential(2)}`);
      cache.dispose();
      logits.dispose();
      lm.dispose();
    }
  });

  test('generation: greedy is deterministic, seeded sampling reproducible, stop strings and context end; errors', async () => {
    const spec = tinyLlama(rng(912), { ...small, outScale: 3 });
    // </s> (id 2) gets a zero output row: its logit is 0, so greedy picks it only if all 319
    // other logits are negative (p ≈ 2^-319); otherwise a random model may end early on some seeds
    spec.weights['output.weight'].data.fill(0, 2 * small.dim, 3 * small.dim);
    const ctx = 8; // a short context keeps the run to the end of it cheap (WebGPU on a software driver)
    const lm = await eg.llm.load(await writeTiny(eg, spec, 'F32'), { contextLength: ctx });
    const run = async (o) => { const out = []; for await (const t of lm.generate('hello', o)) out.push(t); return out; };
    const g1 = await run({ temperature: 0, maxTokens: 4 }), g2 = await run({ temperature: 0, maxTokens: 4 });
    assert(g1.length === 4 && g1.map((t) => t.id).join() === g2.map((t) => t.id).join(), 'greedy repeats');
    // the first greedy token is the argmax of the prompt's last logits
    const ids = lm.tokenizer.encode('hello');
    const last = lm.forward(ids).slice([ids.length - 1, 0], [1, spec.hp.V]).argmax(-1);
    assert((await last.data())[0] === g1[0].id, 'greedy = argmax');
    // decode() drops the space SentencePiece puts before a text; a continuation keeps it
    const joined = g1.map((t) => t.text).join(''), decoded = lm.tokenizer.decode(g1.map((t) => t.id));
    assert(joined === decoded || joined === ' ' + decoded, `texts ${JSON.stringify(joined)} join to the decoded ids ${JSON.stringify(decoded)}`);
    const s1 = await run({ temperature: 1, topK: 20, topP: 0.9, seed: 7, maxTokens: 4 }), s2 = await run({ temperature: 1, topK: 20, topP: 0.9, seed: 7, maxTokens: 4 });
    assert(s1.map((t) => t.id).join() === s2.map((t) => t.id).join(), 'same seed, same tokens');
    const text = g1.map((t) => t.text).join('');
    const at = Array.from({ length: text.length }, (_, i) => i).find((i) => i > 0 && i + 2 <= text.length && !text.slice(i, i + 2).includes('\uFFFD'));
    if (at !== undefined) {
      const stop = text.slice(at, at + 2);
      const cut = (await run({ temperature: 0, maxTokens: 4, stop })).map((t) => t.text).join('');
      assert(cut === text.slice(0, text.indexOf(stop)), `stop ${JSON.stringify(stop)}: ${JSON.stringify(cut)} from ${JSON.stringify(text)}`);
    }
    const full = await run({ temperature: 0, maxTokens: 100 });
    assert(full.length === ctx - ids.length + 1, `generation ends at the context: ${full.length} tokens after ${ids.length}`);
    await expectThrows(() => lm.forward(Array(ctx + 1).fill(5)), /context is full/, 'prompt past the context');
    const cache = lm.newCache();
    lm.forward(Array(ctx).fill(5), { cache }).dispose();
    await expectThrows(() => lm.forward([5], { cache }), /context is full: 8 cached \+ 1/, 'cache full');
    cache.dispose();
    await expectThrows(() => lm.forward([1.5]), /not an integer/, 'non-integer id');
    await expectThrows(() => lm.forward([spec.hp.V]), /not an integer in \[0, 320\)/, 'id out of range');
    await expectThrows(() => lm.forward([]), /non-empty/, 'no ids');
    const e = lm.embed('the end');
    assertShape(e, [spec.hp.dim], 'embed');
    const ev = await e.data();
    assertClose([ev.reduce((a, v) => a + v * v, 0)], [1], { rtol: 1e-5, atol: 0 }, 'embedding is unit length');
    for (const t of [last, e]) t.dispose();
    lm.dispose();
    await expectThrows(() => lm.forward([1]), /disposed/, 'disposed model');
  });

  test('nothing leaks: memory is flat over many generations and a load/dispose', async () => {
    const spec = tinyLlama(rng(913), small);
    const bytes = await writeTiny(eg, spec, 'Q8_0');
    const before = eg.memory();
    const lm = await eg.llm.load(bytes);
    const one = async () => { for await (const _ of lm.generate('the', { temperature: 0.8, seed: 1, maxTokens: 2 })) { /* drain */ } };
    await one();
    const warm = eg.memory();
    // 100 on the CPU backends; WebGPU on a software driver takes ~0.3 s a token, so fewer there
    const times = backend === 'webgpu' ? 5 : 100;
    for (let i = 0; i < times; i++) await one();
    const after = eg.memory();
    assert(after.tensors === warm.tensors && after.bytes === warm.bytes, `after ${times} generations: ${after.tensors} tensors / ${after.bytes} bytes, was ${warm.tensors} / ${warm.bytes}`);
    lm.dispose();
    const end = eg.memory();
    assert(end.tensors === before.tensors, `load + dispose left ${end.tensors - before.tensors} tensors`);
  });

  test('nn.rope (norm, neox), nn.attention (GQA, causal offset), nn.swiglu, nn.embedding against float64', async () => {
    const r = rng(914);
    const T = 3, H = 4, D = 8, S = 5, KV = 2;
    const x = randn(r, [T, H, D]);
    for (const mode of ['norm', 'neox']) {
      const got = await eg.nn.rope(eg.tensor(x, [T, H, D]), 2, { mode, theta: 100 }).data();
      const want = Float64Array.from(x);
      for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) for (let i = 0; i < D / 2; i++) {
        const a = (2 + t) * Math.pow(100, -2 * i / D), o = (t * H + h) * D;
        const p = mode === 'norm' ? o + 2 * i : o + i, q = mode === 'norm' ? p + 1 : p + D / 2;
        want[p] = x[p] * Math.cos(a) - x[q] * Math.sin(a);
        want[q] = x[p] * Math.sin(a) + x[q] * Math.cos(a);
      }
      assertClose(got, want, { rtol: 1e-5, atol: 1e-5 }, `rope ${mode}`);
    }
    const q = randn(r, [T, H, D]), k = randn(r, [S, KV, D]), v = randn(r, [S, KV, D]);
    const got = await eg.nn.attention(eg.tensor(q, [T, H, D]), eg.tensor(k, [S, KV, D]), eg.tensor(v, [S, KV, D])).data();
    const want = new Float64Array(T * H * D);
    for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / KV)), vis = S - T + t + 1;
      const sc = Array.from({ length: vis }, (_, s) => { let a = 0; for (let d = 0; d < D; d++) a += q[(t * H + h) * D + d] * k[(s * KV + g) * D + d]; return a / Math.sqrt(D); });
      const m = Math.max(...sc), e = sc.map((z) => Math.exp(z - m)), z = e.reduce((a, b) => a + b, 0);
      for (let s = 0; s < vis; s++) for (let d = 0; d < D; d++) want[(t * H + h) * D + d] += (e[s] / z) * v[(s * KV + g) * D + d];
    }
    assertClose(got, want, { rtol: 1e-4, atol: 1e-5 }, 'attention');
    const a = randn(r, [6]), b = randn(r, [6]);
    assertClose(await eg.nn.swiglu(eg.tensor(a), eg.tensor(b)).data(), Array.from(a, (g, i) => (g / (1 + Math.exp(-g))) * b[i]), { rtol: 1e-5, atol: 1e-6 }, 'swiglu');
    const table = randn(r, [5, 3]);
    assertClose(await eg.nn.embedding(eg.tensor(table, [5, 3]), [4, 0]).data(), [...table.slice(12, 15), ...table.slice(0, 3)], { rtol: 0, atol: 0 }, 'embedding');
    await expectThrows(() => eg.nn.embedding(eg.tensor(table, [5, 3]), [5]), /not an integer in \[0, 5\)/, 'embedding id');
    await expectThrows(() => eg.nn.attention(eg.tensor(q, [T, H, D]), eg.tensor(k, [S, KV, D]), eg.tensor(v.slice(0, (S - 1) * KV * D), [S - 1, KV, D])), /do not fit/, 'attention shapes');
  });

  test('llm.load streams a Response (tensors uploaded as they arrive): the same logits as from bytes; truncation is named and leaks nothing', async () => {
    // served in 1000-byte chunks, so pieces of the header and of tensors straddle chunk ends
    const chunked = (bytes) => new Response(new ReadableStream({
      start(c) { for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.slice(i, i + 1000)); c.close(); },
    }));
    for (const [type, cfg] of [['F32', { ...small, tied: true }], ['Q8_0', { ...small, tied: true }], ['Q8_0', small]]) {
      const bytes = await writeTiny(eg, tinyLlama(rng(916), { ...cfg, dim: 128, ffn: 256 }), type);
      assert(bytes.length > 1 << 17, `the file (${bytes.length} bytes) reaches past the first header piece`);
      const before = eg.memory().tensors;
      const seen = [];
      const a = await eg.llm.load(bytes), b = await eg.llm.load(chunked(bytes), { onProgress: (n, total) => seen.push([n, total]) });
      const ids = a.tokenizer.encode('the world');
      const fa = a.forward(ids), fb = b.forward(ids);
      const la = await fa.data(), lb = await fb.data();
      assert(la.every((v, i) => v === lb[i]), `${type}${cfg.tied ? ' tied' : ''}: streamed logits differ from the in-memory load`);
      assert(seen.length > 1 && seen[seen.length - 1][0] === bytes.length, `progress ${JSON.stringify(seen.slice(-2))}`);
      fa.dispose(); fb.dispose(); a.dispose(); b.dispose();
      assert(eg.memory().tensors === before, `${type}: two loads and disposes left ${eg.memory().tensors - before} tensors`);
      const cut = eg.memory().tensors;
      await expectThrows(() => eg.llm.load(chunked(bytes.subarray(0, bytes.length - 100))), /llm\.load: file truncated: tensor .* ends at byte/, `${type}: truncated stream`);
      assert(eg.memory().tensors === cut, `${type}: a truncated load left ${eg.memory().tensors - cut} tensors`);
    }
  });

  test('llm.load rejects unsupported architectures, missing tensors and bad tokenizers by name', async () => {
    const spec = tinyLlama(rng(915), small);
    const file = await eg.io.gguf.read(await writeTiny(eg, spec, 'F32'));
    const rewrite = async (patch, drop) => {
      const tensors = {};
      for (const t of file.tensors) if (t.name !== drop) tensors[t.name] = eg.io.gguf.dequantize(t);
      const bytes = await eg.io.gguf.write(null, { metadata: { ...file.metadata, ...patch }, types: file.types, tensors });
      for (const t of Object.values(tensors)) t.dispose();
      return bytes;
    };
    await expectThrows(async () => eg.llm.load(await rewrite({ 'general.architecture': 'mamba' })), /architecture 'mamba' is not supported/, 'architecture');
    await expectThrows(async () => eg.llm.load(await rewrite({}, 'blk.0.ffn_up.weight')), /lacks tensor blk\.0\.ffn_up\.weight/, 'missing tensor');
    await expectThrows(async () => eg.llm.load(await rewrite({ 'tokenizer.ggml.model': 'bert' })), /tokenizer model bert/, 'tokenizer');
  });
}
