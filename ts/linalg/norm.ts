// Vector and matrix norms with NumPy's semantics, composed of public ops (so the
// elementwise ones are differentiable); the spectral and nuclear norms use the SVD.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { assertTensor } from '../ops/util.js';
import { svd } from './svd.js';

export type NormOrd = number | 'fro' | 'nuc';

/**
 * eg.linalg.norm(x, ord?): a 1-D x takes vector ords (2 default, 1, Infinity, -Infinity, 0, any p);
 * a 2-D x matrix ords ('fro' default, 'nuc', 2, -2, 1, -1, Infinity, -Infinity). Without ord,
 * any x gives the 2-norm of all its entries (NumPy); with ord, x of rank > 2 is a batch of
 * matrices over its leading axes.
 */
export function norm(x: Tensor, ord?: NormOrd): Tensor {
  const op = 'linalg.norm';
  assertTensor(op, x, 'x');
  if (x.dtype !== 'float32') throw new EdgegradError(op, `needs float32, got ${x.dtype} ${fmtShape(x.shape)}`, "Cast with .cast('float32')");
  if (ord === undefined || (ord === 'fro' && x.rank >= 2)) {
    const axes = ord === undefined ? [...x.shape.keys()] : [x.rank - 2, x.rank - 1];
    return o.sqrt(o.sum(o.square(x), axes));
  }
  if (x.rank === 1) {
    if (typeof ord !== 'number') throw new EdgegradError(op, `ord '${ord}' is a matrix norm; x is a vector ${fmtShape(x.shape)}`, 'Use a number ord (1, 2, Infinity, ...) for vectors');
    const a = o.abs(x);
    if (ord === Infinity) return o.max(a);
    if (ord === -Infinity) return o.min(a);
    if (ord === 0) return o.sum(o.cast(o.notEqual(x, 0), 'float32'));
    if (ord === 1) return o.sum(a);
    if (ord === 2) return o.sqrt(o.sum(o.square(x)));
    return o.pow(o.sum(o.pow(a, ord)), 1 / ord);
  }
  if (x.rank < 1) throw new EdgegradError(op, 'needs at least one axis, got a scalar', 'Use eg.abs for a scalar');
  const rows = x.rank - 2, cols = x.rank - 1;
  switch (ord) {
    case 1: return o.max(o.sum(o.abs(x), rows), -1);
    case -1: return o.min(o.sum(o.abs(x), rows), -1);
    case Infinity: return o.max(o.sum(o.abs(x), cols), -1);
    case -Infinity: return o.min(o.sum(o.abs(x), cols), -1);
    case 2: case -2: case 'nuc': {
      const { u, s, vt } = svd(x);
      u.dispose(); vt.dispose();
      const k = s.shape[s.rank - 1];
      if (ord === 'nuc') return o.sum(s, -1);
      return o.reshape(o.slice(s, [...s.shape.slice(0, -1).map(() => 0), ord === 2 ? 0 : k - 1], [...s.shape.slice(0, -1), 1]), s.shape.slice(0, -1));
    }
    default:
      throw new EdgegradError(op, `ord ${String(ord)} is not a matrix norm`, "Use 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity for matrices");
  }
}
