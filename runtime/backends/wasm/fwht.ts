// Host side of assembly/fwht.ts.
import type { FwhtParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';

export function fwht(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: FwhtParams): void => {
    if (p.segments * p.block === 0) return;
    c.ex.fwht(c.ptr(x), c.ptr(out), p.segments, p.block, 1 / Math.sqrt(p.block));
  };
}
