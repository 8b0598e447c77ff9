// Host side of the Sinkhorn half-step (assembly/ot.ts): the column mode's scratch row is
// allocated on demand and kept (grown when a wider problem comes).
import type { OtLseParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';

export function otLse(c: WasmContext) {
  let scratch = -1, scratchBytes = 0;
  return (C: WasmHandle, h: WasmHandle, out: WasmHandle, p: OtLseParams): void => {
    if (p.batch * (p.axis === 1 ? p.n : p.m) === 0) return;
    if (p.axis === 0 && p.m * 4 > scratchBytes) {
      if (scratch >= 0) c.heap.release(scratch, scratchBytes);
      scratchBytes = Math.max(p.m * 4, 2 * scratchBytes);
      scratch = c.heap.alloc(scratchBytes);
    }
    c.ex.otLse(c.ptr(C), c.ptr(h), c.ptr(out), p.axis === 0 ? scratch : 0, p.batch, p.n, p.m, p.cBatchStride, p.axis, p.reg);
  };
}
