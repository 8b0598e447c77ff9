import type { OptimParams, TypedArray } from '../../types.js';

// The reference update rules (shared/references/optimizers.md), one element at a time in
// float64. The fused wasm and WGSL kernels reproduce exactly this arithmetic.
export function optimStep(p: TypedArray, g: TypedArray, s0: TypedArray | null, s1: TypedArray | null, s2: TypedArray | null, _out: TypedArray, q: OptimParams): void {
  const { lr, wd, b1, b2, eps } = q;
  for (let i = 0; i < q.size; i++) {
    let gi = g[i], pi = p[i];
    if (wd !== 0) { if (q.decoupled) pi *= 1 - lr * wd; else gi += wd * pi; }
    switch (q.kind) {
      case 'sgd': {
        let d = gi;
        if (q.momentum !== 0) {
          const buf = q.first ? gi : q.momentum * s0![i] + (1 - q.dampening) * gi;
          s0![i] = buf;
          d = q.nesterov ? gi + q.momentum * buf : buf;
        }
        pi -= lr * d;
        break;
      }
      case 'adam': {
        const m = b1 * s0![i] + (1 - b1) * gi;
        const v = b2 * s1![i] + (1 - b2) * gi * gi;
        s0![i] = m; s1![i] = v;
        let vv = v;
        if (q.amsgrad) { vv = Math.max(s2![i], v); s2![i] = vv; }
        pi -= (lr / q.bc1) * m / (Math.sqrt(vv) / Math.sqrt(q.bc2) + eps);
        break;
      }
      case 'adagrad': {
        const s = s0![i] + gi * gi;
        s0![i] = s;
        pi -= lr * gi / (Math.sqrt(s) + eps);
        break;
      }
      case 'lion': {
        const c = b1 * s0![i] + (1 - b1) * gi;
        pi -= lr * (c > 0 ? 1 : c < 0 ? -1 : 0);
        s0![i] = b2 * s0![i] + (1 - b2) * gi;
        break;
      }
      case 'diffGrad': {
        const m = b1 * s0![i] + (1 - b1) * gi;
        const v = b2 * s1![i] + (1 - b2) * gi * gi;
        const dfc = 1 / (1 + Math.exp(-Math.abs(s2![i] - gi)));
        s0![i] = m; s1![i] = v; s2![i] = gi;
        pi -= lr * (Math.sqrt(q.bc2) / q.bc1) * m * dfc / (Math.sqrt(v) + eps);
        break;
      }
      case 'sophia': {
        const m = b1 * s0![i] + (1 - b1) * gi;
        s0![i] = m;
        const ratio = Math.min(Math.abs(m) / (q.rhoBs * s1![i] + 1e-15), 1);
        pi -= lr * (m > 0 ? 1 : m < 0 ? -1 : 0) * ratio;
        break;
      }
    }
    p[i] = pi;
  }
}
