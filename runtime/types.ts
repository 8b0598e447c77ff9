// The contract between the op layer (ts/) and the backends (runtime/backends/*).
// Every kernel writes into an `out` handle the op layer has already allocated; shapes
// are already validated, broadcast and collapsed by the op layer, so kernels only
// index memory. A backend may leave a kernel out, or decline a dtype through
// `supports`; the dispatcher then applies the fallback policy.

import type { DType, TypedArray, UnaryOp, BinaryOp, ReduceOp } from './ops-table.js';
export type {
  DType, TypedArray, UnaryOp, BinaryOp, ReduceOp, CompareOp, ArithOp, IntUnaryOp, IndexReduceOp,
} from './ops-table.js';
export { bytesPerElement, makeTyped } from './ops-table.js';
export type BackendName = 'js' | 'wasm' | 'webgpu';

/** Elementwise binary op with NumPy broadcasting. `aStrides`/`bStrides` are element
 *  strides per output axis (0 on broadcast axes). Inputs share `dtype`; comparisons
 *  write uint8 (0/1), everything else writes `dtype`. `div` on int32 truncates toward zero. */
export interface BinaryParams { op: BinaryOp; dtype: DType; outShape: number[]; aStrides: number[]; bStrides: number[]; aOffset: number; bOffset: number; size: number; }
/** Elementwise unary op over `size` contiguous elements. float32 for all ops; int32 for neg/abs/sign/square. */
export interface UnaryParams { op: UnaryOp; dtype: DType; size: number; }
/** Reduce x viewed as [outer, size, inner] over the middle axis into [outer, inner].
 *  argmax/argmin write int32 (first index of the extreme; NaN counts as the extreme);
 *  max/min propagate NaN; mean divides in float. */
export interface ReduceParams { op: ReduceOp; dtype: DType; outer: number; size: number; inner: number; }
/** out[b] = op(A[b]) @ op(B[b]); op = transpose when flagged. A[b] starts at b*aBatchStride
 *  (0 for a broadcast batch). Stored A is [m,k] (or [k,m] when transA), B is [k,n] (or [n,k]). float32. */
export interface MatmulParams { batch: number; m: number; n: number; k: number; transA: boolean; transB: boolean; aBatchStride: number; bBatchStride: number; }
/** Strided copy: for every index i of `shape`, out[outOffset + i·outStrides] = x[xOffset + i·xStrides].
 *  One kernel for transpose, slice, broadcastTo, concat (one call per piece). Any dtype. */
export interface CopyParams { dtype: DType; shape: number[]; xStrides: number[]; xOffset: number; outStrides: number[]; outOffset: number; size: number; }
/** x viewed as [outer, axisSize, inner]; idx (int32, nIdx entries) picks along the middle
 *  axis: out[o, j, i] = x[o, idx[j], i]. Indices are validated by the op layer. Any dtype. */
export interface GatherParams { dtype: DType; outer: number; axisSize: number; inner: number; nIdx: number; }
/** out = cond ? a : b with broadcasting (same stride scheme as binary). cond is uint8. */
export interface WhereParams { dtype: DType; outShape: number[]; cStrides: number[]; aStrides: number[]; bStrides: number[]; size: number; }
/** Row-wise over the last axis of x viewed as [rows, cols]; float32. */
export interface SoftmaxParams { rows: number; cols: number; log: boolean; }
export interface RowParams { rows: number; cols: number; }
export interface NormParams { rows: number; cols: number; eps: number; }
export interface CastParams { from: DType; to: DType; size: number; }
/** CSR times dense: out[i, c] = Σ_{e ∈ [indptr[i], indptr[i+1])} values[e] · x[indices[e], c];
 *  x is [n, k] row-major, out [m, k]. indptr/indices int32, validated by the op layer. float32. */
export interface SpmmParams { m: number; n: number; k: number; nnz: number; }

/** Optimal-transport half-step (family `ot`): C viewed as [batch, n, m] (C[b] starts at
 *  b*cBatchStride; 0 shares one C). axis 1: out[b,i] = reg·log Σ_j exp((h[b,j] − C[b,i,j])/reg),
 *  h [batch, m], out [batch, n]; axis 0: out[b,j] = reg·log Σ_i exp((h[b,i] − C[b,i,j])/reg),
 *  h [batch, n], out [batch, m]. One read of C per call. float32; h finite (the op layer
 *  maps zero mass to a very negative finite value). */
export interface OtLseParams { batch: number; n: number; m: number; cBatchStride: number; axis: 0 | 1; reg: number; }

/** Orthonormal Walsh–Hadamard transform (Sylvester order) of each of `segments`
 *  contiguous `block`-long pieces of x (block a power of two), scaled by block^-½. float32. */
export interface FwhtParams { segments: number; block: number; }

/** out[m, n] = x[m, k] · W[n, k]ᵀ with W packed in GGML `type` blocks (runtime/ggml.ts),
 *  rows of k / block blocks back to back, held as int32 words (little-endian bytes). float32 x.
 *  Kernels may quantize x to 8-bit blocks (as llama.cpp does), except for F16 (IEEE halves,
 *  converted to float32 in the kernel). */
export interface QMatmulParams { type: import('./ggml.js').QuantType; m: number; n: number; k: number; }

/** Table-lookup weights (family `lut`; layout in ts/quant/lut-layout.ts): W[r, j] =
 *  scales[r·S + ⌊j/seg⌋] · tables[ids[r]][code(r, j)], S = ⌈k/seg⌉, kp = k rounded up to 32.
 *  codes: int32 words, row r from word r·kp·bits/32, each 32 codes in `bits` words; tables:
 *  int32 words holding 16 int8 entries per table; ids int32 [n]; scales float32 [n·S]. With x,
 *  out[m, n] = x[m, k] · Wᵀ (kernels may quantize x to 8-bit blocks of 32, as qmatmul does);
 *  with x null, out[n, k] = W (decode). bits 1–4; seg a multiple of 16 or k. */
export interface LutParams { m: number; n: number; k: number; bits: number; seg: number; }
/** Rotary position embedding of x [tokens, heads, headDim]: the leading `dims` features of
 *  each head turn by the angles of cs [tokens, dims] (cos of pair i at [t, i], sin at
 *  [t, dims/2 + i]); pairs are adjacent (2i, 2i+1) or, with `neox`, (i, i + dims/2); the
 *  other features are copied. float32. */
export interface RopeParams { tokens: number; heads: number; headDim: number; dims: number; neox: boolean; }
/** One query row against cached keys and values (family `attention`, decode): q [heads, headDim];
 *  k and v hold rows of `rowStride` floats with KV head g at g·headDim, of which the first
 *  `length` are attended; query head h reads KV head floor(h / (heads / kvHeads)).
 *  out[h] = Σ_j softmax_j(scale · q[h]·k[j, g]) v[j, g]. float32. */
export interface DecodeAttentionParams { heads: number; kvHeads: number; headDim: number; length: number; rowStride: number; scale: number; }

import type { OptimKind } from './ops-table.js';
export type { OptimKind } from './ops-table.js';
/**
 * One fused optimizer update, IN PLACE on p and the state tensors (the one exception to
 * the `out` convention): reads g, p and state once, writes p and state once. float32.
 * State slots per kind (null when unused):
 *  sgd:      s0 momentum buffer (if momentum != 0)
 *  adam:     s0 m, s1 v, s2 vmax (amsgrad)        — AdamW is adam with decoupled = true
 *  adagrad:  s0 sum of squares
 *  lion:     s0 m
 *  diffGrad: s0 m, s1 v, s2 previous gradient
 *  sophia:   s0 m, s1 h (the hessian estimate, updated elsewhere)
 * Scalars: lr, wd (weight decay), decoupled (wd as p *= 1 - lr·wd instead of g += wd·p),
 * b1, b2, eps, momentum, dampening, nesterov, first (t == 1), bc1 = 1 - b1^t, bc2 = 1 - b2^t,
 * clrDecay (adagrad's lr / (1 + (t-1)·lrDecay) folded into lr by the caller), rho·bs for sophia.
 * Exact formulas: runtime/backends/js/optim.ts (the reference), from shared/references/optimizers.md.
 */
export interface OptimParams {
  kind: OptimKind; size: number; lr: number; wd: number; decoupled: boolean;
  b1: number; b2: number; eps: number; momentum: number; dampening: number; nesterov: boolean;
  first: boolean; bc1: number; bc2: number; amsgrad: boolean; rhoBs: number;
}

/** Kernel table: H is the backend's storage handle. */
export interface Kernels<H> {
  binary(a: H, b: H, out: H, p: BinaryParams): void;
  unary(x: H, out: H, p: UnaryParams): void;
  reduce(x: H, out: H, p: ReduceParams): void;
  matmul(a: H, b: H, out: H, p: MatmulParams): void;
  copy(x: H, out: H, p: CopyParams): void;
  gather(x: H, idx: H, out: H, p: GatherParams): void;
  where(c: H, a: H, b: H, out: H, p: WhereParams): void;
  softmax(x: H, out: H, p: SoftmaxParams): void;
  logSumExp(x: H, out: H, p: RowParams): void;
  /** y = (x - mean) / sqrt(var + eps) * gamma + beta; gamma/beta of length cols or null. */
  layerNorm(x: H, gamma: H | null, beta: H | null, out: H, p: NormParams): void;
  /** y = x / sqrt(mean(x²) + eps) * gamma. */
  rmsNorm(x: H, gamma: H | null, out: H, p: NormParams): void;
  cast(x: H, out: H, p: CastParams): void;
  /** Sparse family (ts/sparse): CSR × dense. */
  spmm(indptr: H, indices: H, values: H, x: H, out: H, p: SpmmParams): void;
  /** Sparse family: the transpose of gather, out[o, idx[j], i] = Σ x[o, j, i] (out starts at zero;
   *  repeated indices accumulate). Same params as gather; float32. */
  scatterAdd(x: H, idx: H, out: H, p: GatherParams): void;
  otLse?(c: H, h: H, out: H, p: OtLseParams): void;
  qmatmul(x: H, w: H, out: H, p: QMatmulParams): void;
  fwht(x: H, out: H, p: FwhtParams): void;
  lut(x: H | null, codes: H, tables: H, ids: H, scales: H, out: H, p: LutParams): void;
  rope(x: H, cs: H, out: H, p: RopeParams): void;
  decodeAttention(q: H, k: H, v: H, out: H, p: DecodeAttentionParams): void;
  /** In place on p/s0/s1/s2; `out` is unused (pass p). */
  optimStep?(p: H, g: H, s0: H | null, s1: H | null, s2: H | null, out: H, q: OptimParams): void;
}
export type KernelName = keyof Kernels<unknown>;

/** Marks the storage slots in a kernel's signature for the types below. */
export interface Slot { readonly slot: unique symbol }
type KernelArgs<K extends KernelName> = Parameters<Required<Kernels<Slot>>[K]>;
/** The params object of kernel K (its last argument). */
export type KernelParams<K extends KernelName> = KernelArgs<K> extends [...unknown[], infer P] ? P : never;
/** Kernel K's inputs (the arguments before `out` and the params) as S, or S | null where optional. */
export type KernelInputs<K extends KernelName, S> = KernelArgs<K> extends [...infer I, Slot, unknown]
  ? { [J in keyof I]: null extends I[J] ? S | null : S } : never;
/** Whether a backend's kernel handles these params; `false` sends the launch through the
 *  engine's fallback policy (counted in stats().fallbacks). */
export type SupportsFn = <K extends KernelName>(kernel: K, p: KernelParams<K>) => boolean;

export interface Backend<H = unknown> {
  readonly name: BackendName;
  readonly isCPU: boolean;
  /** Storage for `size` elements, zero-filled unless `zero` is false (a kernel output the
   *  kernel writes whole); a backend may zero-fill anyway. */
  alloc(dtype: DType, size: number, zero?: boolean): H;
  free(h: H): void;
  /** Copy host data into storage (data.length == size of h). */
  write(h: H, data: TypedArray): void;
  /** Copy of the contents. */
  read(h: H, dtype: DType, size: number): Promise<TypedArray>;
  /** CPU backends only: a copy, synchronously. */
  readSync?(h: H, dtype: DType, size: number): TypedArray;
  /** CPU backends only: a zero-copy view, valid until the next alloc on this backend. */
  view?(h: H, dtype: DType, size: number): TypedArray;
  /** Bytes currently held by live storage. */
  bytesInUse(): number;
  kernels: Partial<Kernels<H>>;
  /** Whether the kernel handles these params (dtype, rank...); absent means yes. */
  supports?: SupportsFn;
  /** Waits until submitted work is done (GPU); CPU backends resolve at once. */
  sync?(): Promise<void>;
  dispose?(): void;
  /** CPU backends with a worker pool: threads in all (the caller included), and whether every worker is waiting for work. */
  threads?: { count: number; idle(): boolean };
}

