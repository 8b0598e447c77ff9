// Host side of assembly/attention.ts: scratch for one head's scores on the heap.
import type { DecodeAttentionParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';

export function decodeAttention(c: WasmContext) {
  const { ex, heap } = c;
  return (q: WasmHandle, k: WasmHandle, v: WasmHandle, out: WasmHandle, p: DecodeAttentionParams): void => {
    if (p.heads * p.headDim === 0) return;
    const bytes = ((p.length + 3) & ~3) * 4;
    const w = heap.alloc(bytes, false);
    try {
      ex.decodeAttention(c.ptr(q), c.ptr(k), c.ptr(v), c.ptr(out), w, p.heads, p.kvHeads, p.headDim, p.length, p.rowStride, p.scale);
    } finally {
      heap.release(w, bytes);
    }
  };
}
