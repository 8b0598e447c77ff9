// FastRP graph embeddings (Chen et al.): powers of the random-walk matrix S = D⁻¹A applied to
// a very sparse random projection, each power row-normalised, then weighted and summed.
// Formula and conventions: shared/API.md "Graphs". S is an eg.sparse CSR (its values divided
// by the row degrees), so each power is one spmm kernel launch on the tensors' backend.
import { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import * as o from '../ops/index.js';
import { scope } from '../memory.js';
import * as random from '../random.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { csr } from '../sparse/csr.js';
import { pattern, type CSRLike } from './csr-like.js';

export interface FastRPOptions { dim: number; weights: number[]; normalizationStrength?: number; key?: random.Key; projection?: Tensor }

/** Each row scaled to unit L2 norm; zero rows stay zero. */
function rowNormalize(x: Tensor): Tensor {
  const nrm = o.sqrt(o.sum(o.square(x), 1, true));
  return o.where(o.greater(nrm, 0), o.div(x, o.maximum(nrm, 1e-30)), 0);
}

/** The default R: entries ±√s with probability 1/(2s) each, 0 otherwise, s = √n. */
export function sparseProjection(key: random.Key, n: number, dim: number): Tensor {
  const s = Math.sqrt(n);
  return scope(() => {
    const u = random.uniform(key, [n, dim]);
    return o.where(o.less(u, 1 / (2 * s)), Math.sqrt(s), o.where(o.less(u, 1 / s), -Math.sqrt(s), 0));
  });
}

export function fastRP(adj: CSRLike, opts: FastRPOptions): Tensor {
  const op = 'graph.fastRP';
  const { m, n, indptr, indices, values } = pattern(op, adj);
  if (m !== n) throw new EdgegradError(op, `the adjacency matrix must be square, got [${m},${n}]`, 'Pass an n x n CSR');
  const dim = opts?.dim;
  if (!(Number.isInteger(dim) && dim >= 1)) throw new EdgegradError(op, `dim must be a positive integer, got ${String(dim)}`, 'Pass { dim: 128 } or similar');
  const weights = opts.weights;
  if (!Array.isArray(weights) || weights.length === 0 || weights.some((w) => !Number.isFinite(w)))
    throw new EdgegradError(op, 'weights must be a non-empty array of finite numbers (one per power of S)', 'Pass e.g. { weights: [0, 1, 1] }');
  const beta = opts.normalizationStrength ?? 0;
  if (opts.projection && (!(opts.projection instanceof Tensor) || opts.projection.shape.join() !== [n, dim].join()))
    throw new EdgegradError(op, `projection must be a Tensor [${n}, ${dim}], got ${opts.projection instanceof Tensor ? fmtShape(opts.projection.shape) : typeof opts.projection}`, 'Pass an [n, dim] tensor or leave it out');
  if (values instanceof Tensor && !values.storage.backend.isCPU)
    throw new EdgegradError(op, 'the adjacency values live on the GPU; degrees are taken on the host', 'Pass values as a Float32Array (or a CPU tensor)');
  const vals = Float32Array.from(values instanceof Tensor ? values.dataSync() : (values as ArrayLike<number>));
  const deg = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) for (let e = indptr[i]; e < indptr[i + 1]; e++) { deg[i] += vals[e]; total += vals[e]; }
  // S = D⁻¹A folded into the stored weights: each row's weights divided by its degree
  const sv = new Float32Array(vals.length);
  for (let i = 0; i < n; i++) for (let e = indptr[i]; e < indptr[i + 1]; e++) sv[e] = deg[i] > 0 ? vals[e] / deg[i] : 0;
  const S = csr({ indptr, indices, values: sv, shape: [n, n] });
  try {
    let N = scope(() => {
      const R = opts.projection ?? sparseProjection(opts.key ?? random.key(0), n, dim);
      const scale = Float32Array.from(deg, (d) => (d > 0 ? Math.pow(d / total, beta) : 0));
      return o.mul(R, tensor(scale, [n, 1]));
    });
    let E: Tensor | null = null;
    for (const w of weights) {
      // one power at a time: only N and the running sum stay alive between powers
      const [N1, E1] = scope(() => {
        const next = rowNormalize(S.matmul(N));
        const term = o.mul(next, w);
        return [next, E ? o.add(E, term) : term];
      });
      N.dispose(); E?.dispose();
      N = N1; E = E1;
    }
    N.dispose();
    return E!;
  } finally {
    S.dispose();
  }
}
