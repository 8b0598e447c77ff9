import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import type { DType, ReduceOp } from '../../runtime/types.js';
import { normAxes, normAxis, sizeOf } from '../shape.js';
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';
import { transpose } from './layout.js';
import { assertTensor, wrap } from './util.js';

export type Axis = number | readonly number[] | null;

/**
 * Reduces over `axes` (sorted, unique). A contiguous block of axes is one
 * [outer, size, inner] kernel launch; scattered axes are first moved to the end.
 */
function reduceAxes(op: ReduceOp, x: Tensor, axes: number[], outDtype: DType, inDtype: DType): Tensor {
  const xx = x.dtype === inDtype ? x : cast(x, inDtype);
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  let src = xx;
  let outer: number, size: number, inner: number;
  if (contiguous && axes.length) {
    outer = sizeOf(x.shape.slice(0, axes[0]));
    size = sizeOf(axes.map((a) => x.shape[a]));
    inner = sizeOf(x.shape.slice(axes[axes.length - 1] + 1));
  } else {
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    src = transpose(xx, [...kept, ...axes]);
    outer = sizeOf(kept.map((a) => x.shape[a]));
    size = sizeOf(axes.map((a) => x.shape[a]));
    inner = 1;
  }
  const s = engine.run(op, 'reduce', [src.live(op)], outDtype, outer * inner, { op, dtype: inDtype, outer, size, inner });
  if (src !== x) src.dispose();
  if (xx !== x && xx !== src) xx.dispose();
  return wrap(s, [outer * inner]);
}

function outShapeOf(shape: readonly number[], axes: number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

function reduction(op: 'sum' | 'mean' | 'max' | 'min', x: Tensor, axis: Axis | undefined, keepDims: boolean): Tensor {
  assertTensor(op, x);
  const axes = normAxes(op, axis, x.rank);
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0))
    throw new EdgegradError(op, `cannot reduce an empty axis of ${fmtShape(x.shape)}`, 'max/min of nothing is undefined; check the shape');
  return defOp(op, [x], { axes, keepDims, shape: x.shape }, () => {
    // sums of small ints stay int32 (NumPy); mean is always float
    const inDtype: DType = op === 'mean' ? 'float32' : x.dtype === 'uint8' ? 'int32' : x.dtype;
    const flat = reduceAxes(op, x, axes, inDtype, inDtype);
    const shaped = flat.reshape(outShapeOf(x.shape, axes, keepDims));
    flat.dispose();
    return shaped;
  });
}

export const sum = (x: Tensor, axis?: Axis, keepDims = false): Tensor => reduction('sum', x, axis, keepDims);
export const mean = (x: Tensor, axis?: Axis, keepDims = false): Tensor => reduction('mean', x, axis, keepDims);
export const max = (x: Tensor, axis?: Axis, keepDims = false): Tensor => reduction('max', x, axis, keepDims);
export const min = (x: Tensor, axis?: Axis, keepDims = false): Tensor => reduction('min', x, axis, keepDims);

/** Index (int32) of the first extreme along one axis; no axis means over the flattened tensor. */
function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  assertTensor(op, x);
  if (x.size === 0) throw new EdgegradError(op, `empty input ${fmtShape(x.shape)}`, 'argmax/argmin need at least one element');
  return defOp(op, [], {}, () => {
    const inDtype: DType = x.dtype === 'uint8' ? 'int32' : x.dtype;
    if (axis === undefined || axis === null) {
      const flat = reduceAxes(op, x, [...Array(x.rank).keys()], 'int32', inDtype);
      const out = flat.reshape(keepDims ? x.shape.map(() => 1) : []);
      flat.dispose();
      return out;
    }
    const ax = normAxis(op, axis, x.rank);
    const flat = reduceAxes(op, x, [ax], 'int32', inDtype);
    const out = flat.reshape(outShapeOf(x.shape, [ax], keepDims));
    flat.dispose();
    return out;
  });
}

export const argmax = (x: Tensor, axis?: number, keepDims = false): Tensor => argReduce('argmax', x, axis, keepDims);
export const argmin = (x: Tensor, axis?: number, keepDims = false): Tensor => argReduce('argmin', x, axis, keepDims);
