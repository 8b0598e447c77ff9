// Shared plumbing of the dense factorizations. Their panels (pivots, reflectors, rotations)
// are sequential scalar work done in float64 on the host; every O(n³) block product goes
// through the engine's matmul on the CPU backend (the SIMD wasm kernel), so a factorization
// costs a few passes of host work per block column plus matmuls.
import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { broadcastTo } from '../ops/layout.js';
import { assertTensor, wrap } from '../ops/util.js';

/** A batch of row-major float64 matrices read from x [..., m, n]. */
export interface HostBatch { batch: readonly number[]; m: number; n: number; mats: Float64Array[] }

export function checkMatrix(op: string, x: unknown, square: boolean): asserts x is Tensor {
  assertTensor(op, x, 'a');
  if (x.dtype !== 'float32') throw new EdgegradError(op, `needs a float32 matrix, got ${x.dtype} ${fmtShape(x.shape)}`, "Cast with .cast('float32')");
  if (x.rank < 2) throw new EdgegradError(op, `needs a matrix (at least 2 axes), got shape ${fmtShape(x.shape)}`, 'Reshape a vector to [n, 1] or [1, n]');
  if (square && x.shape[x.rank - 1] !== x.shape[x.rank - 2])
    throw new EdgegradError(op, `needs square matrices in the last two axes, got ${fmtShape(x.shape)}`, 'Use eg.linalg.lstsq or eg.linalg.qr for non-square systems');
}

/** The host copy of x. The factorizations run on the CPU: a tensor on the GPU cannot be read synchronously. */
export function hostData(op: string, x: Tensor): Float32Array {
  const s = x.live(op);
  if (!s.backend.isCPU)
    throw new EdgegradError(op, `input ${fmtShape(x.shape)} lives on ${s.backend.name}; the dense factorizations run on the CPU and a GPU tensor cannot be read synchronously`, 'Keep it on the CPU: eg.setThresholds({ webgpu: Infinity }) before making it, or eg.tensor(await x.data(), x.shape) under that setting (README, "Dense linear algebra")');
  return engine.readSync(s, op) as Float32Array;
}

export function readBatch(op: string, x: Tensor): HostBatch {
  const m = x.shape[x.rank - 2], n = x.shape[x.rank - 1], batch = x.shape.slice(0, -2);
  const d = hostData(op, x), mn = m * n;
  const mats = Array.from({ length: sizeOf(batch) }, (_, b) => Float64Array.from(d.subarray(b * mn, b * mn + mn)));
  return { batch, m, n, mats };
}

/** A float32 tensor of `shape` from per-batch host pieces, kept on the CPU backend where the next factorization can read it. */
export function fromHost(pieces: ArrayLike<number>[], shape: readonly number[]): Tensor {
  const per = pieces.length ? pieces[0].length : 0;
  const out = new Float32Array(per * pieces.length);
  pieces.forEach((p, b) => out.set(p, b * per));
  return wrap(engine.fromData(out, 'float32', engine.cpu()), shape);
}

/**
 * C = op(A)·op(B) for host row-major matrices (m×k times k×n after the transposes), as
 * float32 through the matmul kernel of the CPU backend. Pinned to the CPU because the
 * host panels need the result back synchronously.
 */
export function gemm(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, transA = false, transB = false): Float32Array {
  const cpu = engine.cpu();
  const sa = engine.fromData(a instanceof Float32Array ? a : Float32Array.from(a), 'float32', cpu);
  const sb = engine.fromData(b instanceof Float32Array ? b : Float32Array.from(b), 'float32', cpu);
  const saved = engine.thresholds.webgpu;
  engine.thresholds.webgpu = Infinity;
  try {
    const out = engine.run('linalg', 'matmul', [sa, sb], 'float32', m * n, { batch: 1, m, n, k, transA, transB, aBatchStride: 0, bBatchStride: 0 });
    const r = Float32Array.from(engine.readSync(out, 'linalg') as Float32Array);
    engine.release(out);
    return r;
  } finally {
    engine.thresholds.webgpu = saved;
    engine.release(sa);
    engine.release(sb);
  }
}

/** Below this many multiply-adds a block product is cheaper in a host loop than a kernel launch. */
export const GEMM_MIN_WORK = 32 * 32 * 32;

/** Rows r0.. r0+rows, columns c0.. c0+cols of a row-major matrix with `ld` columns, as a dense copy. */
export function block(a: Float64Array, ld: number, r0: number, c0: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = a[(r0 + i) * ld + c0 + j];
  return out;
}

/** a[r0.., c0..] -= d (rows × cols). */
export function subBlock(a: Float64Array, ld: number, r0: number, c0: number, rows: number, cols: number, d: ArrayLike<number>): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[(r0 + i) * ld + c0 + j] -= d[i * cols + j];
}

/** op(A)·op(B) on the host in float64 (small blocks) or through gemm (large ones). */
export function product(a: Float64Array, b: Float64Array, m: number, k: number, n: number, transA = false, transB = false): ArrayLike<number> {
  if (m * k * n >= GEMM_MIN_WORK) return gemm(a, b, m, k, n, transA, transB);
  return product64(a, b, m, k, n, transA, transB);
}

/** op(A)·op(B) in float64 on the host, whatever the size (small eigenproblems that need the digits). */
export function product64(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, transA = false, transB = false): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let q = 0; q < k; q++) {
    const x = transA ? a[q * m + i] : a[i * k + q];
    if (x === 0) continue;
    for (let j = 0; j < n; j++) out[i * n + j] += x * (transB ? b[j * k + q] : b[q * n + j]);
  }
  return out;
}

/** n×n identity, float64. */
export function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

/** Transpose of a rows × cols row-major matrix. */
export function transposed(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/**
 * The right-hand side of solve / lstsq, NumPy style: b [..., m] is one vector per matrix when
 * it has one axis less than a, else [..., m, k]; batch axes broadcast. With `checkOnly` it only
 * validates (before an op records).
 */
export function alignRhs(op: string, a: Tensor, b: unknown, checkOnly = false): { aa: Tensor; bb: Tensor; m: number; n: number; k: number; xShape: number[]; release(): void } {
  assertTensor(op, b, 'b');
  if (b.dtype !== 'float32') throw new EdgegradError(op, `needs a float32 b, got ${b.dtype} ${fmtShape(b.shape)}`, "Cast with .cast('float32')");
  const m = a.shape[a.rank - 2], n = a.shape[a.rank - 1];
  const vec = b.rank === a.rank - 1;
  if (b.rank < 1 || (!vec && b.rank < 2) || b.shape[vec ? b.rank - 1 : b.rank - 2] !== m)
    throw new EdgegradError(op, `b ${fmtShape(b.shape)} does not match a ${fmtShape(a.shape)}: needs [..., ${m}] (one axis less than a) or [..., ${m}, k]`, 'Give b as many rows as a has');
  const k = vec ? 1 : b.shape[b.rank - 1];
  const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, vec ? -1 : -2));
  const xShape = vec ? [...batch, n] : [...batch, n, k];
  if (checkOnly) return { aa: a, bb: b, m, n, k, xShape, release() {} };
  const aa = a.shape.slice(0, -2).join() === batch.join() ? a : broadcastTo(a, [...batch, m, n]);
  const bShape = vec ? [...batch, m] : [...batch, m, k];
  const bb = b.shape.join() === bShape.join() ? b : broadcastTo(b, bShape);
  return { aa, bb, m, n, k, xShape, release() { if (aa !== a) aa.dispose(); if (bb !== b) bb.dispose(); } };
}

