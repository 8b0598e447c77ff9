// The operator argument of the iterative solvers: a dense Tensor [n, n], a CSR, or a
// function v => A·v. Also the vector helpers they share.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { CSR } from '../sparse/csr.js';
import { scope } from '../memory.js';

export type OperatorLike = Tensor | CSR | ((v: Tensor) => Tensor);

export interface LinearOperator {
  readonly kind: 'dense' | 'csr' | 'function';
  /** Known size (dense / CSR), or undefined for functions. */
  readonly n?: number;
  apply(v: Tensor): Tensor;
}

export function asOperator(op: string, A: unknown, what = 'A'): LinearOperator {
  if (A instanceof CSR) {
    const [m, n] = A.shape;
    if (m !== n) throw new EdgegradError(op, `${what} must be square, got a CSR of shape ${fmtShape(A.shape)}`, 'Pass a square operator');
    return { kind: 'csr', n, apply: (v) => A.matmul(v) };
  }
  if (A instanceof Tensor) {
    if (A.rank !== 2 || A.shape[0] !== A.shape[1] || A.dtype !== 'float32')
      throw new EdgegradError(op, `${what} must be a square float32 matrix, got ${A.dtype} ${fmtShape(A.shape)}`, 'Pass a Tensor [n, n], a CSR or a function v => A·v');
    return { kind: 'dense', n: A.shape[0], apply: (v) => o.matmul(A, v) };
  }
  if (typeof A === 'function') {
    const f = A as (v: Tensor) => Tensor;
    return {
      kind: 'function',
      apply: (v) => {
        const y = f(v);
        if (!(y instanceof Tensor) || y.shape.length !== v.shape.length || y.shape.some((d, i) => d !== v.shape[i]))
          throw new EdgegradError(op, `the function ${what} must return a Tensor shaped like its input ${fmtShape(v.shape)}, got ${y instanceof Tensor ? fmtShape(y.shape) : typeof y}`, 'Return A·v');
        return y;
      },
    };
  }
  throw new EdgegradError(op, `${what} must be a Tensor [n, n], a CSR or a function v => A·v, got ${A === null ? 'null' : typeof A}`, 'Pass one of those');
}

/** Checks b (float32 [n]) against the operator's size; returns n. */
export function checkRhs(op: string, L: LinearOperator, b: unknown): number {
  if (!(b instanceof Tensor) || b.rank !== 1 || b.dtype !== 'float32')
    throw new EdgegradError(op, `b must be a float32 vector, got ${b instanceof Tensor ? `${b.dtype} ${fmtShape(b.shape)}` : typeof b}`, 'Pass b as a Tensor [n]');
  if (L.n !== undefined && L.n !== b.size) throw new EdgegradError(op, `A is ${L.n}×${L.n} but b has ${b.size} entries`, 'Match b to A');
  return b.size;
}

export function checkX0(op: string, x0: unknown, n: number): Tensor | undefined {
  if (x0 === undefined || x0 === null) return undefined;
  if (!(x0 instanceof Tensor) || x0.rank !== 1 || x0.size !== n || x0.dtype !== 'float32')
    throw new EdgegradError(op, `x0 must be a float32 vector of ${n} entries, got ${x0 instanceof Tensor ? `${x0.dtype} ${fmtShape(x0.shape)}` : typeof x0}`, 'Pass x0 shaped like b');
  return x0;
}

export interface Tolerances { rtol: number; atol: number; maxIter: number }
export function tolerances(op: string, opts: { rtol?: number; atol?: number; maxIter?: number }, n: number, defaultMax = 10 * n): Tolerances {
  const rtol = opts.rtol ?? 1e-5, atol = opts.atol ?? 0, maxIter = opts.maxIter ?? defaultMax;
  if (!(rtol >= 0) || !(atol >= 0)) throw new EdgegradError(op, `rtol and atol must be >= 0, got ${rtol}, ${atol}`, 'e.g. { rtol: 1e-5 }');
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new EdgegradError(op, `maxIter must be a non-negative integer, got ${maxIter}`, 'e.g. { maxIter: 1000 }');
  return { rtol, atol, maxIter };
}

export const dot = (a: Tensor, b: Tensor): Tensor => o.sum(o.mul(a, b));
/** ‖v‖ read back as a JS number. */
export async function norm(v: Tensor): Promise<number> {
  const t = scope(() => o.sqrt(dot(v, v)));
  try { return await t.item(); } finally { t.dispose(); }
}
/** Several 0-d or 1-d tensors read back in one transfer. */
export async function readAll(ts: Tensor[]): Promise<number[]> {
  const flat = scope(() => o.concat(ts.map((t) => o.reshape(t, [t.size])), 0));
  try { return Array.from(await flat.data()); } finally { flat.dispose(); }
}

export interface SolveResult { x: Tensor; iterations: number; residualNorm: number; converged: boolean }

/** readAll, then frees the tensors read. */
export async function readOwned(ts: Tensor[]): Promise<number[]> {
  try { return await readAll(ts); } finally { for (const t of ts) t.dispose(); }
}
