// Host side of the sparse family (assembly/sparse.ts): maps the params to the exports' flat
// argument lists.
import type { GatherParams, SpmmParams } from '../../types.js';
import type { WasmHandle } from './index.js';

export interface SparseExports {
  spmm(indptr: number, indices: number, values: number, x: number, out: number, m: number, k: number): void;
  scatterAdd(x: number, idx: number, out: number, outer: number, axisSize: number, inner: number, nIdx: number): void;
}

export function wasmSparse(ex: SparseExports, ptr: (h: WasmHandle) => number) {
  return {
    spmm(indptr: WasmHandle, indices: WasmHandle, values: WasmHandle, x: WasmHandle, out: WasmHandle, p: SpmmParams): void {
      if (p.m * p.k === 0) return;
      // an empty matrix still needs a zero output: the kernel clears each row before adding
      ex.spmm(ptr(indptr), ptr(indices), ptr(values), ptr(x), ptr(out), p.m, p.k);
    },
    scatterAdd(x: WasmHandle, idx: WasmHandle, out: WasmHandle, p: GatherParams): void {
      if (p.outer * p.axisSize * p.inner === 0) return;
      ex.scatterAdd(ptr(x), ptr(idx), ptr(out), p.outer, p.axisSize, p.inner, p.nIdx);
    },
  };
}
