// Host side of assembly/unary.ts.
import type { UnaryParams } from '../../types.js';
import { isIntUnary, unaryCodes } from '../../ops-table.js';
import type { WasmContext, WasmHandle } from './context.js';
import { launch, split } from './parallel.js';

export const unarySupports = (p: UnaryParams): boolean => p.dtype === 'float32' || (p.dtype === 'int32' && isIntUnary(p.op));

/** exp, tanh and the like cost a few elementwise adds per element. */
const UNARY_WORK = 4;

export function unary(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: UnaryParams): void => {
    if (p.size === 0) return;
    const px = c.ptr(x), po = c.ptr(out);
    launch(c.ex, c.threads, p.dtype === 'float32' ? 'unaryF32' : 'unaryI32', split(c.threads, p.size, p.size * UNARY_WORK, 64),
      ([s, e]) => [unaryCodes[p.op], px + s * 4, po + s * 4, e - s]);
  };
}
