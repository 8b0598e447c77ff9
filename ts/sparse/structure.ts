// The sparsity pattern of a CSR matrix, kept on the host: validation, sorting and the
// transpose's pattern need the indices anyway, and keeping them here lets a CSR whose
// values live on the GPU be built and differentiated without reading anything back.
// Device copies of the index arrays are made on first use and kept (eg.keep) until dispose.
import { engine } from '../../runtime/engine.js';
import { EdgegradError } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { keep } from '../memory.js';

export class Pattern {
  private cache = new Map<string, Tensor>();
  private t?: { pattern: Pattern; perm: Int32Array };
  /** Made by transposed(): disposing it leaves the pattern it came from alone. */
  private derived = false;

  constructor(readonly m: number, readonly n: number, readonly indptr: Int32Array, readonly indices: Int32Array) {}

  get nnz(): number { return this.indices.length; }

  /** Row of every stored entry. */
  rows(): Int32Array {
    const r = new Int32Array(this.nnz);
    for (let i = 0; i < this.m; i++) r.fill(i, this.indptr[i], this.indptr[i + 1]);
    return r;
  }

  /** A device tensor of one of the index arrays, made once. */
  tensor(which: 'indptr' | 'indices' | 'rows' | 'perm'): Tensor {
    let t = this.cache.get(which);
    if (!t || t.isDisposed) {
      const data = which === 'indptr' ? this.indptr : which === 'indices' ? this.indices : which === 'rows' ? this.rows() : this.transposed().perm;
      t = keep(Tensor.make(engine.fromData(data, 'int32'), [data.length]));
      this.cache.set(which, t);
    }
    return t;
  }

  /** The transpose's pattern and, for each of its entries, the entry of this one it came
   *  from (a counting sort by column: rows come out sorted within each column). */
  transposed(): { pattern: Pattern; perm: Int32Array } {
    if (this.t) return this.t;
    const { m, n, indptr, indices } = this;
    const tp = new Int32Array(n + 1);
    for (let e = 0; e < this.nnz; e++) tp[indices[e] + 1]++;
    for (let j = 0; j < n; j++) tp[j + 1] += tp[j];
    const next = tp.slice(0, n);
    const ti = new Int32Array(this.nnz), perm = new Int32Array(this.nnz);
    for (let i = 0; i < m; i++)
      for (let e = indptr[i]; e < indptr[i + 1]; e++) {
        const d = next[indices[e]]++;
        ti[d] = i;
        perm[d] = e;
      }
    const pattern = new Pattern(n, m, tp, ti);
    pattern.derived = true;
    pattern.t = { pattern: this, perm: invert(perm) };
    return (this.t = { pattern, perm });
  }

  /** Frees the device copies (made again if used later); a pattern also frees those of the
   *  transpose it derived. */
  dispose(): void {
    for (const t of this.cache.values()) t.dispose();
    this.cache.clear();
    if (this.t && !this.derived) this.t.pattern.dispose();
  }
}

function invert(p: Int32Array): Int32Array {
  const q = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) q[p[i]] = i;
  return q;
}

/** Host int32 copy of an index argument (typed array, number[] or int32 Tensor on the CPU). */
export function hostIndex(op: string, what: string, v: unknown): Int32Array {
  if (v instanceof Tensor) {
    if (v.dtype !== 'int32') throw new EdgegradError(op, `${what} must be int32, got ${v.dtype}`, "Cast it with .cast('int32')");
    if (v.rank !== 1) throw new EdgegradError(op, `${what} must be 1-D, got shape [${v.shape}]`, 'Flatten it with .reshape([-1])');
    if (!v.storage.backend.isCPU) throw new EdgegradError(op, `${what} lives on ${v.device}; the sparsity pattern is validated and sorted on the host`, `Pass eg.tensor(await ${what}.data(), 'int32') or an Int32Array`);
    return Int32Array.from(engine.readSync(v.live(op), op));
  }
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const a = v as ArrayLike<number>;
    const out = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++) {
      if (!Number.isInteger(a[i])) throw new EdgegradError(op, `${what}[${i}] = ${a[i]} is not an integer`, `Pass integer ${what}`);
      out[i] = a[i];
    }
    return out;
  }
  throw new EdgegradError(op, `${what} must be an Int32Array, a number[] or an int32 Tensor, got ${v === null ? 'null' : typeof v}`, `Pass ${what} as an Int32Array`);
}

export function checkShape2(op: string, shape: unknown): [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new EdgegradError(op, `shape must be [rows, cols] of non-negative integers, got ${JSON.stringify(shape)}`, 'Pass { shape: [m, n] }');
  return [shape[0], shape[1]];
}
