// Host side of qmatmul (assembly/qmatmul.ts): quantizes x into scratch on the heap, then
// runs the integer-dot kernel. Type ids and row sizes come from runtime/ggml.ts.
import type { QMatmulParams } from '../../types.js';
import { GGML_TYPES, rowBytes } from '../../ggml.js';
import type { WasmContext, WasmHandle } from './context.js';
import { qmatmulThreaded, quantizeRowsThreaded } from './qmatmul-threads.js';

export function qmatmul(c: WasmContext) {
  const { heap } = c;
  return (x: WasmHandle, w: WasmHandle, out: WasmHandle, p: QMatmulParams): void => {
    const { m, n, k, type } = p;
    if (m * n === 0) return;
    const nb = k / 32;
    const qBytes = m * k, dBytes = m * nb * 4, sBytes = m * nb * 8;
    const scratch = heap.alloc(qBytes + dBytes + sBytes, false);
    try {
      const qx = scratch, dx = qx + qBytes, sx = dx + dBytes;
      quantizeRowsThreaded(c, c.ptr(x), qx, dx, sx, m, k);
      qmatmulThreaded(c, GGML_TYPES[type].id, c.ptr(w), qx, dx, sx, c.ptr(out), m, n, k, rowBytes(type, k));
    } finally {
      heap.release(scratch, qBytes + dBytes + sBytes);
    }
  };
}
