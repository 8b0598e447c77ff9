import type { RopeParams, TypedArray } from '../../types.js';

/** The reference: each rotated pair in float32 steps (products, then their sum), as the
 *  composed ops of nn.rope compute it. */
export function rope(x: TypedArray, cs: TypedArray, out: TypedArray, p: RopeParams): void {
  const { tokens, heads, headDim: D, dims, neox } = p;
  const half = dims / 2, f = Math.fround;
  for (let t = 0; t < tokens; t++) {
    for (let h = 0; h < heads; h++) {
      const o = (t * heads + h) * D;
      for (let i = 0; i < half; i++) {
        const c = cs[t * dims + i], s = cs[t * dims + half + i];
        const ia = o + (neox ? i : 2 * i), ib = o + (neox ? i + half : 2 * i + 1);
        const a = x[ia], b = x[ib];
        out[ia] = f(f(a * c) - f(b * s));
        out[ib] = f(f(a * s) + f(b * c));
      }
      for (let d = dims; d < D; d++) out[o + d] = x[o + d];
    }
  }
}
