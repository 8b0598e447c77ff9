// Host side of assembly/lut.ts: activations are quantized to int8 per 32 (zero-padded to whole
// chunks) into heap scratch; with several activation rows, one row of int8 weights is unpacked
// into scratch at a time.
import type { LutParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';

export function lut(c: WasmContext) {
  const { ex, heap } = c;
  return (x: WasmHandle | null, codes: WasmHandle, tables: WasmHandle, ids: WasmHandle, scales: WasmHandle, out: WasmHandle, p: LutParams): void => {
    const { m, n, k, bits, seg } = p;
    const kp = Math.ceil(k / 32) * 32, nc = kp / 32;
    const w = [c.ptr(codes), c.ptr(tables), c.ptr(ids), c.ptr(scales)] as const;
    if (!x) {
      const w8 = heap.alloc(kp, false);
      try { ex.lutDecode(...w, w8, c.ptr(out), n, k, bits, seg); } finally { heap.release(w8, kp); }
      return;
    }
    if (m * n === 0) return;
    const bytes = kp + m * kp + m * nc * 4;
    const w8 = heap.alloc(bytes, false);
    try {
      const qx = w8 + kp, dx = qx + m * kp;
      ex.lutQuantizeX(c.ptr(x), qx, dx, m, k);
      ex.lut(...w, qx, dx, w8, c.ptr(out), m, n, k, bits, seg);
    } finally {
      heap.release(w8, bytes);
    }
  };
}
