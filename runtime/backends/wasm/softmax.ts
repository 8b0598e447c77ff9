// Host side of assembly/softmax.ts: row-wise softmax / logSoftmax, logSumExp, layerNorm, rmsNorm.
import type { NormParams, RowParams, SoftmaxParams } from '../../types.js';
import type { WasmContext, WasmHandle } from './context.js';
import { launch, split, type Range } from './parallel.js';

/** Threads take ranges of rows; an exp or a normalisation costs a few elementwise adds per element. */
const byRows = (c: WasmContext, p: { rows: number; cols: number }): Range[] => split(c.threads, p.rows, p.rows * p.cols * 4);

export function softmax(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: SoftmaxParams): void => {
    if (p.rows * p.cols === 0) return;
    const px = c.ptr(x), po = c.ptr(out), w = p.cols * 4;
    launch(c.ex, c.threads, 'softmax', byRows(c, p), ([s, e]) => [px + s * w, po + s * w, e - s, p.cols, +p.log]);
  };
}

export function logSumExp(c: WasmContext) {
  return (x: WasmHandle, out: WasmHandle, p: RowParams): void => {
    if (p.rows === 0) return;
    // the log of an empty sum
    if (p.cols === 0) { c.view(out, 'float32', p.rows).fill(-Infinity); return; }
    const px = c.ptr(x), po = c.ptr(out), w = p.cols * 4;
    launch(c.ex, c.threads, 'logSumExp', byRows(c, p), ([s, e]) => [px + s * w, po + s * 4, e - s, p.cols]);
  };
}

export function layerNorm(c: WasmContext) {
  return (x: WasmHandle, g: WasmHandle | null, b: WasmHandle | null, out: WasmHandle, p: NormParams): void => {
    if (p.rows * p.cols === 0) return;
    const px = c.ptr(x), pg = g ? c.ptr(g) : 0, pb = b ? c.ptr(b) : 0, po = c.ptr(out), w = p.cols * 4;
    launch(c.ex, c.threads, 'layerNorm', byRows(c, p), ([s, e]) => [px + s * w, pg, pb, po + s * w, e - s, p.cols, p.eps, +!!g, +!!b]);
  };
}

export function rmsNorm(c: WasmContext) {
  return (x: WasmHandle, g: WasmHandle | null, out: WasmHandle, p: NormParams): void => {
    if (p.rows * p.cols === 0) return;
    const px = c.ptr(x), pg = g ? c.ptr(g) : 0, po = c.ptr(out), w = p.cols * 4;
    launch(c.ex, c.threads, 'rmsNorm', byRows(c, p), ([s, e]) => [px + s * w, pg, po + s * w, e - s, p.cols, p.eps, +!!g]);
  };
}
