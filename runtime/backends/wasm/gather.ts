// Host side of assembly/gather.ts.
import type { GatherParams } from '../../types.js';
import { bytesPerElement } from '../../ops-table.js';
import type { WasmContext, WasmHandle } from './context.js';

export function gather(c: WasmContext) {
  return (x: WasmHandle, idx: WasmHandle, out: WasmHandle, p: GatherParams): void => {
    if (p.outer * p.nIdx * p.inner === 0) return;
    c.ex.gather(bytesPerElement(p.dtype), c.ptr(x), c.ptr(idx), c.ptr(out), p.outer, p.axisSize, p.inner, p.nIdx);
  };
}
