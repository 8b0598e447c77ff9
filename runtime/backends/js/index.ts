// The reference backend: plain TypeScript over typed arrays, float64 accumulation.
// Its kernels take typed arrays, so the wasm backend can also run them on views of its
// own heap when it declines a kernel (a fallback without a copy).
import type { Backend, Kernels, TypedArray, DType } from '../../types.js';
import { makeTyped } from '../../types.js';
import { binary } from './binary.js';
import { unary } from './unary.js';
import { reduce } from './reduce.js';
import { matmul } from './matmul.js';
import { copy, gather, where, cast } from './copy.js';
import { softmax, logSumExp, layerNorm, rmsNorm } from './softmax.js';
import { fwht } from './fwht.js';
import { optimStep } from './optim.js';
import { spmm, scatterAdd } from './sparse.js';
import { qmatmul } from './qmatmul.js';
import { otLse } from './ot.js';
import { lut } from './lut.js';
import { rope } from './rope.js';
import { decodeAttention } from './attention.js';

export const jsKernels: Kernels<TypedArray> = { binary, unary, reduce, matmul, copy, gather, where, softmax, logSumExp, layerNorm, rmsNorm, cast, optimStep, otLse, spmm, scatterAdd, qmatmul, fwht, lut, rope, decodeAttention };

export function createJsBackend(): Backend<TypedArray> {
  let bytes = 0;
  return {
    name: 'js',
    isCPU: true,
    alloc(dtype: DType, size: number) { const t = makeTyped(dtype, size); bytes += t.byteLength; return t; },
    free(h) { bytes -= h.byteLength; },
    write(h, data) { h.set(data); },
    async read(h) { return h.slice(); },
    readSync(h) { return h.slice(); },
    view(h) { return h; },
    bytesInUse: () => bytes,
    kernels: jsKernels,
  };
}
