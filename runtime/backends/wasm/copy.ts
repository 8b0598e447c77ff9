// Host side of assembly/copy.ts: strided copies, with 2-D transposes sent to the blocked kernel.
import type { CopyParams } from '../../types.js';
import { bytesPerElement } from '../../ops-table.js';
import { collapse, collapseToRows } from '../../layout.js';
import { MAX_RANK, type WasmContext, type WasmHandle } from './context.js';

export const copySupports = (p: CopyParams): boolean =>
  p.shape.length <= MAX_RANK || collapse(p.shape, [p.xStrides, p.outStrides]).shape.length <= MAX_RANK;

export function copy(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: CopyParams): void => {
    if (p.size === 0) return;
    const l = collapseToRows(p.shape, [p.xStrides, p.outStrides]);
    const eb = bytesPerElement(p.dtype);
    const px = c.ptr(x) + p.xOffset * eb, po = c.ptr(out) + p.outOffset * eb;
    if (eb === 4 && isTranspose(l.shape, l.strides[0], l.strides[1])) {
      // [batch,] rows, cols with x contiguous down the rows: blocked 2-D transposes
      const r = l.shape.length, rows = l.shape[r - 2], cols = l.shape[r - 1];
      const batch = r === 3 ? l.shape[0] : 1;
      for (let t = 0; t < batch; t++) {
        const bx = r === 3 ? t * l.strides[0][0] * 4 : 0, bo = r === 3 ? t * l.strides[1][0] * 4 : 0;
        c.ex.transpose(px + bx, po + bo, rows, cols, l.strides[0][r - 1], l.strides[1][r - 2]);
      }
      return;
    }
    c.ex.copy(eb, px, po, c.meta, c.writeMeta(l.shape, l.strides));
  };
}

/** Last two axes swap memory order between x and out, and each 2-D slice is big enough
 *  for the blocked kernel to pay off (a per-slice call from here). */
function isTranspose(shape: number[], xs: number[], os: number[]): boolean {
  const r = shape.length;
  if (r !== 2 && r !== 3) return false;
  if (xs[r - 2] !== 1 || os[r - 1] !== 1 || xs[r - 1] === 1 || os[r - 2] === 1) return false;
  return shape[r - 2] >= 16 && shape[r - 2] * shape[r - 1] >= 256;
}
