import type { FwhtParams, TypedArray } from '../../types.js';

/** The reference: butterflies in float64 per segment, one rounding at the end. */
export function fwht(x: TypedArray, out: TypedArray, p: FwhtParams): void {
  const { segments, block } = p;
  const t = new Float64Array(block), scale = 1 / Math.sqrt(block);
  for (let s = 0; s < segments; s++) {
    const o = s * block;
    for (let i = 0; i < block; i++) t[i] = x[o + i];
    for (let h = 1; h < block; h <<= 1) {
      for (let i = 0; i < block; i += h << 1) {
        for (let j = i; j < i + h; j++) { const a = t[j], b = t[j + h]; t[j] = a + b; t[j + h] = a - b; }
      }
    }
    for (let i = 0; i < block; i++) out[o + i] = t[i] * scale;
  }
}
