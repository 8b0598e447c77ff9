// qmatmul across the thread pool: a matrix-vector product (decode, m = 1) splits the weight
// rows (each thread streams its share of W), a matrix product (prefill) the activation rows.
// Every output element is the same dot product as on one thread. Scratch layout per
// activation row as in qmatmul.ts: k int8 codes, k/32 f32 scales, k/16 i32 code sums.
import type { WasmContext } from './context.js';
import { launch, split } from './parallel.js';

export function quantizeRowsThreaded(c: WasmContext, x: number, qx: number, dx: number, sx: number, m: number, k: number): void {
  const nb = k / 32;
  launch(c.ex, c.threads, 'quantizeRowsQ8', split(c.threads, m, m * k), ([s, e]) => [x + s * k * 4, qx + s * k, dx + s * nb * 4, sx + s * nb * 8, e - s, k]);
}

export function qmatmulThreaded(c: WasmContext, type: number, w: number, qx: number, dx: number, sx: number, out: number, m: number, n: number, k: number, rowBytes: number): void {
  // a block dot product costs about one elementwise element per weight byte read
  const nb = k / 32, work = m * n * rowBytes;
  if (m === 1) {
    launch(c.ex, c.threads, 'qmatmul', split(c.threads, n, work, 8), ([s, e]) => [type, w + s * rowBytes, qx, dx, sx, out + s * 4, 1, e - s, k, rowBytes]);
    return;
  }
  launch(c.ex, c.threads, 'qmatmul', split(c.threads, m, work), ([s, e]) => [type, w, qx + s * k, dx + s * nb * 4, sx + s * nb * 8, out + s * n * 4, e - s, n, k, rowBytes]);
}
