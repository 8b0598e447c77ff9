// Randomized block Kaczmarz (sketch-and-project with row sketches): each step picks
// `blockSize` rows with probability ∝ ‖A_i‖² and projects x onto their solution set,
// x −= A_Sᵀ (A_S A_Sᵀ)⁺ (A_S x − b_S). The blockSize² system is solved on the host.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros, tensor } from '../creation.js';
import { scope, dispose } from '../memory.js';
import { Key, bits, foldIn } from '../random.js';
import { CSR } from '../sparse/csr.js';
import { norm, readOwned } from './operator.js';
import { lstsq, type Mat } from './small.js';

export interface KaczmarzOptions { key: Key; blockSize?: number; maxIter?: number; rtol?: number }

export async function kaczmarz(A: Tensor | CSR, b: Tensor, opts: KaczmarzOptions): Promise<{ x: Tensor; iterations: number; residualNorm: number }> {
  const op = 'linalg.kaczmarz';
  if (!opts || !(opts.key instanceof Key)) throw new EdgegradError(op, 'needs { key }', 'Pass { key: eg.random.key(0), blockSize, maxIter, rtol }');
  const dense = A instanceof CSR ? A.toDense() : A;
  if (!(dense instanceof Tensor) || dense.rank !== 2 || dense.dtype !== 'float32') throw new EdgegradError(op, `A must be a float32 matrix or a CSR, got ${dense instanceof Tensor ? fmtShape(dense.shape) : typeof A}`, 'Pass A [m, n]');
  const [m, n] = dense.shape;
  if (!(b instanceof Tensor) || b.rank !== 1 || b.size !== m) throw new EdgegradError(op, `b must be a vector of ${m} entries for A ${fmtShape(dense.shape)}`, 'Match b to A\'s rows');
  const bs = Math.min(opts.blockSize ?? 1, m), maxIter = opts.maxIter ?? 100 * Math.ceil(m / bs), rtol = opts.rtol ?? 1e-4;
  if (!Number.isInteger(bs) || bs < 1) throw new EdgegradError(op, `blockSize must be a positive integer, got ${opts.blockSize}`, 'e.g. { blockSize: 8 }');
  const rowNorm2 = await readOwned([scope(() => o.sum(o.square(dense), 1))]);
  const cum: number[] = [];
  let total = 0;
  for (const v of rowNorm2) { total += v; cum.push(total); }
  if (!(total > 0)) throw new EdgegradError(op, 'A is zero', 'Pass a non-zero matrix');
  const pick = (u: number): number => { let lo = 0, hi = m - 1; const t = u * total; while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid] < t) lo = mid + 1; else hi = mid; } return lo; };
  const bn = await norm(b);
  const tol = rtol * bn;
  const epoch = Math.max(1, Math.ceil(m / bs));
  let x = zeros([n]);
  let rn = bn, it = 0;
  while (it < maxIter && rn > tol) {
    const u = bits(foldIn(opts.key, it), bs);
    const rows = Array.from(u, (w) => pick(w / 4294967296));
    const As = scope(() => o.gather(dense, rows, 0));
    const vals = await readOwned([scope(() => o.matmul(As, As, { transposeB: true })), scope(() => o.sub(o.matmul(As, x), o.gather(b, rows)))]);
    const G: Mat = Array.from({ length: bs }, (_, i) => vals.slice(i * bs, i * bs + bs));
    const { y } = lstsq(G, vals.slice(bs * bs));
    const nx = scope(() => o.sub(x, o.matmul(tensor(Float32Array.from(y), [1, bs]), As).reshape([n])));
    dispose([x, As]);
    x = nx;
    it++;
    if (it % epoch === 0 || it === maxIter) { const res = scope(() => o.sub(o.matmul(dense, x), b)); rn = await norm(res); res.dispose(); }
  }
  if (dense !== A) dense.dispose();
  return { x, iterations: it, residualNorm: rn };
}
