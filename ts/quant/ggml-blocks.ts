// Encoders for GGML block types, following ggml's quantize_row_*_ref: the same scale
// choice and rounding for Q8_0 / Q4_0 / Q5_0; for the K-quants the same block layout
// and scale packing, with one min/max pass per sub-block instead of ggml's iterative
// scale search (simpler; the blocks are valid and decode with the reference decoders).
import { GGML_TYPES, floatToHalf, halfToFloat, floatToBf16, type GGMLType } from '../../runtime/ggml.js';

const fr = Math.fround;
/** C's roundf: half away from zero. */
const roundf = (v: number): number => (v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5));
/** ggml's nearest_int: half to even (the 1.5·2²³ float trick). */
const nearest = (v: number): number => {
  const r = Math.round(v);
  return r - v === 0.5 && (r & 1) ? r - 1 : r;
};
export const putHalf = (b: Uint8Array, o: number, x: number): number => {
  const h = floatToHalf(x);
  b[o] = h & 0xff;
  b[o + 1] = h >> 8;
  return halfToFloat(h);
};

type Encoder = (x: Float32Array, xo: number, b: Uint8Array, o: number) => void;

const q8_0: Encoder = (x, xo, b, o) => {
  let amax = 0;
  for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[xo + j]));
  const d = fr(amax / 127), id = d ? fr(1 / d) : 0;
  putHalf(b, o, d);
  for (let j = 0; j < 32; j++) b[o + 2 + j] = roundf(fr(x[xo + j] * id)) & 0xff;
};

/** The signed value of largest magnitude (ggml's `max` in the _0 quantizers). */
function signedMax(x: Float32Array, xo: number, n: number): number {
  let amax = 0, max = 0;
  for (let j = 0; j < n; j++) { const v = x[xo + j]; if (amax < Math.abs(v)) { amax = Math.abs(v); max = v; } }
  return max;
}

const q4_0: Encoder = (x, xo, b, o) => {
  const d = fr(signedMax(x, xo, 32) / -8), id = d ? fr(1 / d) : 0;
  putHalf(b, o, d);
  for (let j = 0; j < 16; j++) {
    const i0 = Math.min(15, Math.trunc(fr(fr(x[xo + j] * id) + 8.5)));
    const i1 = Math.min(15, Math.trunc(fr(fr(x[xo + 16 + j] * id) + 8.5)));
    b[o + 2 + j] = i0 | (i1 << 4);
  }
};

const q5_0: Encoder = (x, xo, b, o) => {
  const d = fr(signedMax(x, xo, 32) / -16), id = d ? fr(1 / d) : 0;
  putHalf(b, o, d);
  let qh = 0;
  for (let j = 0; j < 16; j++) {
    const i0 = Math.min(31, Math.trunc(fr(fr(x[xo + j] * id) + 16.5)));
    const i1 = Math.min(31, Math.trunc(fr(fr(x[xo + 16 + j] * id) + 16.5)));
    b[o + 6 + j] = (i0 & 0x0f) | ((i1 & 0x0f) << 4);
    qh |= ((i0 & 0x10) >> 4) << j;
    qh |= ((i1 & 0x10) >> 4) << (j + 16);
  }
  b[o + 2] = qh & 0xff; b[o + 3] = (qh >>> 8) & 0xff; b[o + 4] = (qh >>> 16) & 0xff; b[o + 5] = qh >>> 24;
};

const q4_K: Encoder = (x, xo, b, o) => {
  const scales = new Float32Array(8), mins = new Float32Array(8);
  for (let s = 0; s < 8; s++) {
    let lo = 0, hi = -Infinity;
    for (let l = 0; l < 32; l++) { const v = x[xo + 32 * s + l]; lo = Math.min(lo, v); hi = Math.max(hi, v); }
    scales[s] = (hi - lo) / 15;
    mins[s] = -lo;
  }
  const maxScale = Math.max(...scales), maxMin = Math.max(...mins);
  const d = putHalf(b, o, maxScale / 63), dmin = putHalf(b, o + 2, maxMin / 63);
  const ls = new Uint8Array(8), lm = new Uint8Array(8);
  for (let s = 0; s < 8; s++) {
    ls[s] = d ? Math.min(63, nearest(scales[s] / d)) : 0;
    lm[s] = dmin ? Math.min(63, nearest(mins[s] / dmin)) : 0;
  }
  const L = new Uint8Array(256);
  for (let s = 0; s < 8; s++) {
    const d1 = fr(d * ls[s]), m1 = fr(dmin * lm[s]);
    if (!d1) continue;
    for (let l = 0; l < 32; l++) L[32 * s + l] = Math.max(0, Math.min(15, nearest((x[xo + 32 * s + l] + m1) / d1)));
  }
  packQ4K(b, o, ls, lm, L);
};

/** The 6-bit sub-block scales and mins (ls, lm) and the 256 nibbles L of a Q4_K block at o
 *  (d and dmin already written at o and o + 2). */
export function packQ4K(b: Uint8Array, o: number, ls: Uint8Array, lm: Uint8Array, L: Uint8Array): void {
  const sc = o + 4;
  for (let j = 0; j < 12; j++) b[sc + j] = 0;
  for (let j = 0; j < 8; j++) {
    if (j < 4) { b[sc + j] = ls[j]; b[sc + j + 4] = lm[j]; }
    else {
      b[sc + j + 4] = (ls[j] & 0x0f) | ((lm[j] & 0x0f) << 4);
      b[sc + j - 4] |= (ls[j] >> 4) << 6;
      b[sc + j] |= (lm[j] >> 4) << 6;
    }
  }
  for (let j = 0; j < 4; j++)
    for (let l = 0; l < 32; l++) b[o + 16 + 32 * j + l] = L[64 * j + l] | (L[64 * j + 32 + l] << 4);
}

const q6_K: Encoder = (x, xo, b, o) => {
  const scales = new Float32Array(16);
  let maxScale = 0, amax = 0;
  for (let s = 0; s < 16; s++) {
    scales[s] = signedMax(x, xo + 16 * s, 16) / -32;
    if (Math.abs(scales[s]) > amax) { amax = Math.abs(scales[s]); maxScale = scales[s]; }
  }
  const L = new Uint8Array(256).fill(32);
  for (let j = 0; j < 210; j++) b[o + j] = 0;
  if (amax) {
    const iscale = -128 / maxScale;
    const d = putHalf(b, o + 208, 1 / iscale);
    for (let s = 0; s < 16; s++) {
      const q = Math.max(-128, Math.min(127, nearest(iscale * scales[s])));
      b[o + 192 + s] = q & 0xff;
      const dq = fr(d * q);
      if (!dq) continue;
      for (let l = 0; l < 16; l++) L[16 * s + l] = Math.max(-32, Math.min(31, nearest(x[xo + 16 * s + l] / dq))) + 32;
    }
  }
  for (let h = 0; h < 2; h++) {
    const ql = o + 64 * h, qh = o + 128 + 32 * h, Lo = 128 * h;
    for (let l = 0; l < 32; l++) {
      const a = L[Lo + l], c = L[Lo + l + 32], e = L[Lo + l + 64], f = L[Lo + l + 96];
      b[ql + l] = (a & 0x0f) | ((e & 0x0f) << 4);
      b[ql + l + 32] = (c & 0x0f) | ((f & 0x0f) << 4);
      b[qh + l] = (a >> 4) | ((c >> 4) << 2) | ((e >> 4) << 4) | ((f >> 4) << 6);
    }
  }
};

const f32: Encoder = (x, xo, b, o) => { new DataView(b.buffer, b.byteOffset).setFloat32(o, x[xo], true); };
const f16: Encoder = (x, xo, b, o) => { const h = floatToHalf(x[xo]); b[o] = h & 0xff; b[o + 1] = h >> 8; };
const bf16: Encoder = (x, xo, b, o) => { const h = floatToBf16(x[xo]); b[o] = h & 0xff; b[o + 1] = h >> 8; };

export const encoders: Partial<Record<GGMLType, Encoder>> = { F32: f32, F16: f16, BF16: bf16, Q8_0: q8_0, Q4_0: q4_0, Q5_0: q5_0, Q4_K: q4_K, Q6_K: q6_K };

/** Encodes x (length a multiple of the type's block) as `type` blocks. */
export function encodeBlocks(type: GGMLType, x: Float32Array, out?: Uint8Array): Uint8Array {
  const enc = encoders[type];
  if (!enc) throw new Error(`no encoder for ${type}`);
  const { block, bytes } = GGML_TYPES[type];
  const nb = x.length / block;
  const b = out ?? new Uint8Array(nb * bytes);
  for (let i = 0; i < nb; i++) enc(x, i * block, b, i * bytes);
  return b;
}
