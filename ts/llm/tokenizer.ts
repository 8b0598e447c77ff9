// Tokenizers from GGUF metadata, matching llama.cpp's: SentencePiece-style (`llama`: score-
// ordered bigram merges over UTF-8 characters, byte fallback) and byte-level BPE (`gpt2`:
// regex pre-split, ranked merges over the GPT-2 byte alphabet).
import { EdgegradError } from '../../runtime/errors.js';
import type { GGUFValue } from '../io/gguf.js';

export interface Tokenizer {
  readonly kind: 'llama' | 'gpt2';
  readonly vocabSize: number;
  readonly bos: number | null;
  readonly eos: number | null;
  /** Token ids as llama.cpp gives them; `bos` (default: the file's add_bos_token) prepends BOS. */
  encode(text: string, opts?: { bos?: boolean }): number[];
  /** Text of ids; bytes split across tokens are joined before UTF-8 decoding. */
  decode(ids: readonly number[]): string;
  /** The raw bytes of ids (for streaming without breaking a character). */
  decodeBytes(ids: readonly number[], first?: boolean): Uint8Array;
}

const TYPE_CONTROL = 3, TYPE_BYTE = 6, TYPE_UNUSED = 5;
const SPACE = '\u2581';
const enc = new TextEncoder();
const dec = new TextDecoder();

export function fromGGUF(meta: Record<string, GGUFValue>): Tokenizer {
  const model = meta['tokenizer.ggml.model'];
  const tokens = meta['tokenizer.ggml.tokens'] as string[] | undefined;
  if (!Array.isArray(tokens)) throw new EdgegradError('llm.load', 'the file has no tokenizer.ggml.tokens', 'Use a GGUF converted with its tokenizer');
  const num = (k: string): number | null => (typeof meta[k] === 'number' ? (meta[k] as number) : null);
  const types = (meta['tokenizer.ggml.token_type'] as Int32Array | undefined) ?? new Int32Array(tokens.length).fill(1);
  const common = { bos: num('tokenizer.ggml.bos_token_id'), eos: num('tokenizer.ggml.eos_token_id'), tokens, types };
  if (model === 'llama') {
    const scores = (meta['tokenizer.ggml.scores'] as Float32Array | undefined) ?? new Float32Array(tokens.length);
    const addBos = (meta['tokenizer.ggml.add_bos_token'] as boolean | undefined) ?? true;
    const spacePrefix = (meta['tokenizer.ggml.add_space_prefix'] as boolean | undefined) ?? true;
    return spm({ ...common, scores, addBos, spacePrefix });
  }
  if (model === 'gpt2') {
    const merges = meta['tokenizer.ggml.merges'] as string[] | undefined;
    if (!Array.isArray(merges)) throw new EdgegradError('llm.load', 'a gpt2 tokenizer needs tokenizer.ggml.merges', 'The file is incomplete');
    const addBos = (meta['tokenizer.ggml.add_bos_token'] as boolean | undefined) ?? false;
    return bpe({ ...common, merges, addBos, pre: String(meta['tokenizer.ggml.pre'] ?? 'default') });
  }
  throw new EdgegradError('llm.load', `tokenizer model ${String(model)} is not supported`, "Supported: 'llama' (SentencePiece) and 'gpt2' (byte-level BPE)");
}

interface Common { bos: number | null; eos: number | null; tokens: string[]; types: Int32Array }

function checkIds(ids: readonly number[], n: number): void {
  for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= n)
    throw new EdgegradError('tokenizer.decode', `id ${id} is not an integer in [0, ${n})`, 'Pass token ids from this model');
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function spm(c: Common & { scores: Float32Array; addBos: boolean; spacePrefix: boolean }): Tokenizer {
  const vocab = new Map<string, number>();
  c.tokens.forEach((t, i) => { if (!vocab.has(t)) vocab.set(t, i); });
  const byteId = new Int32Array(256).fill(-1);
  c.tokens.forEach((t, i) => { const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(t); if (m && c.types[i] === TYPE_BYTE) byteId[parseInt(m[1], 16)] = i; });
  const unk = c.tokens.findIndex((_, i) => c.types[i] === 2);

  function encode(text: string, opts: { bos?: boolean } = {}): number[] {
    if (typeof text !== 'string') throw new EdgegradError('tokenizer.encode', `text must be a string, got ${typeof text}`, 'Pass a string');
    const out: number[] = [];
    if ((opts.bos ?? c.addBos) && c.bos !== null) out.push(c.bos);
    if (text === '') return out;
    const s = (c.spacePrefix ? ' ' + text : text).replaceAll(' ', SPACE);
    // symbols: UTF-8 characters in a linked list; merges pick the best-scoring pair, leftmost on ties
    const sym = Array.from(s);
    const n = sym.length;
    const prev = Array.from({ length: n }, (_, i) => i - 1), next = Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const alive = new Array(n).fill(true);
    type Bigram = { l: number; r: number; score: number; text: string };
    const heap: Bigram[] = [];
    const better = (a: Bigram, b: Bigram): boolean => a.score > b.score || (a.score === b.score && a.l < b.l);
    const push = (b: Bigram): void => {
      heap.push(b);
      let i = heap.length - 1;
      while (i > 0) { const p = (i - 1) >> 1; if (!better(heap[i], heap[p])) break; [heap[i], heap[p]] = [heap[p], heap[i]]; i = p; }
    };
    const pop = (): Bigram => {
      const top = heap[0], last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1, r = l + 1;
          let m = i;
          if (l < heap.length && better(heap[l], heap[m])) m = l;
          if (r < heap.length && better(heap[r], heap[m])) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m], heap[i]];
          i = m;
        }
      }
      return top;
    };
    const tryAdd = (l: number, r: number): void => {
      if (l < 0 || r < 0) return;
      const t = sym[l] + sym[r];
      const id = vocab.get(t);
      if (id === undefined) return;
      push({ l, r, score: c.scores[id], text: t });
    };
    for (let i = 0; i + 1 < n; i++) tryAdd(i, i + 1);
    while (heap.length) {
      const b = pop();
      if (!alive[b.l] || !alive[b.r] || sym[b.l] + sym[b.r] !== b.text) continue;
      sym[b.l] = b.text;
      alive[b.r] = false;
      next[b.l] = next[b.r];
      if (next[b.r] >= 0) prev[next[b.r]] = b.l;
      tryAdd(prev[b.l], b.l);
      tryAdd(b.l, next[b.l]);
    }
    for (let i = 0; i >= 0 && i < n; i = next[i]) {
      const id = vocab.get(sym[i]);
      if (id !== undefined) { out.push(id); continue; }
      for (const byte of enc.encode(sym[i])) {
        if (byteId[byte] >= 0) out.push(byteId[byte]);
        else if (unk >= 0) out.push(unk);
        else throw new EdgegradError('tokenizer.encode', `no token for byte 0x${byte.toString(16)} and no unknown token`, 'The vocabulary lacks byte fallback');
      }
    }
    return out;
  }

  function decodeBytes(ids: readonly number[], first = true): Uint8Array {
    checkIds(ids, c.tokens.length);
    const parts: Uint8Array[] = [];
    ids.forEach((id, k) => {
      const t = c.types[id];
      if (t === TYPE_CONTROL || t === TYPE_UNUSED) return;
      if (t === TYPE_BYTE) { const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(c.tokens[id]); if (m) { parts.push(Uint8Array.of(parseInt(m[1], 16))); return; } }
      let s = c.tokens[id].replaceAll(SPACE, ' ');
      // the space the encoder put in front of the text is not part of it
      if (first && k === 0 && c.spacePrefix && s.startsWith(' ')) s = s.slice(1);
      parts.push(enc.encode(s));
    });
    return concatBytes(parts);
  }

  return {
    kind: 'llama', vocabSize: c.tokens.length, bos: c.bos, eos: c.eos, encode, decodeBytes,
    decode: (ids) => dec.decode(decodeBytes(stripLeadingBos(ids, c.bos))),
  };
}

const stripLeadingBos = (ids: readonly number[], bos: number | null): readonly number[] => (ids.length && ids[0] === bos ? ids.slice(1) : ids);

/** GPT-2's reversible byte -> printable character map. */
function byteAlphabet(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const map = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return map;
}

const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const LLAMA3_SPLIT = /'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;

function bpe(c: Common & { merges: string[]; addBos: boolean; pre: string }): Tokenizer {
  const vocab = new Map<string, number>();
  c.tokens.forEach((t, i) => { if (!vocab.has(t)) vocab.set(t, i); });
  const rank = new Map<string, number>();
  c.merges.forEach((m, i) => rank.set(m, i));
  const toChar = byteAlphabet();
  const toByte = new Map<string, number>(toChar.map((ch, b) => [ch, b]));
  const split = c.pre === 'default' || c.pre === 'gpt2' ? GPT2_SPLIT : LLAMA3_SPLIT;
  const special = c.tokens.map((t, i) => (c.types[i] === TYPE_CONTROL ? t : null));
  const cache = new Map<string, number[]>();

  function word(w: string): number[] {
    const hit = cache.get(w);
    if (hit) return hit;
    let parts = Array.from(enc.encode(w), (b) => toChar[b]);
    for (;;) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = rank.get(parts[i] + ' ' + parts[i + 1]);
        if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
      }
      if (best < 0) break;
      parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
    }
    const ids: number[] = [];
    for (const p of parts) {
      const id = vocab.get(p);
      if (id !== undefined) { ids.push(id); continue; }
      for (const ch of p) {
        const one = vocab.get(ch);
        if (one === undefined) throw new EdgegradError('tokenizer.encode', `no token for ${JSON.stringify(ch)}`, 'The vocabulary lacks a byte-level entry');
        ids.push(one);
      }
    }
    if (cache.size < 10000) cache.set(w, ids);
    return ids;
  }

  function encode(text: string, opts: { bos?: boolean } = {}): number[] {
    if (typeof text !== 'string') throw new EdgegradError('tokenizer.encode', `text must be a string, got ${typeof text}`, 'Pass a string');
    const out: number[] = [];
    if ((opts.bos ?? c.addBos) && c.bos !== null) out.push(c.bos);
    for (const m of text.matchAll(split)) out.push(...word(m[0]));
    return out;
  }

  function decodeBytes(ids: readonly number[]): Uint8Array {
    checkIds(ids, c.tokens.length);
    const bytes: number[] = [];
    for (const id of ids) {
      if (special[id] !== null) continue;
      for (const ch of c.tokens[id]) { const b = toByte.get(ch); if (b !== undefined) bytes.push(b); else bytes.push(...enc.encode(ch)); }
    }
    return Uint8Array.from(bytes);
  }

  return {
    kind: 'gpt2', vocabSize: c.tokens.length, bos: c.bos, eos: c.eos, encode, decodeBytes,
    decode: (ids) => dec.decode(decodeBytes(ids)),
  };
}
