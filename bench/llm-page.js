// The browser half of the llm bench (bench/llm.mjs serves it): edgegrad's wasm backend and
// wllama (llama.cpp compiled to wasm, single thread, CPU only) on the same GGUF files in this
// one page, runs interleaved with the order alternating. window.__llmBench(opts) -> rows.
import * as eg from '/dist/edgegrad.browser.js';
import { Wllama } from '/node_modules/@wllama/wllama/esm/index.js';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
/** Medians, and the best round (steadier when other work shares the machine). */
const stats = (xs) => ({ pp: median(xs.map((x) => x.pp)), tg: median(xs.map((x) => x.tg)), bestPp: Math.max(...xs.map((x) => x.pp)), bestTg: Math.max(...xs.map((x) => x.tg)) });
const quiet = { debug() {}, log() {}, warn() {}, error: (...a) => console.error(...a) };

async function edgegradRun(lm, ids, decode) {
  const cache = lm.newCache();
  let t = performance.now();
  const logits = lm.forward(ids, { cache });
  const last = logits.slice([ids.length - 1, 0], [1, lm.config.vocabSize]);
  await last.data();
  last.dispose();
  logits.dispose();
  const pp = ids.length / ((performance.now() - t) / 1000);
  t = performance.now();
  let peak = eg.memory().bytes;
  for (let i = 0; i < decode; i++) {
    const l = lm.forward([259 + (i % 60)], { cache });
    await l.data();
    l.dispose();
  }
  peak = Math.max(peak, eg.memory().bytes);
  const tg = decode / ((performance.now() - t) / 1000);
  cache.dispose();
  return { pp, tg, peakMB: peak / 2 ** 20 };
}

// The random model may pick byte tokens that are partial UTF-8, which llama-server's JSON
// reply rejects: those ids (3..258 in the test vocabulary) are banned by a logit bias.
const NO_BYTES = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [String(3 + i), -100]));

async function wllamaRun(w, prompt, decode) {
  const res = await w.createCompletion({ prompt, max_tokens: decode, temperature: 0, ignore_eos: true, cache_prompt: false, logit_bias: NO_BYTES });
  const t = res.timings ?? {};
  return { pp: t.prompt_per_second, tg: t.predicted_per_second, promptTokens: t.prompt_n, decoded: t.predicted_n };
}

window.__llmBench = async ({ types, prompt: P, decode, rounds }) => {
  const info = await eg.init({ backend: 'wasm' });
  const rows = [];
  for (const type of types) {
    const bytes = new Uint8Array(await (await fetch(`/models/${type}.gguf`)).arrayBuffer());
    const lm = await eg.llm.load(bytes, { contextLength: 256 });
    const ids = Array.from({ length: P }, (_, i) => 259 + (i * 7) % 60);
    const text = lm.tokenizer.decode(ids);
    const w = new Wllama({ default: '/node_modules/@wllama/wllama/esm/wasm/wllama.wasm' }, { logger: quiet, suppressNativeLog: true });
    await w.loadModel([new Blob([bytes])], { n_ctx: 256, n_batch: 64, n_ubatch: 64, n_threads: 1, n_gpu_layers: 0, warmup: true });
    // warm-up of both, then interleaved rounds
    await edgegradRun(lm, ids.slice(0, 8), 4);
    await wllamaRun(w, text.slice(0, 16), 4);
    const e = [], l = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2) { l.push(await wllamaRun(w, text, decode)); e.push(await edgegradRun(lm, ids, decode)); }
      else { e.push(await edgegradRun(lm, ids, decode)); l.push(await wllamaRun(w, text, decode)); }
    }
    lm.dispose();
    await w.exit();
    rows.push({
      type,
      edgegrad: { ...stats(e), peakMB: Math.max(...e.map((x) => x.peakMB)) },
      wllama: { ...stats(l), promptTokens: l[0].promptTokens, decoded: l[0].decoded },
    });
  }
  return { relaxedSimd: info.backends.wasm.relaxedSimd, userAgent: navigator.userAgent, rows };
};
window.__llmReady = true;
