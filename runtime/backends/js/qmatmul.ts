// The reference for block-quantized weights: ggml's dequantize_row_* decoders, bit for
// bit (each float product rounded to float32 where C rounds it, no fused multiply-add),
// and qmatmul = x · dequantize(W)ᵀ accumulated in float64.
import type { QMatmulParams, TypedArray } from '../../types.js';
import { GGML_TYPES, halfToFloat, bf16ToFloat, type GGMLType } from '../../ggml.js';

const fr = Math.fround;

type Decoder = (b: Uint8Array, o: number, y: Float32Array, yo: number) => void;
const half = (b: Uint8Array, o: number): number => halfToFloat(b[o] | (b[o + 1] << 8));

const q8_0: Decoder = (b, o, y, yo) => {
  const d = half(b, o);
  for (let j = 0; j < 32; j++) y[yo + j] = fr(((b[o + 2 + j] << 24) >> 24) * d);
};

const q4_0: Decoder = (b, o, y, yo) => {
  const d = half(b, o);
  for (let j = 0; j < 16; j++) {
    const v = b[o + 2 + j];
    y[yo + j] = fr(((v & 0x0f) - 8) * d);
    y[yo + j + 16] = fr(((v >> 4) - 8) * d);
  }
};

const q5_0: Decoder = (b, o, y, yo) => {
  const d = half(b, o);
  const qh = (b[o + 2] | (b[o + 3] << 8) | (b[o + 4] << 16) | (b[o + 5] << 24)) >>> 0;
  for (let j = 0; j < 16; j++) {
    const v = b[o + 6 + j];
    const h0 = ((qh >>> j) << 4) & 0x10, h1 = (qh >>> (j + 12)) & 0x10;
    y[yo + j] = fr((((v & 0x0f) | h0) - 16) * d);
    y[yo + j + 16] = fr((((v >> 4) | h1) - 16) * d);
  }
};

/** Sub-block j's 6-bit scale and min from Q4_K's 12 packed bytes (ggml's get_scale_min_k4). */
export function scaleMinK4(j: number, b: Uint8Array, o: number): [number, number] {
  if (j < 4) return [b[o + j] & 63, b[o + j + 4] & 63];
  return [(b[o + j + 4] & 0x0f) | ((b[o + j - 4] >> 6) << 4), (b[o + j + 4] >> 4) | ((b[o + j] >> 6) << 4)];
}

const q4_K: Decoder = (b, o, y, yo) => {
  const d = half(b, o), dmin = half(b, o + 2);
  const sc = o + 4;
  let q = o + 16, out = yo;
  for (let is = 0; is < 8; is += 2) {
    const [s1, m1i] = scaleMinK4(is, b, sc), [s2, m2i] = scaleMinK4(is + 1, b, sc);
    const d1 = fr(d * s1), m1 = fr(dmin * m1i), d2 = fr(d * s2), m2 = fr(dmin * m2i);
    for (let l = 0; l < 32; l++) y[out + l] = fr(fr(d1 * (b[q + l] & 0x0f)) - m1);
    for (let l = 0; l < 32; l++) y[out + 32 + l] = fr(fr(d2 * (b[q + l] >> 4)) - m2);
    q += 32;
    out += 64;
  }
};

const q6_K: Decoder = (b, o, y, yo) => {
  const d = half(b, o + 208);
  let ql = o, qh = o + 128, sc = o + 192, out = yo;
  for (let n = 0; n < 2; n++) {
    for (let l = 0; l < 32; l++) {
      const is = l >> 4;
      const h = b[qh + l];
      const q1 = ((b[ql + l] & 0x0f) | ((h & 3) << 4)) - 32;
      const q2 = ((b[ql + l + 32] & 0x0f) | (((h >> 2) & 3) << 4)) - 32;
      const q3 = ((b[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32;
      const q4 = ((b[ql + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32;
      const s = (k: number): number => (b[sc + is + k] << 24) >> 24;
      y[out + l] = fr(fr(d * s(0)) * q1);
      y[out + l + 32] = fr(fr(d * s(2)) * q2);
      y[out + l + 64] = fr(fr(d * s(4)) * q3);
      y[out + l + 96] = fr(fr(d * s(6)) * q4);
    }
    out += 128; ql += 64; qh += 32; sc += 8;
  }
};

const f32: Decoder = (b, o, y, yo) => { y[yo] = new DataView(b.buffer, b.byteOffset + o, 4).getFloat32(0, true); };
const f16: Decoder = (b, o, y, yo) => { y[yo] = half(b, o); };
const bf16: Decoder = (b, o, y, yo) => { y[yo] = bf16ToFloat(b[o] | (b[o + 1] << 8)); };

/** ggml's dequantize_row_* per type; types without one are absent. */
export const decoders: Partial<Record<GGMLType, Decoder>> = { F32: f32, F16: f16, BF16: bf16, Q8_0: q8_0, Q4_0: q4_0, Q5_0: q5_0, Q4_K: q4_K, Q6_K: q6_K };

/** Decodes `n` weights (a whole number of blocks) starting at byte `o` of `b` into y[yo..]. */
export function dequantizeInto(type: GGMLType, b: Uint8Array, o: number, n: number, y: Float32Array, yo = 0): void {
  const dec = decoders[type];
  if (!dec) throw new Error(`dequantize: no decoder for ${type}`);
  const { block, bytes } = GGML_TYPES[type];
  for (let i = 0; i < n / block; i++) dec(b, o + i * bytes, y, yo + i * block);
}

/** Bytes of packed storage (held as int32 words) as a byte view. */
export const asBytes = (a: TypedArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** out[m, n] = x[m, k] · W[n, k]ᵀ, W in `p.type` blocks, row after row. */
export function qmatmul(x: TypedArray, w: TypedArray, out: TypedArray, p: QMatmulParams): void {
  const { m, n, k, type } = p;
  const wb = asBytes(w);
  const rowB = (k / GGML_TYPES[type].block) * GGML_TYPES[type].bytes;
  const row = new Float32Array(k);
  for (let j = 0; j < n; j++) {
    dequantizeInto(type, wb, j * rowB, k, row);
    for (let i = 0; i < m; i++) {
      let s = 0;
      const xo = i * k;
      for (let t = 0; t < k; t++) s += x[xo + t] * row[t];
      out[i * n + j] = s;
    }
  }
}
