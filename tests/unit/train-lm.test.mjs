// The training code of `npm run train:lm` (examples/llm/model.mjs) on a tiny config: AdamW
// steps lower the loss; the batched training forward pass is the decoder eg.llm runs on the
// GGUF it exports (logits equal); the byte encoding is the file's tokenizer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rng, SEED } from '../conformance/_util.js';
import { byteVocab, encodeBytes, initParams, train, forward, toGGUF } from '../../examples/llm/model.mjs';

const eg = await import('../../build/tsc/runtime/entry/node.js');
await eg.init({ backend: 'wasm', wasm: new URL('../../build/edgegrad.wasm', import.meta.url) });
const TINY = { dim: 32, layers: 1, heads: 2, ffn: 64, ctx: 64, eps: 1e-5, theta: 10000 };
const TEXT = 'In the beginning God created the heaven and the earth. And the earth was without form, and void. ';

test('AdamW steps on the training code lower the loss well below ln(vocab)', async () => {
  const p = initParams(eg, TINY, SEED);
  const tokens = encodeBytes(TEXT.repeat(20));
  const losses = await train(eg, p, TINY, tokens, { steps: 60, batch: 4, seq: 32, lr: 1e-2, warmup: 5, seed: SEED });
  eg.dispose(p);
  const V = byteVocab().tokens.length;
  const head = losses[0], tail = losses.slice(-5).reduce((a, b) => a + b) / 5;
  if (process.env.EG_VERBOSE) console.log(`loss ${head} -> ${tail}`);
  // at initialisation (N(0, 0.02) weights) the logits are nearly flat: ln V
  assert.ok(Math.abs(head - Math.log(V)) < 0.1, `first loss ${head}, ln V = ${Math.log(V)} [seed ${SEED}]`);
  assert.ok(losses.every(Number.isFinite));
  // the text has ~20 distinct bytes (ln 20 = 3.0) and repeats: the model must go well below that
  assert.ok(tail < 2.0, `loss fell only from ${head.toFixed(3)} to ${tail.toFixed(3)} in 60 steps [seed ${SEED}]`);
});

test('the exported GGUF (F32) runs the training forward pass: eg.llm logits equal', async () => {
  const p = initParams(eg, TINY, SEED + 1);
  // move the parameters away from their initial values so every tensor matters (norms too)
  const r = rng(7);
  const jitter = (t) => eg.add(t, eg.tensor(Float32Array.from({ length: t.size }, () => 0.05 * r.normal()), t.shape));
  const q = { embed: jitter(p.embed), outNorm: jitter(p.outNorm), output: jitter(p.output), layers: p.layers.map((L) => Object.fromEntries(Object.entries(L).map(([k, t]) => [k, jitter(t)]))) };
  eg.dispose(p);
  const text = 'And God saw the light, that it was good: ünï';
  const ids = encodeBytes(text);
  const trained = forward(eg, q, TINY, ids, 1, ids.length);
  const want = await trained.data();
  trained.dispose();
  const lm = await eg.llm.load(await toGGUF(eg, q, TINY, 'F32'));
  assert.equal(lm.tokenizer.encode(text), Array.from(ids), 'encodeBytes is the tokenizer of the file');
  assert.is(lm.tokenizer.decode(Array.from(ids)), text);
  const logits = lm.forward(Array.from(ids));
  const got = await logits.data();
  logits.dispose();
  lm.dispose();
  eg.dispose(q);
  let worst = 0, scale = 0;
  for (let i = 0; i < got.length; i++) { worst = Math.max(worst, Math.abs(got[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
  if (process.env.EG_VERBOSE) console.log(`max |Δlogit| ${worst}, max |logit| ${scale}`);
  assert.ok(worst <= 1e-4 * Math.max(1, scale), `max |Δlogit| ${worst} (max |logit| ${scale}) [seed ${SEED}]`);
});

test.run();
