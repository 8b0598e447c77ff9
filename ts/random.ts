// Counter-based random numbers (Philox-4x32-10, Salmon et al. 2011): a key plus a counter
// fully determine the bits, so a key gives the same stream on every backend and runtime.
// Streams are generated on the CPU with integer arithmetic and uploaded.
import { engine } from '../runtime/engine.js';
import { EdgegradError } from '../runtime/errors.js';
import { checkShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

export class Key {
  constructor(readonly k0: number, readonly k1: number) {}
  toString(): string { return `Key(${this.k0 >>> 0}, ${this.k1 >>> 0})`; }
}

const M0 = 0xd2511f53, M1 = 0xcd9e8d57, W0 = 0x9e3779b9, W1 = 0xbb67ae85;

function mulhilo(a: number, b: number): [number, number] {
  // 32x32 -> 64 bit product from 16-bit halves (exact in doubles).
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const hi = (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
  const lo = ((mid << 16) | (ll & 0xffff)) >>> 0;
  return [hi, lo];
}

/** One Philox-4x32-10 block: 4 random uint32 for counter (c0..c3) under key. */
export function philox(key: Key, c0: number, c1: number, c2 = 0, c3 = 0): Uint32Array {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let k0 = key.k0 >>> 0, k1 = key.k1 >>> 0;
  for (let r = 0; r < 10; r++) {
    const [h0, l0] = mulhilo(M0, x0);
    const [h1, l1] = mulhilo(M1, x2);
    const n0 = (h1 ^ x1 ^ k0) >>> 0, n2 = (h0 ^ x3 ^ k1) >>> 0;
    x0 = n0; x1 = l1; x2 = n2; x3 = l0;
    k0 = (k0 + W0) >>> 0; k1 = (k1 + W1) >>> 0;
  }
  return Uint32Array.of(x0, x1, x2, x3);
}

export function key(seed: number): Key {
  if (!Number.isInteger(seed)) throw new EdgegradError('random.key', `seed must be an integer, got ${seed}`, 'Pass e.g. eg.random.key(0)');
  return new Key(seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0);
}

/** n independent keys derived from `k`. */
export function split(k: Key, n = 2): Key[] {
  const out: Key[] = [];
  for (let i = 0; i < n; i++) { const b = philox(k, i, 0x5eed, 0, 1); out.push(new Key(b[0], b[1])); }
  return out;
}

/** A key derived from `k` and an integer, e.g. a step number. */
export function foldIn(k: Key, data: number): Key {
  const b = philox(k, data >>> 0, 0xf01d, 0, 2);
  return new Key(b[0], b[1]);
}

/** n uint32 words of the stream of key k. */
export function bits(k: Key, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i += 4) {
    const b = philox(k, i / 4, 0);
    for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = b[j];
  }
  return out;
}

// 24 random bits -> float32 in [0, 1), exactly representable
const unit = (w: number): number => (w >>> 8) * (1 / 16777216);

function checked(op: string, k: Key, shape: readonly number[]): number {
  if (!(k instanceof Key)) throw new EdgegradError(op, 'first argument must be a key', 'Make one with eg.random.key(seed)');
  checkShape(op, shape);
  return sizeOf(shape);
}

export function uniform(k: Key, shape: readonly number[], opts: { min?: number; max?: number } = {}): Tensor {
  const n = checked('random.uniform', k, shape);
  const lo = opts.min ?? 0, hi = opts.max ?? 1;
  const w = bits(k, n);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) t[i] = lo + (hi - lo) * unit(w[i]);
  return Tensor.make(engine.fromData(t, 'float32'), shape);
}

/** Standard normal via Box-Muller on pairs of words. */
export function normal(k: Key, shape: readonly number[], opts: { mean?: number; std?: number } = {}): Tensor {
  const n = checked('random.normal', k, shape);
  const mu = opts.mean ?? 0, sd = opts.std ?? 1;
  const w = bits(k, n + (n & 1));
  const t = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = ((w[i] >>> 8) + 1) * (1 / 16777217); // (0, 1): log stays finite
    const u2 = unit(w[i + 1]);
    const r = Math.sqrt(-2 * Math.log(u1));
    t[i] = mu + sd * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) t[i + 1] = mu + sd * r * Math.sin(2 * Math.PI * u2);
  }
  return Tensor.make(engine.fromData(t, 'float32'), shape);
}

/** Integers uniform in [low, high). */
export function randint(k: Key, shape: readonly number[], low: number, high: number): Tensor {
  const n = checked('random.randint', k, shape);
  if (!(Number.isInteger(low) && Number.isInteger(high) && high > low)) throw new EdgegradError('random.randint', `needs integers low < high, got ${low}, ${high}`, 'e.g. randint(key, [4], 0, 10)');
  const w = bits(k, n);
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) t[i] = low + Math.floor(unit(w[i]) * (high - low));
  return Tensor.make(engine.fromData(t, 'int32'), shape);
}

/** Rademacher ±1 (float32), as the Hutchinson estimators use. */
export function rademacher(k: Key, shape: readonly number[]): Tensor {
  const n = checked('random.rademacher', k, shape);
  const w = bits(k, n);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) t[i] = w[i] & 1 ? 1 : -1;
  return Tensor.make(engine.fromData(t, 'float32'), shape);
}

export function permutation(k: Key, n: number): Tensor {
  const w = bits(k, n);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(unit(w[i]) * (i + 1)); [p[i], p[j]] = [p[j], p[i]]; }
  return Tensor.make(engine.fromData(p, 'int32'), [n]);
}
