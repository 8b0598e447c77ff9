import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo, reshape } from './layout.js';
import { assertTensor, shapeErr, wrap } from './util.js';

export interface MatmulOptions { transposeA?: boolean; transposeB?: boolean }

/**
 * Batched matrix product over the last two axes, NumPy matmul semantics: batch axes
 * broadcast; a 1-D operand is a row (a) or column (b) vector and its axis is dropped.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  assertTensor('matmul', a, 'a');
  assertTensor('matmul', b, 'b');
  const transA = !!opts.transposeA, transB = !!opts.transposeB;
  if (a.dtype !== 'float32' || b.dtype !== 'float32')
    throw new EdgegradError('matmul', `needs float32 operands, got ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`, "Cast with .cast('float32')");
  if (a.rank === 0 || b.rank === 0) throw shapeErr('matmul', 'operands must have at least one axis', [a.shape, b.shape], 'Use eg.mul for scalars');
  // a 1-D operand is a row (a) or column (b) vector
  const aShape = a.rank === 1 ? (transA ? [a.size, 1] : [1, a.size]) : a.shape;
  const bShape = b.rank === 1 ? (transB ? [1, b.size] : [b.size, 1]) : b.shape;
  const [ar, ac] = aShape.slice(-2), [br, bc] = bShape.slice(-2);
  const m = transA ? ac : ar, k = transA ? ar : ac;
  const kb = transB ? bc : br, n = transB ? br : bc;
  if (k !== kb) throw shapeErr('matmul', `inner dimensions differ (${k} vs ${kb}${transA || transB ? `, transposeA=${transA} transposeB=${transB}` : ''})`, [a.shape, b.shape], 'The last axis of a must match the second-to-last of b (after the transposes)');
  const aBatch = aShape.slice(0, -2), bBatch = bShape.slice(0, -2);
  const batchShape = broadcastShapes('matmul', aBatch, bBatch);
  const batch = sizeOf(batchShape);
  return defOp('matmul', [a, b], { transA, transB }, () => {
    const a2 = a.rank === 1 ? reshape(a, aShape) : a;
    const b2 = b.rank === 1 ? reshape(b, bShape) : b;
    // A batch that neither matches nor is 1 (e.g. [2,1] vs [1,3]) is materialised once.
    const fit = (t: Tensor, tb: number[]): [Tensor, number] => {
      const mat = t.shape[t.rank - 2] * t.shape[t.rank - 1];
      if (sizeOf(tb) === 1) return [t, 0];
      if (sizeOf(tb) === batch) return [t, mat];
      return [broadcastTo(t, [...batchShape, ...t.shape.slice(-2)]), mat];
    };
    const [aa, aStride] = fit(a2, aBatch);
    const [bb, bStride] = fit(b2, bBatch);
    const s = engine.run('matmul', 'matmul', [aa.live('matmul'), bb.live('matmul')], 'float32', batch * m * n, {
      batch, m, n, k, transA, transB, aBatchStride: aStride, bBatchStride: bStride,
    });
    for (const t of [aa, bb, a2, b2]) if (t !== a && t !== b && !t.isDisposed) t.dispose();
    const outShape = [...batchShape, m, n];
    if (a.rank === 1) outShape.splice(outShape.length - 2, 1);
    if (b.rank === 1) outShape.splice(outShape.length - 1, 1);
    return wrap(s, outShape);
  });
}
