// GGML tensor types: one table (ggml's type traits) that the file readers, the js
// reference, the wasm adapter and the WebGPU adapter all read. A block holds `block`
// weights in `bytes` bytes; a row of n weights is n / block blocks. Ids are GGUF's.

export interface GGMLTypeInfo {
  readonly id: number;
  /** Weights per block (1 for plain element types). */
  readonly block: number;
  /** Bytes per block. */
  readonly bytes: number;
  /** edgegrad can dequantize it and run qmatmul on it. */
  readonly quantized: boolean;
}

const t = (id: number, block: number, bytes: number, quantized = false): GGMLTypeInfo => ({ id, block, bytes, quantized });

export const GGML_TYPES = {
  F32: t(0, 1, 4),
  F16: t(1, 1, 2, true),      // IEEE half; kept as is (a qmatmul type, no activation quantization)
  Q4_0: t(2, 32, 18, true),   // fp16 d, 16 bytes of nibbles
  Q4_1: t(3, 32, 20),
  Q5_0: t(6, 32, 22, true),   // fp16 d, u32 high bits, 16 bytes of nibbles
  Q5_1: t(7, 32, 24),
  Q8_0: t(8, 32, 34, true),   // fp16 d, int8[32]
  Q8_1: t(9, 32, 36),
  Q2_K: t(10, 256, 84),
  Q3_K: t(11, 256, 110),
  Q4_K: t(12, 256, 144, true), // fp16 d, fp16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles
  Q5_K: t(13, 256, 176),
  Q6_K: t(14, 256, 210, true), // 128 bytes low nibbles, 64 bytes high 2-bits, int8[16] scales, fp16 d
  Q8_K: t(15, 256, 292),
  I8: t(24, 1, 1),
  I16: t(25, 1, 2),
  I32: t(26, 1, 4),
  I64: t(27, 1, 8),
  F64: t(28, 1, 8),
  BF16: t(30, 1, 2),
} as const;

export type GGMLType = keyof typeof GGML_TYPES;
/** The block types qmatmul and dequantize handle. */
export type QuantType = 'Q8_0' | 'Q4_0' | 'Q5_0' | 'Q4_K' | 'Q6_K' | 'F16';
export const QUANT_TYPES: readonly QuantType[] = ['Q8_0', 'Q4_0', 'Q5_0', 'Q4_K', 'Q6_K', 'F16'];

const byId = new Map<number, GGMLType>(Object.entries(GGML_TYPES).map(([k, v]) => [v.id, k as GGMLType]));
export const ggmlTypeById = (id: number): GGMLType | undefined => byId.get(id);
export const isGGMLType = (s: unknown): s is GGMLType => typeof s === 'string' && Object.hasOwn(GGML_TYPES, s);

/** Bytes of a row of `n` weights (n a multiple of the block length). */
export const rowBytes = (type: GGMLType, n: number): number => (n / GGML_TYPES[type].block) * GGML_TYPES[type].bytes;

// ---- half and bfloat16 -------------------------------------------------------
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half (as its 16 bits) to the float it denotes: exact, as ggml's GGML_FP16_TO_FP32. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** float to IEEE half bits, round to nearest even (what F16C's vcvtps2ph and ggml do). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const e = (b >>> 23) & 0xff, m = b & 0x7fffff;
  if (e === 0xff) return sign | 0x7c00 | (m ? 0x200 : 0);
  const ue = e - 127 + 15;
  if (ue >= 0x1f) return sign | 0x7c00;
  if (ue <= 0) {
    if (ue < -10) return sign;
    const mm = m | 0x800000, shift = 14 - ue;
    let r = mm >>> shift;
    const rem = mm & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && (r & 1))) r++;
    return sign | r;
  }
  let r = (ue << 10) | (m >>> 13);
  const rem = m & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1))) r++;
  return sign | r;
}

export function bf16ToFloat(h: number): number { u32[0] = (h & 0xffff) << 16; return f32[0]; }
/** float to bfloat16 bits, round to nearest even (NaN kept quiet). */
export function floatToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7fffffff) > 0x7f800000) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}
