// The reference for table-lookup weights (family `lut`, layout in runtime/types.ts LutParams):
// each row decoded to floats through its table and scales, products summed in float64.
import type { LutParams, TypedArray } from '../../types.js';
import { asBytes } from './qmatmul.js';

/** Code t (0 … 31) of the 32-code chunk starting at byte c of b. 1, 2 and 4 bits: byte t mod
 *  4·bits, shifted by bits·⌊t / (4·bits)⌋; 3 bits: a 2-bit chunk (8 bytes) then a 1-bit one
 *  (4 bytes) holding the high bits. */
export function codeAt(b: Uint8Array, c: number, t: number, bits: number): number {
  if (bits === 3) return ((b[c + (t & 7)] >> ((t >> 3) << 1)) & 3) | (((b[c + 8 + (t & 3)] >> (t >> 2)) & 1) << 2);
  const B = 4 * bits;
  return (b[c + (t % B)] >> (bits * Math.floor(t / B))) & ((1 << bits) - 1);
}

/** Row r of W in float64 (k values). */
export function decodeRow(cb: Uint8Array, tb: Int8Array, ids: TypedArray, scales: TypedArray, p: LutParams, r: number, w: Float64Array): void {
  const { k, bits, seg } = p;
  const kp = Math.ceil(k / 32) * 32, S = Math.ceil(k / seg), rowBytes = (kp * bits) / 8, t0 = ids[r] * 16;
  for (let j = 0; j < k; j++) w[j] = scales[r * S + Math.floor(j / seg)] * tb[t0 + codeAt(cb, r * rowBytes + (j >> 5) * 4 * bits, j & 31, bits)];
}

export function lut(x: TypedArray | null, codes: TypedArray, tables: TypedArray, ids: TypedArray, scales: TypedArray, out: TypedArray, p: LutParams): void {
  const { m, n, k } = p;
  const cb = asBytes(codes), tb = new Int8Array(tables.buffer, tables.byteOffset, tables.byteLength);
  const w = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    decodeRow(cb, tb, ids, scales, p, r, w);
    if (!x) { for (let j = 0; j < k; j++) out[r * k + j] = w[j]; continue; }
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += x[i * k + j] * w[j];
      out[i * n + r] = acc;
    }
  }
}
