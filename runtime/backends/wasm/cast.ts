// Host side of assembly/cast.ts.
import type { CastParams } from '../../types.js';
import { dtypeCodes } from '../../ops-table.js';
import type { WasmContext, WasmHandle } from './context.js';

export function cast(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: CastParams): void => {
    if (p.size === 0) return;
    c.ex.cast(dtypeCodes[p.from], dtypeCodes[p.to], c.ptr(x), c.ptr(out), p.size);
  };
}
