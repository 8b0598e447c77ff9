// segmentSum: the transpose of gather (scatter-add). Gather's gradient, and the sum of
// duplicate coordinates when a sparse matrix is built from COO triplets.
import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { normAxis, sizeOf } from '../shape.js';
import { defOp } from '../autodiff/tape.js';
import { Tensor } from '../tensor.js';
import { assertTensor, releaseTemps, typedFor, wrap } from './util.js';

/**
 * segmentSum(x, ids, numSegments, axis = 0): out[..., s, ...] = Σ_{j: ids[j] = s} x[..., j, ...].
 * x.shape = pre + ids.shape + post (pre has `axis` axes); out.shape = pre + [numSegments] + post.
 * ids are int32 in [0, numSegments); repeated ids accumulate. float32.
 */
export function segmentSum(x: Tensor, ids: Tensor | readonly number[], numSegments: number, axis = 0): Tensor {
  const op = 'segmentSum';
  assertTensor(op, x);
  const idx = ids instanceof Tensor ? ids : Tensor.make(engine.fromData(typedFor('int32', ids as number[]), 'int32', x.live(op).backend), [(ids as number[]).length]);
  try {
    if (x.dtype !== 'float32') throw new EdgegradError(op, `needs float32 data, got ${x.dtype} ${fmtShape(x.shape)}`, "Cast with .cast('float32')");
    if (idx.dtype !== 'int32') throw new EdgegradError(op, `segment ids must be int32, got ${idx.dtype}`, "Cast them with .cast('int32')");
    if (!Number.isInteger(numSegments) || numSegments < 0) throw new EdgegradError(op, `numSegments must be a non-negative integer, got ${numSegments}`, 'Pass the size of the output axis');
    const ax = normAxis(op, axis, Math.max(1, x.rank - idx.rank + 1));
    const mid = x.shape.slice(ax, ax + idx.rank);
    if (mid.length !== idx.rank || mid.some((d, i) => d !== idx.shape[i]))
      throw new EdgegradError(op, `data ${fmtShape(x.shape)} does not hold the ids' shape ${fmtShape(idx.shape)} at axis ${ax}`, 'x.shape must be pre + ids.shape + post');
    // as in gather: check ids where they can be read synchronously; the kernels trust them
    if (!(ids instanceof Tensor) || idx.storage.backend.isCPU) {
      const v = ids instanceof Tensor ? engine.readSync(idx.live(op), op) : (ids as readonly number[]);
      for (let i = 0; i < v.length; i++)
        if (!Number.isInteger(v[i]) || v[i] < 0 || v[i] >= numSegments) throw new EdgegradError(op, `segment id ${v[i]} at position ${i} is out of range for ${numSegments} segments`, `Use ids in [0, ${numSegments - 1}]`);
    }
    return defOp(op, [x], { axis: ax, indices: idx, numSegments }, () => {
      const outer = sizeOf(x.shape.slice(0, ax)), inner = sizeOf(x.shape.slice(ax + idx.rank));
      const outShape = [...x.shape.slice(0, ax), numSegments, ...x.shape.slice(ax + idx.rank)];
      const s = engine.run(op, 'scatterAdd', [x.live(op), idx.live(op)], 'float32', sizeOf(outShape), { dtype: 'float32', outer, axisSize: numSegments, inner, nIdx: idx.size });
      return wrap(s, outShape);
    });
  } finally {
    if (idx !== ids) releaseTemps([idx]);
  }
}
