// Stochastic block model graphs: undirected, no self-loops, edge (i, j) present with
// probability pIn inside a block and pOut across. Pairs are visited by geometric skips (the
// gap to the next present pair), so the work is proportional to the edges, not n².
import * as random from '../random.js';
import { EdgegradError } from '../../runtime/errors.js';

/** A host CSR (the shape eg.sparse.csr, graph.fastRP and completion take) and each node's block. */
export interface SBMGraph { indptr: Int32Array; indices: Int32Array; values: Float32Array; shape: [number, number]; labels: Int32Array }

export function sbm(sizes: number[], pIn: number, pOut: number, opts: { key?: random.Key } = {}): SBMGraph {
  const op = 'graph.sbm';
  if (!Array.isArray(sizes) || sizes.length === 0 || sizes.some((s) => !(Number.isInteger(s) && s >= 1)))
    throw new EdgegradError(op, 'sizes must be a non-empty array of positive integers', 'Pass e.g. [100, 100, 100]');
  for (const [p, name] of [[pIn, 'pIn'], [pOut, 'pOut']] as const)
    if (!(p >= 0 && p <= 1)) throw new EdgegradError(op, `${name} must be a probability in [0, 1], got ${p}`, 'Pass a number between 0 and 1');
  const key = opts.key ?? random.key(0);
  let stream = random.bits(key, 4096), used = 0, refill = 0;
  const uniform = () => {
    if (used === stream.length) { stream = random.bits(random.foldIn(key, ++refill), 4096); used = 0; }
    return (stream[used++] + 0.5) / 4294967296;
  };
  const starts = sizes.reduce<number[]>((acc, s) => (acc.push(acc[acc.length - 1] + s), acc), [0]);
  const n = starts[starts.length - 1];
  const src: number[] = [], dst: number[] = [];
  /** Calls add(k) for the present pairs among `count`, each present with probability p. */
  const visit = (count: number, p: number, add: (k: number) => void) => {
    if (p <= 0) return;
    if (p >= 1) { for (let k = 0; k < count; k++) add(k); return; }
    const lq = Math.log1p(-p);
    for (let k = Math.floor(Math.log(uniform()) / lq); k < count; k += 1 + Math.floor(Math.log(uniform()) / lq)) add(k);
  };
  for (let a = 0; a < sizes.length; a++) for (let b = a; b < sizes.length; b++) {
    const sa = sizes[a], sb = sizes[b], oa = starts[a], ob = starts[b];
    if (a === b) {
      // k-th pair (i < j) of the block, row by row
      visit((sa * (sa - 1)) / 2, pIn, (k) => {
        let i = Math.floor((2 * sa - 1 - Math.sqrt((2 * sa - 1) ** 2 - 8 * k)) / 2);
        while (i > 0 && (i * (2 * sa - i - 1)) / 2 > k) i--;
        while (((i + 1) * (2 * sa - i - 2)) / 2 <= k) i++;
        const j = k - (i * (2 * sa - i - 1)) / 2 + i + 1;
        src.push(oa + i); dst.push(oa + j);
      });
    } else {
      visit(sa * sb, pOut, (k) => { src.push(oa + Math.floor(k / sb)); dst.push(ob + (k % sb)); });
    }
  }
  // symmetric CSR with sorted columns
  const deg = new Int32Array(n + 1);
  for (let e = 0; e < src.length; e++) { deg[src[e] + 1]++; deg[dst[e] + 1]++; }
  for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
  const indptr = Int32Array.from(deg), fill = Int32Array.from(deg.subarray(0, n));
  const indices = new Int32Array(2 * src.length);
  for (let e = 0; e < src.length; e++) { indices[fill[src[e]]++] = dst[e]; indices[fill[dst[e]]++] = src[e]; }
  for (let i = 0; i < n; i++) indices.subarray(indptr[i], indptr[i + 1]).sort();
  const labels = new Int32Array(n);
  sizes.forEach((s, b) => labels.fill(b, starts[b], starts[b] + s));
  return { indptr, indices, values: new Float32Array(indices.length).fill(1), shape: [n, n], labels };
}
