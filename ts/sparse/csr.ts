// Compressed sparse row matrices. The pattern lives on the host (structure.ts); the values
// are a float32 Tensor anywhere, and the products are differentiable w.r.t. them and x.
import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { keep, scope } from '../memory.js';
import { Pattern, hostIndex, checkShape2 } from './structure.js';
import { spmm } from './matmul.js';

export type IndexInput = Int32Array | readonly number[] | Tensor;
export type ValueInput = Float32Array | readonly number[] | Tensor;

export class CSR {
  /** @internal */ readonly pattern: Pattern;
  readonly values: Tensor;
  /** Tensors this matrix made (the values when they did not come from the caller). */
  private owned: Tensor[];

  /** @internal use eg.sparse.csr / fromCOO / fromDense */
  constructor(pattern: Pattern, values: Tensor, owned: Tensor[]) {
    this.pattern = pattern;
    this.values = values;
    this.owned = owned;
  }

  get shape(): [number, number] { return [this.pattern.m, this.pattern.n]; }
  get nnz(): number { return this.pattern.nnz; }
  get indptr(): Tensor { return this.pattern.tensor('indptr'); }
  get indices(): Tensor { return this.pattern.tensor('indices'); }

  /** A·x for x [n] (-> [m]) or [n, k] (-> [m, k]). */
  matmul(x: Tensor): Tensor { return spmm(this, x); }

  /** Aᵀ as a new CSR (its values are a differentiable gather of these). */
  transpose(): CSR {
    const { pattern, perm } = this.pattern.transposed();
    const v = keep(o.gather(this.values, Array.from(perm)));
    return new CSR(pattern, v, [v]);
  }

  /** The dense [m, n] matrix (duplicates summed); differentiable w.r.t. the values. */
  toDense(): Tensor {
    const { m, n } = this.pattern;
    const rows = this.pattern.rows(), cols = this.pattern.indices;
    const flat = Array.from(rows, (r, e) => r * n + cols[e]);
    return scope(() => o.reshape(o.segmentSum(this.values, flat, m * n), [m, n]));
  }

  /** Frees the index tensors and the values this matrix made (values passed in stay the caller's). */
  dispose(): void {
    this.pattern.dispose();
    for (const t of this.owned) t.dispose();
    this.owned = [];
  }

  toString(): string { return `CSR(${fmtShape(this.shape)}, nnz ${this.nnz})`; }
}

/** float32 values of length nnz: a caller's Tensor is used as is (so gradients reach it). */
function valuesOf(op: string, v: unknown, nnz: number): { t: Tensor; mine: boolean } {
  if (v instanceof Tensor) {
    if (v.dtype !== 'float32' || v.rank !== 1 || v.size !== nnz)
      throw new EdgegradError(op, `values must be a float32 vector of ${nnz} entries, got ${v.dtype} ${fmtShape(v.shape)}`, 'Pass one value per stored entry');
    return { t: v, mine: false };
  }
  if (!(ArrayBuffer.isView(v) || Array.isArray(v)))
    throw new EdgegradError(op, `values must be a Float32Array, a number[] or a Tensor, got ${v === null ? 'null' : typeof v}`, 'Pass one value per stored entry');
  const a = v as ArrayLike<number>;
  if (a.length !== nnz) throw new EdgegradError(op, `values has ${a.length} entries but the pattern stores ${nnz}`, 'Pass one value per stored entry');
  return { t: keep(Tensor.make(engine.fromData(Float32Array.from(a), 'float32'), [nnz])), mine: true };
}

/** eg.sparse.csr({ indptr, indices, values, shape }): validates, sorts the columns of each row. */
export function csr(args: { indptr: IndexInput; indices: IndexInput; values: ValueInput; shape: readonly number[] }): CSR {
  const op = 'sparse.csr';
  if (!args || typeof args !== 'object') throw new EdgegradError(op, 'needs { indptr, indices, values, shape }', 'Pass the three CSR arrays and the shape');
  const [m, n] = checkShape2(op, args.shape);
  const indptr = hostIndex(op, 'indptr', args.indptr), indices = hostIndex(op, 'indices', args.indices);
  if (indptr.length !== m + 1) throw new EdgegradError(op, `indptr has ${indptr.length} entries, shape [${m},${n}] needs ${m + 1}`, 'indptr holds rows + 1 offsets');
  if (indptr[0] !== 0) throw new EdgegradError(op, `indptr[0] is ${indptr[0]}, not 0`, 'indptr starts at 0');
  for (let i = 0; i < m; i++)
    if (indptr[i + 1] < indptr[i]) throw new EdgegradError(op, `indptr decreases at row ${i} (${indptr[i]} -> ${indptr[i + 1]})`, 'indptr must be non-decreasing');
  if (indptr[m] !== indices.length) throw new EdgegradError(op, `indptr ends at ${indptr[m]} but indices has ${indices.length} entries`, 'indptr[rows] must equal the number of stored entries');
  for (let e = 0; e < indices.length; e++)
    if (indices[e] < 0 || indices[e] >= n) throw new EdgegradError(op, `column index ${indices[e]} at entry ${e} is out of range for ${n} columns`, `Use column indices in [0, ${n - 1}]`);
  const vals = valuesOf(op, args.values, indices.length);
  // sort each row's columns (stable, so duplicates keep their order)
  let perm: Int32Array | null = null;
  for (let i = 0; i < m && !perm; i++)
    for (let e = indptr[i] + 1; e < indptr[i + 1]; e++) if (indices[e] < indices[e - 1]) { perm = new Int32Array(indices.length); break; }
  if (!perm) return new CSR(new Pattern(m, n, indptr, indices), vals.t, vals.mine ? [vals.t] : []);
  for (let e = 0; e < perm.length; e++) perm[e] = e;
  const sorted = new Int32Array(indices.length);
  for (let i = 0; i < m; i++) {
    const row = Array.from(perm.subarray(indptr[i], indptr[i + 1])).sort((a, b) => indices[a] - indices[b] || a - b);
    perm.set(row, indptr[i]);
    for (let e = indptr[i]; e < indptr[i + 1]; e++) sorted[e] = indices[perm[e]];
  }
  const v = keep(o.gather(vals.t, Array.from(perm)));
  if (vals.mine) vals.t.dispose();
  return new CSR(new Pattern(m, n, indptr, sorted), v, [v]);
}

/** eg.sparse.fromCOO(rows, cols, values, shape): duplicates summed (SciPy's coo -> csr; sums of
 *  zero stay stored), nnz = number of distinct coordinates. */
export function fromCOO(rows: IndexInput, cols: IndexInput, values: ValueInput, shape: readonly number[]): CSR {
  const op = 'sparse.fromCOO';
  const [m, n] = checkShape2(op, shape);
  const r = hostIndex(op, 'rows', rows), c = hostIndex(op, 'cols', cols);
  if (r.length !== c.length) throw new EdgegradError(op, `rows has ${r.length} entries and cols ${c.length}`, 'Pass one (row, col, value) per entry');
  for (let e = 0; e < r.length; e++) {
    if (r[e] < 0 || r[e] >= m) throw new EdgegradError(op, `row index ${r[e]} at entry ${e} is out of range for shape [${m},${n}]`, `Use row indices in [0, ${m - 1}]`);
    if (c[e] < 0 || c[e] >= n) throw new EdgegradError(op, `column index ${c[e]} at entry ${e} is out of range for shape [${m},${n}]`, `Use column indices in [0, ${n - 1}]`);
  }
  const vals = valuesOf(op, values, r.length);
  const order = Array.from(r.keys()).sort((a, b) => r[a] - r[b] || c[a] - c[b] || a - b);
  // segment id of each input entry = index of its distinct coordinate in sorted order
  const seg = new Int32Array(r.length);
  const indptr = new Int32Array(m + 1), indices: number[] = [];
  let last = -1;
  for (const e of order) {
    const key = r[e] * n + c[e];
    if (key !== last) { indices.push(c[e]); indptr[r[e] + 1]++; last = key; }
    seg[e] = indices.length - 1;
  }
  for (let i = 0; i < m; i++) indptr[i + 1] += indptr[i];
  const v = keep(o.segmentSum(vals.t, Array.from(seg), indices.length));
  if (vals.mine) vals.t.dispose();
  return new CSR(new Pattern(m, n, indptr, Int32Array.from(indices)), v, [v]);
}

/** eg.sparse.fromDense(t): the non-zero entries of a 2-D tensor (exact zeros dropped). The
 *  pattern is read on the host; the values are a differentiable gather of t. */
export function fromDense(t: Tensor): CSR {
  const op = 'sparse.fromDense';
  if (!(t instanceof Tensor)) throw new EdgegradError(op, `needs a Tensor, got ${t === null ? 'null' : typeof t}`, 'Pass a 2-D float32 tensor');
  if (t.rank !== 2 || t.dtype !== 'float32') throw new EdgegradError(op, `needs a 2-D float32 tensor, got ${t.dtype} ${fmtShape(t.shape)}`, 'Reshape or cast it first');
  if (!t.storage.backend.isCPU) throw new EdgegradError(op, `the tensor lives on ${t.device}; finding the non-zeros needs a synchronous read`, 'Use eg.sparse.fromDense(eg.tensor(await t.data(), t.shape)) or build the CSR from indices');
  const [m, n] = t.shape;
  const d = engine.readSync(t.live(op), op);
  const indptr = new Int32Array(m + 1), indices: number[] = [], flat: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) if (d[i * n + j] !== 0) { indices.push(j); flat.push(i * n + j); }
    indptr[i + 1] = indices.length;
  }
  const v = keep(scope(() => o.gather(o.reshape(t, [m * n]), flat)));
  return new CSR(new Pattern(m, n, indptr, Int32Array.from(indices)), v, [v]);
}
