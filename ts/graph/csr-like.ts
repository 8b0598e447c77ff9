// The CSR shape graph and completion code reads: { indptr, indices, values, shape } with
// host arrays or tensors, so it takes eg.sparse.csr matrices (the sparse module) as well as
// plain objects. The pattern is needed on the host; values may stay on their device.
import { Tensor } from '../tensor.js';
import { EdgegradError } from '../../runtime/errors.js';

export interface CSRLike {
  indptr: Int32Array | readonly number[] | Tensor;
  indices: Int32Array | readonly number[] | Tensor;
  values: Float32Array | readonly number[] | Tensor;
  shape: readonly number[];
}

function hostInts(op: string, name: string, x: unknown): Int32Array {
  if (x instanceof Tensor) {
    if (!x.storage.backend.isCPU) throw new EdgegradError(op, `${name} lives on the GPU; the sparsity pattern is needed on the host`, 'Pass the pattern as Int32Arrays (or CPU tensors)');
    return Int32Array.from(x.dataSync());
  }
  if (ArrayBuffer.isView(x) || Array.isArray(x)) return Int32Array.from(x as ArrayLike<number>);
  throw new EdgegradError(op, `${name} must be an Int32Array, a number[] or a Tensor`, 'Pass { indptr, indices, values, shape }');
}

/** The pattern on the host, validated; values returned as given. */
export function pattern(op: string, A: CSRLike): { m: number; n: number; indptr: Int32Array; indices: Int32Array; values: Float32Array | readonly number[] | Tensor } {
  if (!A || typeof A !== 'object' || !A.shape) throw new EdgegradError(op, 'needs a CSR matrix { indptr, indices, values, shape }', 'Build one with eg.graph.sbm or eg.sparse.csr');
  const [m, n] = A.shape;
  const indptr = hostInts(op, 'indptr', A.indptr), indices = hostInts(op, 'indices', A.indices);
  if (A.shape.length !== 2 || indptr.length !== m + 1 || indptr[0] !== 0 || indptr[m] !== indices.length)
    throw new EdgegradError(op, `inconsistent CSR: shape [${A.shape}], indptr of ${indptr.length}, ${indices.length} indices`, 'indptr needs rows + 1 offsets from 0 to nnz');
  for (let i = 0; i < m; i++) if (indptr[i + 1] < indptr[i]) throw new EdgegradError(op, `indptr decreases at row ${i}`, 'indptr must be non-decreasing');
  for (let e = 0; e < indices.length; e++) if (indices[e] < 0 || indices[e] >= n) throw new EdgegradError(op, `column index ${indices[e]} out of range for ${n} columns`, 'Check the indices');
  const nv = A.values instanceof Tensor ? A.values.size : (A.values as ArrayLike<number>).length;
  if (nv !== indices.length) throw new EdgegradError(op, `values has ${nv} entries for ${indices.length} indices`, 'Pass one value per stored entry');
  return { m, n, indptr, indices, values: A.values };
}
