// The model `npm run train:lm` trained and shipped in examples/llm (kjv-bytes-{f32,q8_0,q4_k}.gguf)
// in edgegrad and in llama.cpp (node-llama-cpp 3.21.1, CPU, one thread, float32 KV cache):
// the same token ids, greedy generations token for token on F32 and Q8_0, and Q4_K logits
// within the bound of tests/unit/llama-cpp.test.mjs (scaled to this model's logits, below). Also: the files are what the training
// wrote (sizes in kjv-bytes.json, ≤ 10 MB together) and its greedy sample is reproduced.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { llama } from '../llama/llama.mjs';

const eg = await import('../../build/tsc/runtime/entry/node.js');
const wasm = new URL('../../build/edgegrad.wasm', import.meta.url);
const file = (type) => fileURLToPath(new URL(`../../examples/llm/kjv-bytes-${type.toLowerCase()}.gguf`, import.meta.url));
const trained = JSON.parse(readFileSync(new URL('../../examples/llm/kjv-bytes.json', import.meta.url), 'utf8'));
const PROMPTS = ['And God said unto', 'In the beginning', 'Blessed are the', 'And it came to pass, when'];
const STEPS = 32;

async function openBoth(type) {
  const model = await llama.loadModel({ modelPath: file(type) });
  const context = await model.createContext({ contextSize: 256, threads: 1, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
  const lm = await eg.llm.load(file(type));
  return { model, seq: context.getSequence(), lm, async close() { lm.dispose(); await context.dispose(); await model.dispose(); } };
}

test('the shipped files are the trained model: ≤ 10 MB together, sizes as trained', () => {
  let total = 0;
  for (const type of ['F32', 'Q8_0', 'Q4_K']) {
    const size = statSync(file(type)).size;
    assert.is(size, trained.files[type], `${type}: ${size} bytes, the training wrote ${trained.files[type]}`);
    total += size;
  }
  assert.ok(total <= 10 * 2 ** 20, `${total} bytes`);
});

for (const type of ['F32', 'Q8_0']) {
  test(`${type}: greedy generations are llama.cpp's token for token (wasm), and the training's sample`, async () => {
    await eg.init({ backend: 'wasm', wasm });
    const b = await openBoth(type);
    try {
      for (const prompt of PROMPTS) {
        const ids = b.lm.tokenizer.encode(prompt);
        assert.equal(ids, [...b.model.tokenize(prompt, false)], `token ids of ${JSON.stringify(prompt)}`);
        const theirs = [];
        for await (const t of b.seq.evaluate(ids, { temperature: 0 })) { theirs.push(t); if (theirs.length === STEPS) break; }
        await b.seq.clearHistory();
        const ours = [];
        for await (const t of b.lm.generate(prompt, { temperature: 0, maxTokens: STEPS })) ours.push(t.id);
        assert.equal(ours, theirs, `${type} after ${JSON.stringify(prompt)}: ours ${JSON.stringify(b.lm.tokenizer.decode(ours))}, llama.cpp ${JSON.stringify(b.lm.tokenizer.decode(theirs))}`);
        if (process.env.EG_VERBOSE) console.log(type, JSON.stringify(prompt + b.lm.tokenizer.decode(ours)));
      }
      let text = '';
      for await (const t of b.lm.generate('And God said unto', { temperature: 0, maxTokens: 120 })) text += t.text;
      assert.is('And God said unto' + text, trained.samples[type], `${type}: the sample train:lm printed`);
    } finally { await b.close(); }
  });
}

/**
 * Q4_K: llama.cpp's bound of tests/unit/llama-cpp.test.mjs (max 0.25, mean 0.03), which is
 * stated for models whose logits have RMS ≈ 1, in units of each row's logit RMS here (this
 * model's logits spread over ~6.5): differences come from llama.cpp quantizing activations to
 * Q8_K, and grow with the logits' scale. On the tokens within 1e-2 of the top probability (all
 * that sampling picks) the bound holds in plain nats too.
 */
test('the README quotes a sampled continuation the Q8_0 model gives (wasm)', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s*\n\s*/g, ' ');
  const m = /lm\.generate\('([^']+)', \{ temperature: ([\d.]+), seed: (\d+), maxTokens: (\d+) \}\)` goes on "([^"]+)"/.exec(readme);
  assert.ok(m, 'the README has the sampled continuation');
  await eg.init({ backend: 'wasm', wasm });
  const lm = await eg.llm.load(file('Q8_0'));
  let text = '';
  for await (const t of lm.generate(m[1], { temperature: Number(m[2]), seed: Number(m[3]), maxTokens: Number(m[4]) })) text += t.text;
  lm.dispose();
  assert.is(text, m[5]);
});

test('Q4_K: logits within llama.cpp\'s bound (in units of the logit RMS; plain nats near the top), js and wasm', async () => {
  for (const backend of ['js', 'wasm']) {
    await eg.init({ backend, wasm });
    const b = await openBoth('Q4_K');
    try {
      const ids = b.lm.tokenizer.encode(PROMPTS.join(' '));
      const res = await b.seq.controlledEvaluate(ids.map((id) => [id, { generateNext: { probabilities: true } }]));
      await b.seq.clearHistory();
      const logits = b.lm.forward(ids);
      const got = await logits.data();
      logits.dispose();
      const V = b.lm.config.vocabSize;
      let worst = 0, sum = 0, n = 0, top = 0;
      res.forEach((r, i) => {
        const row = got.subarray(i * V, (i + 1) * V);
        const mx = Math.max(...row), mean = row.reduce((a, x) => a + x, 0) / V;
        const rms = Math.sqrt(row.reduce((a, x) => a + (x - mean) ** 2, 0) / V);
        const P = r.next.probabilities;
        const pmax = Math.max(...P.values());
        for (const [tok, p] of P) {
          if (p < pmax * 1e-6) continue;
          const d = Math.abs(Math.log(p / pmax) - (row[tok] - mx));
          if (p >= pmax * 1e-2) top = Math.max(top, d);
          worst = Math.max(worst, d / rms); sum += d / rms; n++;
        }
      });
      if (process.env.EG_VERBOSE) console.log('Q4_K', backend, 'max/rms', worst.toFixed(4), 'mean/rms', (sum / n).toFixed(4), 'max near the top', top.toFixed(4), n);
      assert.ok(n > ids.length * 5, `only ${n} comparable probabilities`);
      assert.ok(worst <= 0.25 && sum / n <= 0.03, `${backend} Q4_K: max |Δlogit| / RMS ${worst.toFixed(4)} (bound 0.25), mean ${(sum / n).toFixed(4)} (bound 0.03)`);
      assert.ok(top <= 0.25, `${backend} Q4_K: max |Δlogit| ${top.toFixed(4)} nats on the tokens within 1e-2 of the top (bound 0.25)`);
      if (backend === 'wasm') {
        let text = '';
        for await (const t of b.lm.generate('And God said unto', { temperature: 0, maxTokens: 120 })) text += t.text;
        assert.is('And God said unto' + text, trained.samples.Q4_K, 'Q4_K: the sample train:lm printed');
      }
    } finally { await b.close(); }
  }
});

test.after(async () => { await llama.dispose(); });
test.run();
