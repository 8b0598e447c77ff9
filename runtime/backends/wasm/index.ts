// The wasm backend: AssemblyScript SIMD kernels (assembly/) over one linear memory that
// this file manages. Only instantiates an already compiled WebAssembly.Module (edge
// workers forbid compiling from bytes); the loader picks the relaxed-SIMD build when
// WebAssembly.validate(relaxedSimdProbe) says the engine takes it.
import type {
  Backend, Kernels, KernelName, DType, TypedArray, BinaryOp, UnaryOp, ReduceOp,
  BinaryParams, UnaryParams, ReduceParams, MatmulParams, CopyParams, GatherParams, WhereParams,
  SoftmaxParams, RowParams, NormParams, CastParams,
} from '../../types.js';
import { bytesPerElement } from '../../types.js';
import { jsKernels } from '../js/index.js';
import { Heap } from './heap.js';
import { collapse } from './layout.js';
import { wasmOptimStep, type OptimStepExport } from './optim.js';
import { wasmQMatmul, type QMatmulExports } from './qmatmul.js';

export { simdProbe, relaxedSimdProbe } from './probe.js';

/** Storage: a byte address in the wasm memory and the requested size in bytes. */
export interface WasmHandle { ptr: number; bytes: number }
export interface WasmBackendInfo { backend: Backend<WasmHandle>; simd: boolean; relaxedSimd: boolean }

interface Exports extends QMatmulExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  features(): number;
  binary(dtype: number, op: number, a: number, b: number, out: number, meta: number, rank: number): void;
  unaryF32(op: number, x: number, out: number, n: number): void;
  unaryI32(op: number, x: number, out: number, n: number): void;
  reduce(dtype: number, op: number, x: number, out: number, outer: number, size: number, inner: number): void;
  matmul(a: number, b: number, out: number, batch: number, m: number, n: number, k: number,
    transA: number, transB: number, aBatchStride: number, bBatchStride: number, packA: number, packB: number): void;
  matmulPackABytes(): number;
  matmulPackBBytes(): number;
  copy(eb: number, x: number, out: number, meta: number, rank: number): void;
  transpose(x: number, out: number, rows: number, cols: number, ldx: number, ldo: number): void;
  gather(eb: number, x: number, idx: number, out: number, outer: number, axisSize: number, inner: number, nIdx: number): void;
  where(eb: number, c: number, a: number, b: number, out: number, meta: number, rank: number): void;
  cast(from: number, to: number, x: number, out: number, n: number): void;
  softmax(x: number, out: number, rows: number, cols: number, log: number): void;
  logSumExp(x: number, out: number, rows: number, cols: number): void;
  layerNorm(x: number, g: number, b: number, out: number, rows: number, cols: number, eps: number, hasG: number, hasB: number): void;
  rmsNorm(x: number, g: number, out: number, rows: number, cols: number, eps: number, hasG: number): void;
  optimStep: OptimStepExport;
}

// Codes shared with assembly/: the order of the unions in runtime/types.ts.
const binaryCodes: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6,
  equal: 7, notEqual: 8, less: 9, lessEqual: 10, greater: 11, greaterEqual: 12,
};
const unaryCodes: Record<UnaryOp, number> = {
  neg: 0, abs: 1, sign: 2, exp: 3, log: 4, sqrt: 5, rsqrt: 6, tanh: 7, sigmoid: 8,
  relu: 9, gelu: 10, sin: 11, cos: 12, square: 13, reciprocal: 14, step: 15,
};
const reduceCodes: Record<ReduceOp, number> = { sum: 0, mean: 1, max: 2, min: 3, argmax: 4, argmin: 5 };
const dtypeCodes: Record<DType, number> = { float32: 0, int32: 1, uint8: 2 };
const intUnary = new Set<string>(['neg', 'abs', 'sign', 'square']);
const floatOnly = new Set<KernelName>(['qmatmul', 'matmul', 'softmax', 'logSumExp', 'layerNorm', 'rmsNorm', 'optimStep']);
const META_BYTES = 1024; // shape + 4 stride rows of up to 16 axes, as i32
const MAX_RANK = 16;

export function createWasmBackendSync(module: WebAssembly.Module): WasmBackendInfo {
  return fromInstance(new WebAssembly.Instance(module, imports()));
}

export async function createWasmBackend(module: WebAssembly.Module): Promise<WasmBackendInfo> {
  return fromInstance(await WebAssembly.instantiate(module, imports()));
}

function imports(): WebAssembly.Imports {
  // The build needs no imports; abort is here in case a debug build asks for it.
  return { env: { abort: () => { throw new Error('edgegrad wasm: abort'); } } };
}

function fromInstance(instance: WebAssembly.Instance): WasmBackendInfo {
  const ex = instance.exports as unknown as Exports;
  const features = ex.features();
  return { backend: makeBackend(ex), simd: (features & 1) !== 0, relaxedSimd: (features & 2) !== 0 };
}

function makeBackend(ex: Exports): Backend<WasmHandle> {
  const memory = ex.memory;
  const heap = new Heap(memory, ex.heapBase());
  const meta = heap.alloc(META_BYTES);
  let packA = -1, packB = -1;
  let live = 0;

  // Whole-memory views, rebuilt when growth replaces the buffer.
  let buf: ArrayBuffer | null = null;
  let i32 = new Int32Array(0);
  const refresh = (): void => {
    if (buf !== memory.buffer) { buf = memory.buffer; i32 = new Int32Array(buf); }
  };

  const check = (h: WasmHandle): number => {
    if (h.ptr < 0) throw new Error('wasm backend: storage used after free');
    return h.ptr;
  };
  const view = (h: WasmHandle, dtype: DType, size: number): TypedArray => {
    const ptr = check(h);
    const b = memory.buffer;
    return dtype === 'float32' ? new Float32Array(b, ptr, size) : dtype === 'int32' ? new Int32Array(b, ptr, size) : new Uint8Array(b, ptr, size);
  };
  /** Writes shape and stride rows; returns the rank, or 0 when it is too large for the kernels. */
  const writeMeta = (shape: number[], strides: number[][]): number => {
    const rank = shape.length;
    if (rank > MAX_RANK) return 0;
    refresh();
    const base = meta >> 2;
    for (let ax = 0; ax < rank; ax++) i32[base + ax] = shape[ax];
    strides.forEach((s, k) => { for (let ax = 0; ax < rank; ax++) i32[base + (k + 1) * rank + ax] = s[ax]; });
    return rank;
  };
  const size = (h: WasmHandle, d: DType): number => h.bytes / bytesPerElement(d);
  const outDtypeOfBinary = (p: BinaryParams): DType => (binaryCodes[p.op] >= 7 ? 'uint8' : p.dtype);

  const kernels: Kernels<WasmHandle> = {
    binary(a, b, out, p: BinaryParams) {
      if (p.size === 0) return;
      // the usual same-shape case skips the general shape analysis
      const flat = isContiguous(p.outShape, p.aStrides) && isContiguous(p.outShape, p.bStrides);
      const c = flat ? { shape: [p.size], strides: [[1], [1]] } : collapse(p.outShape, [p.aStrides, p.bStrides]);
      const rank = writeMeta(c.shape, c.strides);
      if (!rank) {
        jsKernels.binary(view(a, p.dtype, size(a, p.dtype)), view(b, p.dtype, size(b, p.dtype)), view(out, outDtypeOfBinary(p), p.size), p);
        return;
      }
      const eb = bytesPerElement(p.dtype);
      ex.binary(dtypeCodes[p.dtype], binaryCodes[p.op], check(a) + p.aOffset * eb, check(b) + p.bOffset * eb, check(out), meta, rank);
    },
    unary(x, out, p: UnaryParams) {
      if (p.size === 0) return;
      if (p.dtype === 'float32') ex.unaryF32(unaryCodes[p.op], check(x), check(out), p.size);
      else ex.unaryI32(unaryCodes[p.op], check(x), check(out), p.size);
    },
    reduce(x, out, p: ReduceParams) {
      if (p.outer * p.inner === 0) return;
      if (p.size === 0) { // identities (-Inf for max, NaN for mean...) exactly as the reference writes them
        const outDtype: DType = p.op === 'argmax' || p.op === 'argmin' ? 'int32' : p.dtype;
        jsKernels.reduce(view(x, p.dtype, 0), view(out, outDtype, p.outer * p.inner), p);
        return;
      }
      ex.reduce(dtypeCodes[p.dtype], reduceCodes[p.op], check(x), check(out), p.outer, p.size, p.inner);
    },
    matmul(a, b, out, p: MatmulParams) {
      if (p.batch * p.m * p.n === 0) return;
      if (packA < 0) { packA = heap.alloc(ex.matmulPackABytes()); packB = heap.alloc(ex.matmulPackBBytes()); }
      ex.matmul(check(a), check(b), check(out), p.batch, p.m, p.n, p.k, +p.transA, +p.transB, p.aBatchStride, p.bBatchStride, packA, packB);
    },
    copy(x, out, p: CopyParams) {
      if (p.size === 0) return;
      const c = collapse(p.shape, [p.xStrides, p.outStrides]);
      const rank = writeMeta(c.shape, c.strides);
      if (!rank) { jsKernels.copy(view(x, p.dtype, size(x, p.dtype)), view(out, p.dtype, size(out, p.dtype)), p); return; }
      const eb = bytesPerElement(p.dtype);
      const px = check(x) + p.xOffset * eb, po = check(out) + p.outOffset * eb;
      if (eb === 4 && isTranspose(c.shape, c.strides[0], c.strides[1])) {
        // [batch,] rows, cols with x contiguous down the rows: blocked 2-D transposes
        const r = c.shape.length, rows = c.shape[r - 2], cols = c.shape[r - 1];
        const batch = r === 3 ? c.shape[0] : 1;
        for (let t = 0; t < batch; t++) {
          const bx = r === 3 ? t * c.strides[0][0] * 4 : 0, bo = r === 3 ? t * c.strides[1][0] * 4 : 0;
          ex.transpose(px + bx, po + bo, rows, cols, c.strides[0][r - 1], c.strides[1][r - 2]);
        }
        return;
      }
      ex.copy(eb, px, po, meta, rank);
    },
    gather(x, idx, out, p: GatherParams) {
      if (p.outer * p.nIdx * p.inner === 0) return;
      ex.gather(bytesPerElement(p.dtype), check(x), check(idx), check(out), p.outer, p.axisSize, p.inner, p.nIdx);
    },
    where(c, a, b, out, p: WhereParams) {
      if (p.size === 0) return;
      const l = collapse(p.outShape, [p.cStrides, p.aStrides, p.bStrides]);
      const rank = writeMeta(l.shape, l.strides);
      if (!rank) {
        jsKernels.where(view(c, 'uint8', c.bytes), view(a, p.dtype, size(a, p.dtype)), view(b, p.dtype, size(b, p.dtype)), view(out, p.dtype, p.size), p);
        return;
      }
      ex.where(bytesPerElement(p.dtype), check(c), check(a), check(b), check(out), meta, rank);
    },
    softmax(x, out, p: SoftmaxParams) {
      if (p.rows * p.cols === 0) return;
      ex.softmax(check(x), check(out), p.rows, p.cols, +p.log);
    },
    logSumExp(x, out, p: RowParams) {
      if (p.rows === 0) return;
      if (p.cols === 0) { jsKernels.logSumExp(view(x, 'float32', 0), view(out, 'float32', p.rows), p); return; }
      ex.logSumExp(check(x), check(out), p.rows, p.cols);
    },
    layerNorm(x, g, b, out, p: NormParams) {
      if (p.rows * p.cols === 0) return;
      ex.layerNorm(check(x), g ? check(g) : 0, b ? check(b) : 0, check(out), p.rows, p.cols, p.eps, +!!g, +!!b);
    },
    rmsNorm(x, g, out, p: NormParams) {
      if (p.rows * p.cols === 0) return;
      ex.rmsNorm(check(x), g ? check(g) : 0, check(out), p.rows, p.cols, p.eps, +!!g);
    },
    cast(x, out, p: CastParams) {
      if (p.size === 0) return;
      ex.cast(dtypeCodes[p.from], dtypeCodes[p.to], check(x), check(out), p.size);
    },
    optimStep: wasmOptimStep(ex.optimStep, check),
    qmatmul: wasmQMatmul(ex, heap, check),
  };

  return {
    name: 'wasm',
    isCPU: true,
    alloc(dtype: DType, n: number, zero = true): WasmHandle {
      const bytes = n * bytesPerElement(dtype);
      live += bytes;
      return { ptr: heap.alloc(bytes, zero), bytes };
    },
    free(h: WasmHandle): void {
      if (h.ptr < 0) return;
      heap.release(h.ptr, h.bytes);
      live -= h.bytes;
      h.ptr = -1;
    },
    write(h, data) { view(h, dtypeOf(data), data.length).set(data); },
    async read(h, dtype, n) { return view(h, dtype, n).slice(); },
    readSync(h, dtype, n) { return view(h, dtype, n).slice(); },
    view,
    bytesInUse: () => live,
    kernels,
    supports(kernel: KernelName, p: { dtype?: DType; op?: string; from?: DType; to?: DType }): boolean {
      const d = p.dtype ?? 'float32';
      if (floatOnly.has(kernel)) return d === 'float32';
      if (kernel === 'unary') return d === 'float32' || (d === 'int32' && intUnary.has(p.op ?? ''));
      if (kernel === 'reduce') return d === 'float32' || (d === 'int32' && p.op !== 'mean');
      return true; // binary, copy, gather, where, cast: every dtype
    },
    sync: async () => {},
    dispose() { live = 0; },
  };
}

function isContiguous(shape: number[], strides: number[]): boolean {
  let s = 1;
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    if (shape[ax] !== 1 && strides[ax] !== s) return false;
    s *= shape[ax];
  }
  return true;
}

/** Last two axes swap memory order between x and out, and each 2-D slice is big enough
 *  for the blocked kernel to pay off (a per-slice call from here). */
function isTranspose(shape: number[], xs: number[], os: number[]): boolean {
  const r = shape.length;
  if (r !== 2 && r !== 3) return false;
  if (xs[r - 2] !== 1 || os[r - 1] !== 1 || xs[r - 1] === 1 || os[r - 2] === 1) return false;
  return shape[r - 2] >= 16 && shape[r - 2] * shape[r - 1] >= 256;
}

function dtypeOf(a: TypedArray): DType {
  return a instanceof Float32Array ? 'float32' : a instanceof Int32Array ? 'int32' : 'uint8';
}
