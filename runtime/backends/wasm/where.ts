// Host side of assembly/where.ts.
import type { WhereParams } from '../../types.js';
import { bytesPerElement } from '../../ops-table.js';
import { collapse, collapseToRows } from '../../layout.js';
import { MAX_RANK, type WasmContext, type WasmHandle } from './context.js';

export const whereSupports = (p: WhereParams): boolean =>
  p.outShape.length <= MAX_RANK || collapse(p.outShape, [p.cStrides, p.aStrides, p.bStrides]).shape.length <= MAX_RANK;

export function where(c: WasmContext) {
  return (cond: WasmHandle, a: WasmHandle, b: WasmHandle, out: WasmHandle, p: WhereParams): void => {
    if (p.size === 0) return;
    const l = collapseToRows(p.outShape, [p.cStrides, p.aStrides, p.bStrides]);
    c.ex.where(bytesPerElement(p.dtype), c.ptr(cond), c.ptr(a), c.ptr(b), c.ptr(out), c.meta, c.writeMeta(l.shape, l.strides));
  };
}
