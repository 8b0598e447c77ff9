// npm run train:lm: trains the byte-level llama of model.mjs on the King James Bible (public
// domain; Debian's bible-kjv-text, read through its `bible` program) with edgegrad's autodiff
// and AdamW on the wasm backend, for a bounded time, and writes it as GGUF in F32, Q8_0 and
// Q4_K next to this file, with what the run measured in kjv-bytes.json.
//   apt-get install bible-kjv && npm run train:lm [-- --minutes 13 --corpus file.txt]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as eg from 'edgegrad';
import { CONFIG, encodeBytes, initParams, train, loss, batcher, toGGUF } from './model.mjs';

const here = (f) => new URL(f, import.meta.url);
const TYPES = ['F32', 'Q8_0', 'Q4_K'];
const fileOf = (type) => here(`kjv-bytes-${type.toLowerCase()}.gguf`);

/** One verse a line, without the references ("Ge1:1 In the beginning..." -> "In the beginning..."). */
function kjv(corpus) {
  let raw;
  if (corpus) raw = readFileSync(corpus, 'utf8');
  else {
    try { raw = execFileSync('bible', ['-f', 'Gen1:1-Rev22:21'], { encoding: 'utf8', maxBuffer: 64 << 20 }); }
    catch (e) { throw new Error(`the corpus comes from Debian's bible-kjv (apt-get install bible-kjv), or pass --corpus FILE: ${e.message}`); }
  }
  return raw.replace(/^\S+\d+:\d+ /gm, '');
}

const { values: args } = parseArgs({ options: { minutes: { type: 'string', default: '13' }, corpus: { type: 'string' }, steps: { type: 'string', default: '100000' } } });
const info = await eg.init({ backend: 'wasm' });
const text = kjv(args.corpus);
const tokens = encodeBytes(text);
// the last 2% (the end of Revelation) is held out
const cut = Math.floor(tokens.length * 0.98);
const trainTokens = tokens.subarray(0, cut), heldOut = tokens.subarray(cut);
// whole-context windows: positions past the training length would be new to the model
const batch = 4, seq = CONFIG.ctx;
const p = initParams(eg, CONFIG, 0);
let count = 0;
for (const t of [p.embed, p.outNorm, p.output, ...p.layers.flatMap((L) => Object.values(L))]) count += t.size;
console.log(`train:lm: ${count} parameters ${JSON.stringify(CONFIG)}, ${trainTokens.length} training bytes, batch ${batch}x${seq}, ${info.selected} backend, up to ${args.minutes} min`);

const t0 = performance.now();
const losses = await train(eg, p, CONFIG, trainTokens, {
  steps: Number(args.steps), seconds: Number(args.minutes) * 60, batch, seq, lr: 3e-3, warmup: 30, every: 25,
  log: ({ step, loss: l, ms }) => console.log(`step ${step}  loss ${l.toFixed(3)}  ${(ms / 1000).toFixed(0)} s`),
});
const seconds = (performance.now() - t0) / 1000;

// held-out loss: 16 fixed batches, no gradients
const next = batcher(heldOut, batch, seq, 7);
let sum = 0;
for (let i = 0; i < 16; i++) {
  const l = eg.scope(() => loss(eg, p, CONFIG, next(), batch, seq));
  sum += await l.item();
  l.dispose();
}
const tail = losses.slice(-50);
const result = {
  parameters: count, config: CONFIG, steps: losses.length, seconds: Math.round(seconds), tokensSeen: losses.length * batch * seq,
  firstLoss: losses[0], trainLoss: tail.reduce((a, b) => a + b, 0) / tail.length, heldOutLoss: sum / 16,
  files: {}, samples: {},
};
console.log(`train:lm: ${losses.length} steps in ${seconds.toFixed(0)} s; loss ${result.firstLoss.toFixed(3)} -> ${result.trainLoss.toFixed(3)} nats/byte (held out ${result.heldOutLoss.toFixed(3)})`);

const prompt = 'And God said unto';
for (const type of TYPES) {
  const bytes = await toGGUF(eg, p, CONFIG, type);
  writeFileSync(fileOf(type), bytes);
  const lm = await eg.llm.load(bytes);
  let out = '';
  for await (const tok of lm.generate(prompt, { maxTokens: 120, temperature: 0 })) out += tok.text;
  lm.dispose();
  result.files[type] = bytes.length;
  result.samples[type] = prompt + out;
  console.log(`${type}: ${bytes.length} bytes; greedy: ${JSON.stringify(prompt + out)}`);
}
writeFileSync(here('kjv-bytes.json'), JSON.stringify(result, null, 2) + '\n');
eg.dispose(p);
