// npm run bench -- llm section (also alone: node bench/llm.mjs [--quick]): prompt processing and
// decode tokens/s of a ~28M-parameter random llama GGUF (dim 512, 8 layers, ffn 1536) in F32,
// Q8_0, Q4_0 and Q4_K, edgegrad wasm (this process, one thread) against llama.cpp native through
// node-llama-cpp (threads = 1), side by side; peak RSS growth while loading. Writes
// bench/llm-results.json. Needs tests/llama installed (see .ci/run).
import { writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const eg = await import('../dist/edgegrad.node.js');
const { tinyLlama, writeTiny } = await import('../tests/conformance/_llama.js');
const pkg = new URL('../tests/llama/node_modules/node-llama-cpp/dist/index.js', import.meta.url);
const haveLlama = existsSync(pkg);
const llama = haveLlama ? await (await import(pkg.href)).getLlama({ gpu: false, build: 'never', logLevel: 'error', maxThreads: 1 }) : null;
const info = await eg.init({ backend: 'wasm' });
let s = 1;
const r = { normal: () => { s = (s * 16807) % 2147483647; const u = s / 2147483647; s = (s * 16807) % 2147483647; return Math.sqrt(-2 * Math.log(u + 1e-12)) * Math.cos(2 * Math.PI * s / 2147483647); } };
const spec = tinyLlama(r, { dim: 512, layers: 8, heads: 8, kvHeads: 8, ffn: 1536, ctx: 256 });
const params = Object.values(spec.weights).reduce((a, w) => a + w.data.length, 0);
const PROMPT = 64, DECODE = quick ? 16 : 64;
const dir = mkdtempSync(join(tmpdir(), 'eg-bench-llm-'));
const ids = Array.from({ length: PROMPT }, (_, i) => 259 + (i * 7) % 60);
const rows = [];
console.log(`llm bench: random llama, ${(params / 1e6).toFixed(1)}M parameters, prompt ${PROMPT}, decode ${DECODE}, one thread (edgegrad wasm ${info.backends.wasm.relaxedSimd ? 'relaxed' : 'simd'})`);
for (const type of ['F32', 'Q8_0', 'Q4_0', 'Q4_K']) {
  const bytes = await writeTiny(eg, spec, type);
  const rss0 = process.memoryUsage().rss;
  const lm = await eg.llm.load(bytes, { contextLength: 256 });
  const loadMB = (process.memoryUsage().rss - rss0) / 2 ** 20;
  // edgegrad: prompt as one forward, then greedy decode one token at a time from the cache
  const cache = lm.newCache();
  let t = performance.now();
  let logits = lm.forward(ids, { cache });
  await logits.slice([PROMPT - 1, 0], [1, spec.hp.V]).data();
  const pp = PROMPT / ((performance.now() - t) / 1000);
  logits.dispose();
  t = performance.now();
  for (let i = 0; i < DECODE; i++) { const l = lm.forward([259 + (i % 60)], { cache }); await l.data(); l.dispose(); }
  const tg = DECODE / ((performance.now() - t) / 1000);
  cache.dispose();
  lm.dispose();
  const row = { type, fileMB: bytes.length / 2 ** 20, edgegrad: { pp, tg, loadMB } };
  if (llama) {
    const path = join(dir, `${type}.gguf`);
    writeFileSync(path, bytes);
    const model = await llama.loadModel({ modelPath: path });
    const ctx = await model.createContext({ contextSize: 256, threads: 1, batchSize: 64 });
    const seq = ctx.getSequence();
    t = performance.now();
    await seq.controlledEvaluate(ids.map((id, i) => (i === PROMPT - 1 ? [id, { generateNext: { token: true } }] : id)));
    const lpp = PROMPT / ((performance.now() - t) / 1000);
    await seq.clearHistory();
    await seq.controlledEvaluate(ids);
    t = performance.now();
    let n = 0;
    for await (const _ of seq.evaluate([259], { temperature: 0 })) { if (++n === DECODE) break; }
    const ltg = DECODE / ((performance.now() - t) / 1000);
    row.llamaCpp = { pp: lpp, tg: ltg };
    await ctx.dispose();
    await model.dispose();
  }
  rows.push(row);
  const f = (x) => x.toFixed(1).padStart(7);
  console.log(`${type.padEnd(5)} ${row.fileMB.toFixed(1).padStart(6)} MB  edgegrad pp ${f(pp)} tg ${f(tg)} tok/s` +
    (row.llamaCpp ? `   llama.cpp pp ${f(row.llamaCpp.pp)} tg ${f(row.llamaCpp.tg)} tok/s   decode ratio ${(tg / row.llamaCpp.tg).toFixed(2)}` : '') +
    `   load +${loadMB.toFixed(0)} MB RSS`);
}
rmSync(dir, { recursive: true, force: true });
await llama?.dispose();
writeFileSync(new URL('./llm-results.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), params, prompt: PROMPT, decode: DECODE, rows }, null, 2) + '\n');
