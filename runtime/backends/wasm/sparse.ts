// Host side of assembly/sparse.ts: CSR × dense and scatter-add.
import type { GatherParams, SpmmParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';

export function spmm(c: WasmContext) {
  return (indptr: WasmHandle, indices: WasmHandle, values: WasmHandle, x: WasmHandle, out: WasmHandle, p: SpmmParams): void => {
    if (p.m * p.k === 0) return;
    // an empty matrix still gets its zero rows: the kernel writes every output row
    c.ex.spmm(c.ptr(indptr), c.ptr(indices), c.ptr(values), c.ptr(x), c.ptr(out), p.m, p.k);
  };
}

export function scatterAdd(c: WasmContext) {
  return (x: WasmHandle, idx: WasmHandle, out: WasmHandle, p: GatherParams): void => {
    if (p.outer * p.axisSize * p.inner === 0) return;
    c.ex.scatterAdd(c.ptr(x), c.ptr(idx), c.ptr(out), p.outer, p.axisSize, p.inner, p.nIdx);
  };
}
