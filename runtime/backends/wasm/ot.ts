// Host side of the Sinkhorn half-step (assembly/ot.ts): argument packing and the column
// mode's scratch row, grown on demand and kept for the next call.
import type { OtLseParams } from '../../types.js';
import type { WasmHandle } from './index.js';

export type OtLseExport = (c: number, h: number, out: number, scratch: number, batch: number, n: number, m: number,
  cBatchStride: number, axis: number, reg: number) => void;

/** The backend's `otLse` kernel, given the export, the handle -> address check and a scratch allocator. */
export function wasmOtLse(fn: OtLseExport, ptr: (h: WasmHandle) => number, scratch: (bytes: number) => number) {
  return (c: WasmHandle, h: WasmHandle, out: WasmHandle, p: OtLseParams): void => {
    if (p.batch * (p.axis === 1 ? p.n : p.m) === 0) return;
    const s = p.axis === 0 ? scratch(p.m * 4) : 0;
    fn(ptr(c), ptr(h), ptr(out), s, p.batch, p.n, p.m, p.cBatchStride, p.axis, p.reg);
  };
}
