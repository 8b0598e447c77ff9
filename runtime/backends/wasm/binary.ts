// Host side of assembly/binary.ts.
import type { BinaryParams } from '../../types.js';
import { binaryCodes, dtypeCodes, bytesPerElement, isCompare } from '../../ops-table.js';
import { collapseToRows, isContiguous } from '../../layout.js';
import { MAX_RANK, type WasmContext, type WasmHandle } from './context.js';
import { launch, split } from './parallel.js';

export const binarySupports = (p: BinaryParams): boolean => p.outShape.length <= MAX_RANK;

export function binary(c: WasmContext) {
  return (a: WasmHandle, b: WasmHandle, out: WasmHandle, p: BinaryParams): void => {
    if (p.size === 0) return;
    // the usual same-shape case skips the general shape analysis
    const flat = isContiguous(p.outShape, p.aStrides) && isContiguous(p.outShape, p.bStrides);
    const l = flat ? { shape: [p.size], strides: [[1], [1]] } : collapseToRows(p.outShape, [p.aStrides, p.bStrides]);
    const eb = bytesPerElement(p.dtype), ob = isCompare(p.op) ? 1 : eb;
    const pa = c.ptr(a) + p.aOffset * eb, pb = c.ptr(b) + p.bOffset * eb, po = c.ptr(out);
    // threads take ranges of the outermost axis (of a flat call: 64-element blocks)
    const [rows, ...rest] = l.shape, inner = rest.reduce((x, y) => x * y, 1);
    launch(c.ex, c.threads, 'binary', split(c.threads, rows, p.size, rest.length ? 1 : 64), ([s, e], i) => {
      const meta = c.metaBlock(i);
      const rank = c.writeMeta([e - s, ...rest], l.strides, meta);
      return [dtypeCodes[p.dtype], binaryCodes[p.op], pa + s * l.strides[0][0] * eb, pb + s * l.strides[1][0] * eb, po + s * inner * ob, meta, rank];
    });
  };
}
