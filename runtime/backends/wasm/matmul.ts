// Host side of assembly/matmul.ts: the packing buffers are allocated once, on first use.
import type { MatmulParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';

export function matmul(c: WasmContext) {
  let packA = -1, packB = -1;
  return (a: WasmHandle, b: WasmHandle, out: WasmHandle, p: MatmulParams): void => {
    if (p.batch * p.m * p.n === 0) return;
    if (packA < 0) { packA = c.heap.alloc(c.ex.matmulPackABytes()); packB = c.heap.alloc(c.ex.matmulPackBBytes()); }
    c.ex.matmul(c.ptr(a), c.ptr(b), c.ptr(out), p.batch, p.m, p.n, p.k, p.transA, p.transB, p.aBatchStride, p.bBatchStride, packA, packB);
  };
}
