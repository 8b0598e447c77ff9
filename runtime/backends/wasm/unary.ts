// Host side of assembly/unary.ts.
import type { UnaryParams } from '../../types.js';
import { isIntUnary, unaryCodes } from '../../ops-table.js';
import type { WasmContext, WasmHandle } from './context.js';

export const unarySupports = (p: UnaryParams): boolean => p.dtype === 'float32' || (p.dtype === 'int32' && isIntUnary(p.op));

export function unary(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: UnaryParams): void => {
    if (p.size === 0) return;
    if (p.dtype === 'float32') c.ex.unaryF32(unaryCodes[p.op], c.ptr(x), c.ptr(out), p.size);
    else c.ex.unaryI32(unaryCodes[p.op], c.ptr(x), c.ptr(out), p.size);
  };
}
