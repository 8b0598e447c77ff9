// Host side of assembly/matmul.ts: the packing buffers are allocated once, on first use; a
// B used again unchanged (a weight matrix) is packed once and kept in the PackCache.
import type { MatmulParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';
import type { PackCache } from './pack-cache.js';

export function matmul(c: WasmContext, packs: PackCache) {
  let packA = -1, packB = -1;
  return (a: WasmHandle, b: WasmHandle, out: WasmHandle, p: MatmulParams): void => {
    if (p.batch * p.m * p.n === 0) return;
    if (packA < 0) { packA = c.heap.alloc(c.ex.matmulPackABytes()); packB = c.heap.alloc(c.ex.matmulPackBBytes()); }
    let packed = 0;
    if (c.ex.matmulPacksB(p.batch, p.m, p.n, p.k, p.transA, p.aBatchStride, p.bBatchStride)) {
      // the pack depends on where B starts, its shape and whether it is read transposed
      const key = `${p.k}x${p.n}${p.transB ? 't' : ''}`;
      packed = packs.get(b, key, c.ex.matmulPackedBBytes(p.n, p.k), (dst) => c.ex.matmulPackB(c.ptr(b), p.n, p.k, p.transB, dst));
    }
    c.ex.matmul(c.ptr(a), c.ptr(b), c.ptr(out), p.batch, p.m, p.n, p.k, p.transA, p.transB, p.aBatchStride, p.bBatchStride, packA, packB, packed);
  };
}
