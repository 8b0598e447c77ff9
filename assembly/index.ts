// Entry of the wasm build. The host (runtime/backends/wasm) owns the linear memory:
// it allocates above heapBase() and passes byte addresses; nothing here allocates.
export { binary } from './binary';
export { unaryF32, unaryI32 } from './unary';
export { reduce, reduceColumns } from './reduce';
export { matmul, matmulPackABytes, matmulPackBBytes, matmulPackedBBytes, matmulPackB, matmulPacksB, matmulRange, matmulRangeUnits } from './matmul';
export { copy, transpose } from './copy';
export { gather } from './gather';
export { where } from './where';
export { cast } from './cast';
export { softmax, logSumExp, layerNorm, rmsNorm } from './softmax';
export { optimStep } from './optim';
export { spmm, scatterAdd } from './sparse';

/** First byte past the static data; the host's heap starts here. */
export function heapBase(): usize { return __heap_base; }

/** bit 0: SIMD128, bit 1: relaxed SIMD (which build this is). */
export function features(): i32 {
  return (ASC_FEATURE_SIMD ? 1 : 0) | (ASC_FEATURE_RELAXED_SIMD ? 2 : 0);
}
export { quantizeRowsQ8, qmatmul, qmatmulRows, qmatmulF16Rows, setInt8Dot } from './qmatmul';
export { otLse } from './ot';
export { fwht } from './fwht';
export { lut, lutDecode, lutQuantizeX } from './lut';
export { rope } from './rope';
export { decodeAttention } from './attention';
