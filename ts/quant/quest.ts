// QuEST training: tensors are rounded to the Gaussian-MSE grid in the Hadamard domain on the
// forward pass; the backward pass is the trust estimator, which passes the gradient only
// where the rounding moved a value by at most trust·σ (σ the RMS of its row).
import { EdgegradError } from '../../runtime/errors.js';
import { defOp } from '../autodiff/tape.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { hadamard } from './hadamard.js';
import { GAUSSIAN_ALPHA, fakeQuant, levelsOf, rms, type Bits } from './grid.js';
import { rotationBlock } from './uniform.js';

export interface QuestOptions {
  bits: Bits;
  /** Mask threshold in units of σ; default α_b/(L − 1), half a grid step. */
  trust?: number;
  rotate?: 'hadamard' | null;
}

/** One tensor through QuEST's quantizer (forward: grid values; backward: trust mask). */
function questTensor(x: Tensor, bits: Bits, trust: number, rotate: boolean): Tensor {
  if (x.dtype !== 'float32' || x.rank === 0) throw new EdgegradError('quant.quest', `needs float32 tensors with a last axis, got ${x.dtype} rank ${x.rank}`, 'Pass float32 weights / activations');
  const levels = levelsOf('quant.quest', bits);
  const block = rotate ? rotationBlock(x.shape[x.rank - 1]) : 0;
  const xr = block ? hadamard(x, { block }) : x;
  const attrs: { mask?: Tensor } = {};
  const q = defOp('quant.trust', [xr], attrs, () => {
    const sigma = rms(xr);
    const xq = fakeQuant(xr, o.maximum(o.mul(sigma, GAUSSIAN_ALPHA[bits]), 1e-30), levels);
    attrs.mask = o.cast(o.lessEqual(o.abs(o.sub(xq, xr)), o.mul(sigma, trust)), 'float32');
    return xq;
  });
  return block ? hadamard(q, { block }) : q;
}

/** Maps QuEST's quantizer over a tree of tensors (weights or activations): use it inside
 *  the loss, e.g. `model(eg.quant.quest(params, { bits: 4 }), eg.quant.quest(x, { bits: 4 }))`. */
export function quest<T>(params: T, opts: QuestOptions): T {
  const bits = opts?.bits;
  const levels = levelsOf('quant.quest', bits);
  const trust = opts.trust ?? GAUSSIAN_ALPHA[bits] / (levels - 1);
  if (!(trust > 0)) throw new EdgegradError('quant.quest', `trust must be positive, got ${String(opts.trust)}`, 'Leave it out for half a grid step');
  const rot = opts.rotate === undefined ? 'hadamard' : opts.rotate;
  if (rot !== null && rot !== 'hadamard') throw new EdgegradError('quant.quest', `rotate must be 'hadamard' or null, got ${String(rot)}`, "Leave it out for QuEST's Hadamard domain");
  const rotate = rot === 'hadamard';
  const map = (v: unknown): unknown => {
    if (v instanceof Tensor) return questTensor(v, bits, trust, rotate);
    if (Array.isArray(v)) return v.map(map);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, map(e)]));
    throw new EdgegradError('quant.quest', `params must be a tensor or arrays / plain objects of tensors, found ${typeof v}`, 'Pass the parameter tree');
  };
  return map(params) as T;
}
