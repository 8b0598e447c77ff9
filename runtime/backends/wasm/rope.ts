// Host side of assembly/rope.ts.
import type { RopeParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';

export function rope(c: WasmContext) {
  return (x: WasmHandle, cs: WasmHandle, out: WasmHandle, p: RopeParams): void => {
    if (p.tokens * p.heads * p.headDim === 0) return;
    c.ex.rope(c.ptr(x), c.ptr(cs), c.ptr(out), p.tokens, p.heads, p.headDim, p.dims, p.neox);
  };
}
