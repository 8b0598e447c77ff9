// The Sinkhorn half-step as an op: reg·log Σ exp((h − C)/reg) along one axis of C, one
// launch of the `ot` kernel family (assembly/ot.ts, shaders/ot.wgsl, backends/js/ot.ts).
import { engine } from '../../runtime/engine.js';
import type { Tensor } from '../tensor.js';
import { wrap } from '../ops/util.js';

/** C [n, m] or [batch, n, m]; axis 1 reduces over columns (h [batch, m] -> [batch, n]),
 *  axis 0 over rows (h [batch, n] -> [batch, m]). */
export function softmin(op: string, C: Tensor, h: Tensor, batch: number, axis: 0 | 1, reg: number): Tensor {
  const n = C.shape[C.rank - 2], m = C.shape[C.rank - 1];
  const cBatchStride = C.rank === 3 ? n * m : 0;
  const len = axis === 1 ? n : m;
  const s = engine.run(op, 'otLse', [C.live(op), h.live(op)], 'float32', batch * len, { batch, n, m, cBatchStride, axis, reg });
  return wrap(s, [batch, len]);
}
