// Host side of assembly/softmax.ts: row-wise softmax / logSoftmax, logSumExp, layerNorm, rmsNorm.
import type { NormParams, RowParams, SoftmaxParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';

export function softmax(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: SoftmaxParams): void => {
    if (p.rows * p.cols === 0) return;
    c.ex.softmax(c.ptr(x), c.ptr(out), p.rows, p.cols, p.log);
  };
}

export function logSumExp(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: RowParams): void => {
    if (p.rows === 0) return;
    // the log of an empty sum
    if (p.cols === 0) { c.view(out, 'float32', p.rows).fill(-Infinity); return; }
    c.ex.logSumExp(c.ptr(x), c.ptr(out), p.rows, p.cols);
  };
}

export function layerNorm(c: WasmContext) {
  return (x: WasmHandle, g: WasmHandle | null, b: WasmHandle | null, out: WasmHandle, p: NormParams): void => {
    if (p.rows * p.cols === 0) return;
    c.ex.layerNorm(c.ptr(x), g ? c.ptr(g) : 0, b ? c.ptr(b) : 0, c.ptr(out), p.rows, p.cols, p.eps, !!g, !!b);
  };
}

export function rmsNorm(c: WasmContext) {
  return (x: WasmHandle, g: WasmHandle | null, out: WasmHandle, p: NormParams): void => {
    if (p.rows * p.cols === 0) return;
    c.ex.rmsNorm(c.ptr(x), g ? c.ptr(g) : 0, c.ptr(out), p.rows, p.cols, p.eps, !!g);
  };
}
