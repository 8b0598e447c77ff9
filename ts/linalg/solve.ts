// solve, inv, det and slogdet on the blocked LU. Singular systems: solve and inv throw a
// named error (NumPy raises LinAlgError); det gives 0 and slogdet (0, -inf), as NumPy does.
import { EdgegradError } from '../../runtime/errors.js';
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { alignRhs, checkMatrix, fromHost, hostData, identity, readBatch } from './host.js';
import { luHost, luLogDet, luSolve, type LU } from './lu.js';

function factor(op: string, a: Float64Array, n: number, which: number, needRegular: boolean): LU {
  const f = luHost(a, n);
  if (needRegular && f.singular) throw new EdgegradError(op, `matrix ${which} is singular (an exactly zero pivot)`, 'Use eg.linalg.lstsq for a least-squares or minimum-norm solution');
  return f;
}

/**
 * eg.linalg.solve(a, b): x with a·x = b. b [..., n] is one vector per matrix when b has one
 * axis less than a, else b is [..., n, k]; batch axes broadcast.
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  const op = 'linalg.solve';
  checkMatrix(op, a, true);
  alignRhs(op, a, b, true);
  return defOp('solve', [a, b], {}, () => {
    const { aa, bb, n, k, xShape, release } = alignRhs(op, a, b);
    try {
      const bd = hostData(op, bb);
      const xs = readBatch(op, aa).mats.map((m, i) => luSolve(factor(op, m, n, i, true), bd.subarray(i * n * k, (i + 1) * n * k), n, k));
      return fromHost(xs, xShape);
    } finally { release(); }
  });
}

/** eg.linalg.inv(a), batched. */
export function inv(a: Tensor): Tensor {
  const op = 'linalg.inv';
  checkMatrix(op, a, true);
  return defOp('inv', [a], {}, () => {
    const { mats, n } = readBatch(op, a);
    const e = identity(n);
    return fromHost(mats.map((m, i) => luSolve(factor(op, m, n, i, true), e, n, n)), a.shape);
  });
}

function logDets(op: string, a: Tensor): [number, number][] {
  const { mats, n } = readBatch(op, a);
  return mats.map((m, i) => luLogDet(factor(op, m, n, i, false), n));
}

/** eg.linalg.det(a) -> Tensor of shape a.shape[:-2]. */
export function det(a: Tensor): Tensor {
  checkMatrix('linalg.det', a, true);
  return defOp('det', [a], {}, () => fromHost(logDets('linalg.det', a).map(([s, l]) => [s * Math.exp(l)]), a.shape.slice(0, -2)));
}

/** eg.linalg.slogdet(a) -> { sign, logAbsDet }: sign 0 and logAbsDet -inf for a singular matrix. */
export function slogdet(a: Tensor): { sign: Tensor; logAbsDet: Tensor } {
  checkMatrix('linalg.slogdet', a, true);
  let parts: [number, number][] = [];
  const logAbsDet = defOp('logAbsDet', [a], {}, () => {
    parts = logDets('linalg.slogdet', a);
    return fromHost(parts.map(([, l]) => [l]), a.shape.slice(0, -2));
  });
  // the sign is piecewise constant: no gradient, so it is not recorded
  const sign = fromHost(parts.map(([s]) => [s]), a.shape.slice(0, -2));
  return { sign, logAbsDet };
}
