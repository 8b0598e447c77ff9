// Host side of qmatmul (assembly/qmatmul.ts): quantizes x into scratch on the heap, then
// runs the integer-dot kernel (F16 weights: the float kernel, x as it is). Type ids and row
// sizes come from runtime/ggml.ts.
import type { QMatmulParams } from '../../types.js';
import { GGML_TYPES, rowBytes, type QuantType } from '../../ggml.js';
import type { WasmContext, WasmHandle } from './context.js';
import { qmatmulThreaded, quantizeRowsThreaded } from './qmatmul-threads.js';

export function qmatmul(c: WasmContext) {
  const { ex, heap } = c;
  /** out = x · Wᵀ for x at px (m rows of k floats), W at pw, out at po; across the thread pool
   *  (when there is one and the work is large enough) unless `single`. */
  const run = (px: number, pw: number, po: number, m: number, n: number, k: number, type: QuantType, single = false): void => {
    const nb = k / 32;
    const qBytes = m * k, dBytes = m * nb * 4, sBytes = m * nb * 8;
    const scratch = heap.alloc(qBytes + dBytes + sBytes, false);
    try {
      const qx = scratch, dx = qx + qBytes, sx = dx + dBytes;
      if (single) {
        ex.quantizeRowsQ8(px, qx, dx, sx, m, k);
        ex.qmatmul(GGML_TYPES[type].id, pw, qx, dx, sx, po, m, n, k, rowBytes(type, k));
      } else {
        quantizeRowsThreaded(c, px, qx, dx, sx, m, k);
        qmatmulThreaded(c, GGML_TYPES[type].id, pw, qx, dx, sx, po, m, n, k, rowBytes(type, k));
      }
    } finally {
      heap.release(scratch, qBytes + dBytes + sBytes);
    }
  };
  // checked on this thread's instance, which is the one the flag sets: worker instances keep
  // the widening path (the same integer sums, so split results stay identical)
  if (ex.features() & 2) ex.setInt8Dot(int8DotAgrees(c, (px, pw, po, m, n, k, type) => run(px, pw, po, m, n, k, type, true)));
  return (x: WasmHandle, w: WasmHandle, out: WasmHandle, p: QMatmulParams): void => {
    if (p.m * p.n === 0) return;
    // halves are converted in the kernel and meet float32 activations
    // (the x slot takes the float rows themselves; a decode row splits by weight rows)
    if (p.type === 'F16') {
      if (p.m === 1) qmatmulThreaded(c, GGML_TYPES.F16.id, c.ptr(w), c.ptr(x), 0, 0, c.ptr(out), 1, p.n, p.k, 2 * p.k);
      else ex.qmatmul(GGML_TYPES.F16.id, c.ptr(w), c.ptr(x), 0, 0, c.ptr(out), p.m, p.n, p.k, 2 * p.k);
      return;
    }
    run(c.ptr(x), c.ptr(w), c.ptr(out), p.m, p.n, p.k, p.type);
  };
}

/** Whether the relaxed int8 dot gives the same results as the widening path (bit for bit: the
 *  integer sums are exact either way) on random 4-bit weights, one and two activation rows. */
function int8DotAgrees(c: WasmContext, run: (px: number, pw: number, po: number, m: number, n: number, k: number, type: QuantType) => void): boolean {
  const k = 256, n = 5, m = 2;
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
  let ok = true;
  for (const type of ['Q4_0', 'Q4_K'] as const) {
    const wBytes = n * rowBytes(type, k), bytes = wBytes + m * k * 4 + 2 * m * n * 4;
    const base = c.heap.alloc(bytes, false);
    try {
      const u8 = new Uint8Array(c.ex.memory.buffer, base, wBytes);
      for (let i = 0; i < wBytes; i++) u8[i] = next() & 0xff;
      // finite half scales: clear the exponent's top bit of every f16 a block starts with
      const block = GGML_TYPES[type].bytes, heads = type === 'Q4_K' ? 2 : 1;
      for (let o = 0; o < wBytes; o += block) for (let h = 0; h < heads; h++) u8[o + 2 * h + 1] &= 0x3f;
      const px = base + wBytes, po = px + m * k * 4;
      const x = new Float32Array(c.ex.memory.buffer, px, m * k);
      for (let i = 0; i < m * k; i++) x[i] = (next() / 2 ** 24) * 2 - 1;
      for (const rows of [1, m]) {
        c.ex.setInt8Dot(false);
        run(px, base, po, rows, n, k, type);
        c.ex.setInt8Dot(true);
        run(px, base, po + rows * n * 4, rows, n, k, type);
        const a = new Uint32Array(c.ex.memory.buffer, po, rows * n), b = new Uint32Array(c.ex.memory.buffer, po + rows * n * 4, rows * n);
        for (let i = 0; i < rows * n; i++) if (a[i] !== b[i]) ok = false;
      }
    } finally {
      c.heap.release(base, bytes);
    }
  }
  return ok;
}
