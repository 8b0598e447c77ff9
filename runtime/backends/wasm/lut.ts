// Host side of assembly/lut.ts: activations are quantized to int8 per 32 (quantizeRowsQ8, the
// qmatmul kernel's quantizer) into heap scratch, padded with zeros to whole chunks when k is
// not a multiple of 32; one row of int8 weights is unpacked into scratch at a time.
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
    const pad = kp === k ? 0 : m * kp * 4;
    const bytes = kp + m * kp + m * nc * 4 + m * nc * 8 + pad;
    const w8 = heap.alloc(bytes, false);
    try {
      const qx = w8 + kp, dx = qx + m * kp, sx = dx + m * nc * 4;
      let xp = c.ptr(x);
      if (pad) {
        xp = sx + m * nc * 8;
        const buf = ex.memory.buffer, src = new Float32Array(buf, c.ptr(x), m * k), dst = new Float32Array(buf, xp, m * kp);
        dst.fill(0);
        for (let i = 0; i < m; i++) dst.set(src.subarray(i * k, (i + 1) * k), i * kp);
      }
      ex.quantizeRowsQ8(xp, qx, dx, sx, m, kp);
      ex.lut(...w, qx, dx, w8, c.ptr(out), m, n, k, bits, seg);
    } finally {
      heap.release(w8, bytes);
    }
  };
}
