// edgegrad against llama.cpp (node-llama-cpp 3.21.1, its prebuilt CPU binary, one thread) on
// GGUF files the test writes itself: tiny random llama models, every weight type. Logits are
// compared up to llama.cpp's shift (log p_i - log p_max from its softmax); greedy generations
// token for token. llama.cpp keeps a float32 KV cache here (its default F16 would round K/V).
// node-llama-cpp is installed apart from the root package:
//   (cd tests/llama && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --omit=optional)
// Reproduce a failure with EG_SEED=<printed seed> node tests/unit/llama-cpp.test.mjs
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng, SEED } from '../conformance/_util.js';
import { tinyLlama, writeTiny } from '../conformance/_llama.js';
import { llama } from '../llama/llama.mjs';

const eg = await import('../../build/tsc/runtime/entry/node.js');
const wasm = new URL('../../build/edgegrad.wasm', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'eg-llama-'));

/**
 * Largest and mean |Δ| of logits relative to each row's maximum, over the tokens llama.cpp
 * gives a probability of at least 1e-6 of the top one. The models' logits have RMS ≈ 1.
 * llama.cpp rounds activations to f16 (F16 weights) or quantizes them to 8 bits (Q8_0 for
 * the 32-blocks, Q8_K for the K-quants) before each product; edgegrad's js reference does not,
 * so the quantized types get the wider bound.
 */
const TOL = {
  F32: { max: 0.01, mean: 0.002 }, F16: { max: 0.02, mean: 0.004 },
  Q8_0: { max: 0.2, mean: 0.03 }, Q4_0: { max: 0.2, mean: 0.03 }, Q5_0: { max: 0.2, mean: 0.03 },
  Q4_K: { max: 0.25, mean: 0.03 }, Q6_K: { max: 0.25, mean: 0.03 },
};

async function openBoth(bytes, name, ctx = 64) {
  const path = join(dir, `${name}.gguf`);
  writeFileSync(path, bytes);
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize: ctx, threads: 1, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
  return { model, context, seq: context.getSequence(), lm: await eg.llm.load(bytes), async close() { this.lm.dispose(); await context.dispose(); await model.dispose(); } };
}

const PROMPTS = ['hello world, and the end!', 'the thing in the north', 'zebra ünïcödé 日本 ok?'];

for (const backend of ['js', 'wasm']) {
  test(`${backend}: logits match llama.cpp for F32, F16, Q8_0, Q4_0, Q5_0, Q4_K, Q6_K`, async () => {
    await eg.init({ backend, wasm });
    const spec = tinyLlama(rng(301), { dim: 256, ffn: 512, heads: 4, kvHeads: 2 });
    for (const type of Object.keys(TOL)) {
      const b = await openBoth(await writeTiny(eg, spec, type), `${backend}-${type}`);
      try {
        const ids = b.lm.tokenizer.encode(PROMPTS[0]);
        const res = await b.seq.controlledEvaluate(ids.map((id) => [id, { generateNext: { probabilities: true } }]));
        const logits = b.lm.forward(ids);
        const got = await logits.data();
        logits.dispose();
        const V = spec.hp.V;
        let worst = 0, sum = 0, n = 0;
        res.forEach((r, i) => {
          const P = r.next.probabilities;
          const pmax = Math.max(...P.values());
          let mx = -Infinity;
          for (let j = 0; j < V; j++) mx = Math.max(mx, got[i * V + j]);
          for (const [tok, p] of P) {
            if (p < pmax * 1e-6) continue;
            const d = Math.abs(Math.log(p / pmax) - (got[i * V + tok] - mx));
            worst = Math.max(worst, d); sum += d; n++;
          }
        });
        if (process.env.EG_VERBOSE) console.log(backend, type, worst.toFixed(4), (sum / n).toFixed(4));
        assert.ok(n > ids.length * 50, `${type}: only ${n} comparable probabilities`);
        assert.ok(worst <= TOL[type].max && sum / n <= TOL[type].mean,
          `${backend} ${type}: max |Δlogit| ${worst.toFixed(4)} (bound ${TOL[type].max}), mean ${(sum / n).toFixed(4)} (bound ${TOL[type].mean}) [seed ${SEED}]`);
      } finally { await b.close(); }
    }
  });
}

test('tokenizer ids equal llama.cpp on ASCII, punctuation and byte-fallback text', async () => {
  await eg.init({ backend: 'wasm', wasm });
  const spec = tinyLlama(rng(302), { dim: 64, ffn: 128 });
  const b = await openBoth(await writeTiny(eg, spec, 'F32'), 'tok');
  try {
    for (const text of [...PROMPTS, ' leading space', 'a  b\n\ttab', '']) {
      const ours = b.lm.tokenizer.encode(text, { bos: false });
      const theirs = [...b.model.tokenize(text, false)];
      assert.equal(ours, theirs, `tokens of ${JSON.stringify(text)}`);
      assert.equal(b.lm.tokenizer.decode(ours), text, `round trip of ${JSON.stringify(text)}`);
    }
  } finally { await b.close(); }
});

/**
 * Greedy decoding along llama.cpp's own greedy path (24 tokens per prompt): at every step
 * whose top-2 gap in llama.cpp's softmax is at least GAP, edgegrad's argmax (from the cache,
 * one token at a time) must be llama.cpp's token; closer calls are within the logit tolerance
 * above and either choice is right (the head here has logit RMS ≈ 10; gaps in those units).
 * generate() itself must reproduce the path up to the first such near-tie.
 */
const GAP = { F32: 0.05, Q8_0: 1.0 };
for (const type of ['F32', 'Q8_0']) {
  test(`greedy generation is token for token llama.cpp's (${type}, wasm)`, async () => {
    await eg.init({ backend: 'wasm', wasm });
    const spec = tinyLlama(rng(303), { dim: 256, ffn: 512, heads: 4, kvHeads: 2, outScale: 10, ctx: 128 });
    const b = await openBoth(await writeTiny(eg, spec, type), `gen-${type}`, 128);
    let checked = 0, steps = 0;
    try {
      for (const prompt of PROMPTS) {
        const ids = b.lm.tokenizer.encode(prompt);
        const theirs = [];
        for await (const t of b.seq.evaluate(ids, { temperature: 0 })) { theirs.push(t); if (theirs.length === 24) break; }
        await b.seq.clearHistory();
        const path = [...ids, ...theirs.slice(0, -1)];
        const res = await b.seq.controlledEvaluate(path.map((id) => [id, { generateNext: { probabilities: true } }]));
        await b.seq.clearHistory();
        const clear = theirs.map((_, n) => {
          const [[, p1], [, p2]] = [...res[ids.length - 1 + n].next.probabilities.entries()];
          return Math.log(p1 / p2) >= GAP[type];
        });
        const cache = b.lm.newCache();
        try {
          let logits = b.lm.forward(ids, { cache });
          for (let n = 0; n < theirs.length; n++) {
            const last = await logits.slice([logits.shape[0] - 1, 0], [1, spec.hp.V]).argmax(-1).data();
            logits.dispose();
            steps++;
            if (clear[n]) { checked++; assert.is(last[0], theirs[n], `${type} step ${n} after ${JSON.stringify(prompt)} [seed ${SEED}]`); }
            logits = b.lm.forward([theirs[n]], { cache });
          }
          logits.dispose();
        } finally { cache.dispose(); }
        const upTo = clear.indexOf(false) < 0 ? theirs.length : clear.indexOf(false);
        const ours = [];
        for await (const t of b.lm.generate(ids, { temperature: 0, maxTokens: upTo })) ours.push(t.id);
        assert.equal(ours, theirs.slice(0, upTo), `${type} generate() after ${JSON.stringify(prompt)} [seed ${SEED}]`);
      }
      assert.ok(checked >= steps / 2, `only ${checked} of ${steps} steps were clear of near-ties [seed ${SEED}]`);
      if (process.env.EG_VERBOSE) console.log(type, 'checked', checked, 'of', steps);
    } finally { await b.close(); }
  });
}

test.after(async () => { rmSync(dir, { recursive: true, force: true }); await llama.dispose(); console.log(`# seed ${SEED}`); });
test.run();
