// Lanczos tridiagonalisation of a symmetric operator, with full reorthogonalisation (CGS2):
// float32 Lanczos loses orthogonality within a few steps otherwise.
import { EdgegradError } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { scope, dispose } from '../memory.js';
import { Key, normal } from '../random.js';
import { asOperator, norm, type OperatorLike } from './operator.js';
import { orthogonalize, appendRow } from './arnoldi.js';

export interface LanczosResult { alpha: number[]; beta: number[]; basis: Tensor }

/** k steps from a random unit start vector: T = tridiag(beta, alpha, beta), basis [n, k'] with
 *  orthonormal columns (k' < k when an invariant subspace is found early). */
export interface LanczosOptions {
  k: number;
  /** Draws the start vector (normal, then normalised). */
  key?: Key;
  /** Size of a function operator. */
  n?: number;
  /** A start vector instead of the random one (normalised here). */
  v0?: Tensor;
}

export async function lanczos(A: OperatorLike, opts: LanczosOptions): Promise<LanczosResult> {
  const op = 'linalg.lanczos';
  const L = asOperator(op, A);
  if (!opts || !(opts.key instanceof Key || opts.v0 instanceof Tensor)) throw new EdgegradError(op, 'needs { k, key } (or a start vector v0)', 'Pass { k: 20, key: eg.random.key(0) }');
  const n = L.n ?? opts.n ?? opts.v0?.size;
  if (n === undefined) throw new EdgegradError(op, 'a function operator needs { n } (its size)', 'Pass { k, key, n }');
  const k = Math.min(opts.k, n);
  if (!Number.isInteger(k) || k < 1) throw new EdgegradError(op, `k must be a positive integer, got ${opts.k}`, 'e.g. { k: 20 }');
  if (opts.v0 && (opts.v0.rank !== 1 || opts.v0.size !== n)) throw new EdgegradError(op, `v0 must be a vector of ${n} entries, got shape [${opts.v0.shape}]`, 'Pass v0 shaped like the operator\'s input');
  const v0 = opts.v0 ?? normal(opts.key!, [n]);
  const nv = await norm(v0);
  let V = scope(() => o.reshape(o.div(v0, nv), [1, n]));
  if (v0 !== opts.v0) v0.dispose();
  const alpha: number[] = [], beta: number[] = [];
  for (let j = 0; j < k; j++) {
    const w = scope(() => L.apply(o.reshape(o.slice(V, [j, 0], [1, n]), [n])));
    const s = await orthogonalize(V, w, null);
    alpha.push(s.h[j]);
    const scale = Math.max(...alpha.map(Math.abs), ...beta, 1e-30);
    if (j === k - 1 || !(s.hn > 1e-6 * scale)) { s.w.dispose(); break; }
    beta.push(s.hn);
    V = appendRow(V, s.w, s.hn);
  }
  const basis = scope(() => o.transpose(V));
  dispose(V);
  return { alpha, beta, basis };
}
