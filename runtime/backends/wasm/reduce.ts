// Host side of assembly/reduce.ts.
import type { ReduceParams } from '../../types.js';
import { dtypeCodes, isIndexReduce, reduceCodes, REDUCE_OPS } from '../../ops-table.js';
import { emptyReduceValue } from '../js/reduce.js';
import type { WasmContext, WasmHandle } from './context.js';
import { launch, split } from './parallel.js';

export const reduceSupports = (p: ReduceParams): boolean =>
  p.dtype === 'float32' || (p.dtype === 'int32' && REDUCE_OPS[p.op].int);

export function reduce(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: ReduceParams): void => {
    const n = p.outer * p.inner;
    if (n === 0) return;
    // reducing an empty axis writes the identity (-Inf for max, NaN for mean, ...)
    if (p.size === 0) { c.view(out, isIndexReduce(p.op) ? 'int32' : p.dtype, n).fill(emptyReduceValue(p.op)); return; }
    // threads take ranges of the outer axis, or of the columns of a single slice (a sum over the
    // leading axis): each output element is reduced whole, by the same code as on one thread
    const px = c.ptr(x), po = c.ptr(out), row = p.size * p.inner, dt = dtypeCodes[p.dtype], op = reduceCodes[p.op];
    if (p.outer === 1 && p.inner > 1) {
      launch(c.ex, c.threads, 'reduceColumns', split(c.threads, p.inner, row, 16), ([s, e]) => [dt, op, px, po, p.size, p.inner, s, e]);
      return;
    }
    launch(c.ex, c.threads, 'reduce', split(c.threads, p.outer, p.outer * row),
      ([s, e]) => [dt, op, px + s * row * 4, po + s * p.inner * 4, e - s, p.size, p.inner]);
  };
}
