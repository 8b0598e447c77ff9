// A llama-architecture decoder (llama, SmolLM, Qwen2: GQA, NORM/NEOX rope, tied embeddings,
// q/k/v bias) loaded from GGUF. Quantized weights stay packed and go through qmatmul;
// F32/F16/BF16 weights become float32 tensors. Everything is built from public ops.
import { EdgegradError } from '../../runtime/errors.js';
import { openStream, type ByteSource, type Progress } from '../../runtime/files.js';
import { GGML_TYPES } from '../../runtime/ggml.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { tensor } from '../creation.js';
import { scope, keep } from '../memory.js';
import { parse, readStreamed, decodable, dequantize, quantized, type GGUFFile, type GGUFTensorInfo } from '../io/gguf.js';
import { QuantizedTensor } from '../quant/qtensor.js';
import { linear as qlinear } from '../quant/linear.js';
import { rope, attention, swiglu, embedding } from '../nn/transformer.js';
import { ropeTable, ropeKernel, attendRows, attendsHeadDim, writeInto, grownFrom } from '../nn/fused.js';
import { isRecording } from '../autodiff/tape.js';
import { fromGGUF, type Tokenizer } from './tokenizer.js';
import { sampler, type SampleOptions } from './sample.js';

export interface LoadOptions {
  onProgress?: Progress;
  /** Tokens the cache holds (default: the model's context_length, at most 4096). */
  contextLength?: number;
}

export interface LlamaConfig {
  architecture: string;
  vocabSize: number;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffnDim: number;
  eps: number;
  ropeTheta: number;
  ropeMode: 'norm' | 'neox';
  ropeDims: number;
  contextLength: number;
}

type Weight = Tensor | QuantizedTensor;
interface Layer { attnNorm: Tensor; wq: Weight; wk: Weight; wv: Weight; wo: Weight; bq?: Tensor; bk?: Tensor; bv?: Tensor; ffnNorm: Tensor; gate: Weight; up: Weight; down: Weight }

const ARCHS: Record<string, 'norm' | 'neox'> = { llama: 'norm', qwen2: 'neox' };

/** Length of the longest end of `text` that is the start of a stop string. */
function heldBack(text: string, stops: readonly string[]): number {
  let keep = 0;
  for (const s of stops) for (let k = Math.min(s.length - 1, text.length); k > keep; k--) if (text.endsWith(s.slice(0, k))) { keep = k; break; }
  return keep;
}

/** Keys and values of the tokens seen so far, per layer: [rows, kvHeads·headDim] storage
 *  written in place, of which the first `length` rows are filled; rows grow by doubling. */
export class KVCache {
  /** @internal */ k: (Tensor | null)[];
  /** @internal */ v: (Tensor | null)[];
  length = 0;
  constructor(layers: number, readonly capacity: number) {
    this.k = new Array(layers).fill(null);
    this.v = new Array(layers).fill(null);
  }
  dispose(): void {
    for (const t of [...this.k, ...this.v]) t?.dispose();
    this.k.fill(null);
    this.v.fill(null);
    this.length = 0;
  }
  [Symbol.dispose](): void { this.dispose(); }
}

/** Rows a cache layer holds for `need` tokens: doubling from 64, at most the capacity. */
function cacheRows(have: number, need: number, capacity: number): number {
  let rows = Math.max(have, 64);
  while (rows < need) rows *= 2;
  return Math.min(rows, capacity);
}

export interface GenerateOptions extends SampleOptions {
  maxTokens?: number;
  /** Generation ends before any of these strings. */
  stop?: string | string[];
}

export class LanguageModel {
  private disposed = false;
  constructor(
    readonly config: LlamaConfig,
    readonly tokenizer: Tokenizer,
    private readonly embedTable: Tensor,
    private readonly layers: Layer[],
    private readonly outNorm: Tensor,
    private readonly output: Weight,
  ) {}

  newCache(): KVCache { return new KVCache(this.config.layers, this.config.contextLength); }

  /** Logits [ids.length, vocab]; with a cache the ids continue the cached sequence (and are added to it). */
  forward(ids: readonly number[], opts: { cache?: KVCache } = {}): Tensor {
    return this.run(ids, opts.cache, 'logits');
  }

  /** Mean-pooled final hidden state of the text, L2-normalised -> [dim]. */
  embed(text: string): Tensor {
    const ids = this.tokenizer.encode(text);
    return scope(() => {
      const h = this.run(ids, undefined, 'hidden');
      const m = o.mean(h, 0);
      return o.div(m, o.sqrt(o.sum(o.square(m))));
    });
  }

  async *generate(prompt: string | readonly number[], opts: GenerateOptions = {}): AsyncGenerator<{ id: number; text: string }> {
    this.live('llm.generate');
    const ids = typeof prompt === 'string' ? this.tokenizer.encode(prompt) : [...prompt];
    const maxTokens = opts.maxTokens ?? 128;
    const stops = opts.stop === undefined ? [] : Array.isArray(opts.stop) ? opts.stop : [opts.stop];
    const pick = sampler(opts);
    const cache = this.newCache();
    const utf8 = new TextDecoder();
    let logits: Tensor | null = null;
    // Text that might begin a stop string is held back; each token's text is yielded one
    // token late, so held text can still be given to the token it belongs with.
    let text = '', emitted = 0;
    let pending: { id: number; text: string } | null = null;
    try {
      logits = this.run(ids, cache, 'last');
      for (let n = 0; n < maxTokens; n++) {
        const row = logits.shape[0] - 1;
        const last = o.slice(logits, [row, 0], [1, this.config.vocabSize]);
        const values = (await last.data()) as Float32Array;
        last.dispose();
        logits.dispose();
        logits = null;
        const id = pick(values);
        if (id === this.tokenizer.eos) break;
        const from = Math.max(0, emitted - 1);
        text += utf8.decode(this.tokenizer.decodeBytes([id], false), { stream: true });
        const hits = stops.map((s) => text.indexOf(s, Math.max(0, from - s.length))).filter((i) => i >= 0);
        if (hits.length) {
          // the text before the stop ends the generation (with this token, if any of it is new)
          const cut = text.slice(emitted, Math.max(emitted, Math.min(...hits)));
          if (pending) yield pending;
          pending = null;
          if (cut) yield { id, text: cut };
          return;
        }
        const safe = text.length - heldBack(text, stops);
        if (pending) yield pending;
        pending = { id, text: text.slice(emitted, safe) };
        emitted = safe;
        if (n + 1 === maxTokens || cache.length >= cache.capacity) break;
        logits = this.run([id], cache, 'last');
      }
      if (pending) { pending.text += text.slice(emitted) + utf8.decode(); yield pending; }
    } finally {
      logits?.dispose();
      cache.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const ws: Weight[] = [this.embedTable, this.outNorm, this.output];
    for (const l of this.layers) ws.push(...(Object.values(l) as Weight[]));
    for (const w of new Set(ws)) w.dispose();
  }

  private live(op: string): void {
    if (this.disposed) throw new EdgegradError(op, 'the model was disposed', 'Load it again');
  }

  /** 'logits' [T, vocab]; 'last' the logits of the last position only [1, vocab]; 'hidden' [T, dim]. */
  private run(ids: readonly number[], cache: KVCache | undefined, want: 'logits' | 'last' | 'hidden'): Tensor {
    const op = want === 'hidden' ? 'llm.embed' : 'llm.forward';
    this.live(op);
    const c = this.config;
    if (!Array.isArray(ids) || ids.length === 0) throw new EdgegradError(op, 'ids must be a non-empty array of token ids', 'Encode text with lm.tokenizer.encode');
    for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= c.vocabSize)
      throw new EdgegradError(op, `token id ${String(id)} is not an integer in [0, ${c.vocabSize})`, 'Pass ids from lm.tokenizer.encode');
    const T = ids.length, pos0 = cache?.length ?? 0, S = pos0 + T;
    const capacity = cache?.capacity ?? c.contextLength;
    if (S > capacity)
      throw new EdgegradError(op, `the context is full: ${pos0} cached + ${T} new tokens > contextLength ${capacity}`, 'Start a new cache, shorten the prompt, or load with a larger contextLength');
    const ropeOpts = { theta: c.ropeTheta, mode: c.ropeMode, dims: c.ropeDims };
    const W = c.kvHeads * c.headDim, scale = 1 / Math.sqrt(c.headDim);
    const lin = (x: Tensor, w: Weight, b?: Tensor): Tensor => {
      if (w instanceof QuantizedTensor) return qlinear(x, w, b);
      const y = o.matmul(x, w, { transposeB: true });
      return b ? o.add(y, b) : y;
    };
    // cache layers grown in this call: kept out of scopes (the cache owns them), freed on failure
    const ks: (Tensor | null)[] = cache ? [...cache.k] : [], vs: (Tensor | null)[] = cache ? [...cache.v] : [];
    const grown: Tensor[] = [];
    let result: Tensor;
    try {
    result = scope(() => {
      // one cos/sin table for every layer's q and k (the fused rope; a trace takes nn.rope's ops)
      const fused = !isRecording();
      const cs = fused ? tensor(ropeTable(Array.from({ length: T }, (_, i) => pos0 + i), c.ropeDims, c.ropeTheta), [T, c.ropeDims]) : null;
      const turn = (t: Tensor): Tensor => (cs ? ropeKernel(t, cs, c.ropeDims, c.ropeMode === 'neox') : rope(t, pos0, ropeOpts));
      let x = embedding(this.embedTable, ids);
      this.layers.forEach((L, l) => {
        const h = o.rmsNorm(x, L.attnNorm, { eps: c.eps });
        const q = turn(o.reshape(lin(h, L.wq, L.bq), [T, c.heads, c.headDim]));
        const k = turn(o.reshape(lin(h, L.wk, L.bk), [T, c.kvHeads, c.headDim]));
        const v = o.reshape(lin(h, L.wv, L.bv), [T, c.kvHeads, c.headDim]);
        let a: Tensor;
        if (cache) {
          // the new rows go into the cache's storage in place (grown by doubling when full)
          const rows = cache.k[l]?.shape[0] ?? 0;
          const grow = (old: Tensor | null, fresh: Tensor): Tensor => {
            const n = cacheRows(rows, S, capacity);
            const g = keep(!old || pos0 === 0 ? grownFrom(op, fresh, n) : grownFrom(op, old, n));
            grown.push(g);
            if (old && pos0 > 0) writeInto(op, g, fresh, pos0 * W);
            return g;
          };
          let kc = cache.k[l], vc = cache.v[l];
          if (!kc || !vc || rows < S) { kc = ks[l] = grow(kc, o.reshape(k, [T, W])); vc = vs[l] = grow(vc, o.reshape(v, [T, W])); }
          else { writeInto(op, kc, k, pos0 * W); writeInto(op, vc, v, pos0 * W); }
          if (T === 1 && fused && attendsHeadDim(c.headDim)) a = attendRows(q, kc, vc, S, c.kvHeads, scale);
          else {
            const part = (t: Tensor) => (t.shape[0] === S ? o.reshape(t, [S, c.kvHeads, c.headDim]) : o.reshape(o.slice(t, [0, 0], [S, W]), [S, c.kvHeads, c.headDim]));
            a = attention(q, part(kc), part(vc), { offset: pos0 });
          }
        } else a = attention(q, k, v, { offset: 0 });
        x = o.add(x, lin(o.reshape(a, [T, c.heads * c.headDim]), L.wo));
        const h2 = o.rmsNorm(x, L.ffnNorm, { eps: c.eps });
        x = o.add(x, lin(swiglu(lin(h2, L.gate), lin(h2, L.up)), L.down));
      });
      if (want === 'last' && T > 1) x = o.slice(x, [T - 1, 0], [1, c.dim]);
      const out = o.rmsNorm(x, this.outNorm, { eps: c.eps });
      return want === 'hidden' ? out : lin(out, this.output);
    });
    } catch (e) {
      for (const g of grown) g.dispose();
      throw e;
    }
    if (cache) {
      for (let l = 0; l < c.layers; l++) {
        if (cache.k[l] !== ks[l]) cache.k[l]?.dispose();
        if (cache.v[l] !== vs[l]) cache.v[l]?.dispose();
      }
      cache.k = ks;
      cache.v = vs;
      cache.length = S;
    }
    return result;
  }
}

/**
 * A Response, URL or path is streamed: each tensor goes into backend storage as its bytes
 * arrive and the bytes are let go, so loading peaks near the file's size plus its largest
 * tensor, not twice the file (bytes already in memory are used as they are).
 */
export async function load(source: ByteSource, opts: LoadOptions = {}): Promise<LanguageModel> {
  const op = 'llm.load';
  const s = await openStream(op, source, opts.onProgress);
  if (s instanceof Uint8Array) return fromFile(parse(s), opts);
  const loaded = new Map<string, Weight>();
  try {
    const file = await readStreamed(s, (info, own) => {
      const kind = GGML_TYPES[info.type];
      if (kind.quantized && info.shape.length === 2) loaded.set(info.name, quantized(own));
      else if (decodable(info.type)) loaded.set(info.name, dequantize(own));
    }, op);
    return fromFile(file, opts, loaded);
  } finally {
    for (const t of loaded.values()) t.dispose(); // what the model did not take
    await s.close();
  }
}

/**
 * Builds the model from a parsed GGUF file (its tensors are copied into backend storage), or
 * from a streamed one whose tensors were already made (`loaded`, by name: the model takes
 * what it uses out of the map).
 */
export function fromFile(file: GGUFFile, opts: LoadOptions = {}, loaded?: Map<string, Weight>): LanguageModel {
  const op = 'llm.load';
  const m = file.metadata;
  const arch = String(m['general.architecture']);
  if (!(arch in ARCHS)) throw new EdgegradError(op, `architecture '${arch}' is not supported`, `Supported: ${Object.keys(ARCHS).join(', ')} (llama-style decoders)`);
  const num = (k: string, dflt?: number): number => {
    const v = m[`${arch}.${k}`];
    if (typeof v === 'number') return v;
    if (dflt === undefined) throw new EdgegradError(op, `the file lacks ${arch}.${k}`, 'The GGUF metadata is incomplete');
    return dflt;
  };
  const tokenizer = fromGGUF(m);
  const dim = num('embedding_length'), heads = num('attention.head_count');
  const byName = new Map(file.tensors.map((t) => [t.name, t]));
  const info = (name: string, optional = false): GGUFTensorInfo | undefined => {
    const t = byName.get(name);
    if (!t && !optional) throw new EdgegradError(op, `the file lacks tensor ${name}`, 'The file is not a complete llama-architecture model');
    return t;
  };
  const made: (Tensor | QuantizedTensor)[] = [];
  const keep = <T extends Tensor | QuantizedTensor>(t: T): T => { made.push(t); return t; };
  /** The streamed tensor of that name, taken out of `loaded`. */
  const take = (t: GGUFTensorInfo): Weight | undefined => {
    const w = loaded?.get(t.name);
    if (w) loaded!.delete(t.name);
    return w;
  };
  const asFloat = (t: GGUFTensorInfo): Tensor => {
    const w = take(t);
    if (w instanceof Tensor) return w;
    if (!w) return dequantize(t);
    const d = w.dequantize();
    w.dispose();
    return d;
  };
  const weight = (name: string): Weight => {
    const t = info(name)!;
    if (GGML_TYPES[t.type].quantized) { const w = take(t); return keep(w instanceof QuantizedTensor ? w : quantized(t)); }
    if (t.type === 'F32' || t.type === 'F16' || t.type === 'BF16') return keep(asFloat(t));
    throw new EdgegradError(op, `tensor ${name} has type ${t.type}`, 'Supported weight types: F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q6_K');
  };
  const vector = (name: string, optional = false): Tensor | undefined => {
    const t = info(name, optional);
    return t ? keep(asFloat(t)) : undefined;
  };
  try {
    const embedInfo = info('token_embd.weight')!;
    // a streamed quantized embedding: keep its packed form for a tied output head
    const pre = take(embedInfo);
    const embedPacked = pre instanceof QuantizedTensor ? pre : undefined;
    const embedTable = keep(embedPacked ? embedPacked.dequantize() : pre instanceof Tensor ? pre : dequantize(embedInfo));
    const vocabSize = embedInfo.shape[0];
    if (vocabSize !== tokenizer.vocabSize) throw new EdgegradError(op, `token_embd has ${vocabSize} rows but the tokenizer ${tokenizer.vocabSize} tokens`, 'The file is inconsistent');
    const headDim = num('attention.key_length', dim / heads);
    const config: LlamaConfig = {
      architecture: arch, vocabSize, dim, heads, headDim,
      layers: num('block_count'),
      kvHeads: num('attention.head_count_kv', heads),
      ffnDim: num('feed_forward_length'),
      eps: num('attention.layer_norm_rms_epsilon', 1e-5),
      ropeTheta: num('rope.freq_base', 10000),
      ropeMode: ARCHS[arch],
      ropeDims: num('rope.dimension_count', headDim),
      contextLength: opts.contextLength ?? Math.min(num('context_length', 2048), 4096),
    };
    if (heads % config.kvHeads) throw new EdgegradError(op, `${heads} heads are not a multiple of ${config.kvHeads} kv heads`, 'The file is inconsistent');
    const layers: Layer[] = [];
    for (let i = 0; i < config.layers; i++) {
      const p = `blk.${i}.`;
      layers.push({
        attnNorm: vector(p + 'attn_norm.weight')!,
        wq: weight(p + 'attn_q.weight'), wk: weight(p + 'attn_k.weight'), wv: weight(p + 'attn_v.weight'), wo: weight(p + 'attn_output.weight'),
        bq: vector(p + 'attn_q.bias', true), bk: vector(p + 'attn_k.bias', true), bv: vector(p + 'attn_v.bias', true),
        ffnNorm: vector(p + 'ffn_norm.weight')!,
        gate: weight(p + 'ffn_gate.weight'), up: weight(p + 'ffn_up.weight'), down: weight(p + 'ffn_down.weight'),
      });
      for (const k of ['bq', 'bk', 'bv'] as const) if (layers[i][k] === undefined) delete layers[i][k];
    }
    const outNorm = vector('output_norm.weight')!;
    // tied embeddings: the output head is the embedding matrix (kept packed when it is quantized)
    const tied = !info('output.weight', true);
    if (embedPacked && !tied) embedPacked.dispose();
    const output = !tied ? weight('output.weight')
      : GGML_TYPES[embedInfo.type].quantized ? keep(embedPacked ?? quantized(embedInfo)) : embedTable;
    return new LanguageModel(config, tokenizer, embedTable, layers, outNorm, output);
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  }
}
