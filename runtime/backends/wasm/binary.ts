// Host side of assembly/binary.ts.
import type { BinaryParams } from '../../types.js';
import { binaryCodes, dtypeCodes, bytesPerElement } from '../../ops-table.js';
import { collapseToRows, isContiguous } from '../../layout.js';
import { MAX_RANK, type WasmContext, type WasmHandle } from './context.js';

export const binarySupports = (p: BinaryParams): boolean => p.outShape.length <= MAX_RANK;

export function binary(c: WasmContext) {
  return (a: WasmHandle, b: WasmHandle, out: WasmHandle, p: BinaryParams): void => {
    if (p.size === 0) return;
    // the usual same-shape case skips the general shape analysis
    const flat = isContiguous(p.outShape, p.aStrides) && isContiguous(p.outShape, p.bStrides);
    const l = flat ? { shape: [p.size], strides: [[1], [1]] } : collapseToRows(p.outShape, [p.aStrides, p.bStrides]);
    const rank = c.writeMeta(l.shape, l.strides);
    const eb = bytesPerElement(p.dtype);
    c.ex.binary(dtypeCodes[p.dtype], binaryCodes[p.op], c.ptr(a) + p.aOffset * eb, c.ptr(b) + p.bOffset * eb, c.ptr(out), c.meta, rank);
  };
}
