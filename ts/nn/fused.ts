// Inference-only fast paths of nn.rope and nn.attention (one kernel each, no autodiff: the
// callers take them only when no trace records), and the in-place row writes of a KV cache.
import { engine } from '../../runtime/engine.js';
import type { Storage } from '../../runtime/engine.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import { wrap } from '../ops/util.js';
import { ATTENTION_MAX_HEAD_DIM } from '../../runtime/backends/webgpu/attention.js';

/** Whether attendRows takes heads of this size (the WebGPU kernel holds a head in workgroup memory). */
export const attendsHeadDim = (d: number): boolean => d <= ATTENTION_MAX_HEAD_DIM;

/** cos/sin table [positions.length, dims] of nn.rope's angles p·theta^(-2i/dims). */
export function ropeTable(positions: readonly number[], dims: number, theta: number): Float32Array {
  const half = dims / 2, cs = new Float32Array(positions.length * dims);
  for (let t = 0; t < positions.length; t++) for (let i = 0; i < half; i++) {
    const a = positions[t] * Math.pow(theta, (-2 * i) / dims);
    cs[t * dims + i] = Math.cos(a);
    cs[t * dims + half + i] = Math.sin(a);
  }
  return cs;
}

/** x [T, H, D] rotated by the table `cs` of ropeTable (a tensor, shared by the layers of one step). */
export function ropeKernel(x: Tensor, cs: Tensor, dims: number, neox: boolean): Tensor {
  const [tokens, heads, headDim] = x.shape;
  const s = engine.run('nn.rope', 'rope', [x.live('nn.rope'), cs.live('nn.rope')], 'float32', x.size, { tokens, heads, headDim, dims, neox });
  return wrap(s, x.shape);
}

/** nn.rope's fused path: the table made here. */
export function ropeFused(x: Tensor, positions: readonly number[], dims: number, theta: number, neox: boolean): Tensor {
  const cs = tensor(ropeTable(positions, dims, theta), [positions.length, dims]);
  try { return ropeKernel(x, cs, dims, neox); } finally { cs.dispose(); }
}

/**
 * One query q [1, H, D] against the first `length` rows of k and v (rows of kvHeads·D floats,
 * any number of rows) -> [1, H, D]; every key is visible (the query is the last position).
 */
export function attendRows(q: Tensor, k: Tensor, v: Tensor, length: number, kvHeads: number, scale: number): Tensor {
  const [, heads, headDim] = q.shape;
  const op = 'nn.attention';
  const s = engine.run(op, 'decodeAttention', [q.live(op), k.live(op), v.live(op)], 'float32', q.size,
    { heads, kvHeads, headDim, length, rowStride: kvHeads * headDim, scale });
  return wrap(s, q.shape);
}

/** Copies all of src into dst's storage from element `offset` on, in place (dst is neither
 *  reallocated nor recorded); dst must have room. */
export function writeInto(op: string, dst: Tensor | Storage, src: Tensor, offset: number): void {
  const into = dst instanceof Tensor ? dst.live(op) : dst;
  engine.run(op, 'copy', [src.live(op)], src.dtype, into.size,
    { dtype: src.dtype, shape: [src.size], xStrides: [1], xOffset: 0, outStrides: [1], outOffset: offset, size: src.size }, into);
}

/** A tensor [rows, ...src.shape.slice(1)] on src's backend whose first rows hold src; the
 *  rest is unspecified until written. */
export function grownFrom(op: string, src: Tensor, rows: number): Tensor {
  const row = src.size / src.shape[0], size = rows * row;
  const s = engine.run(op, 'copy', [src.live(op)], src.dtype, size,
    { dtype: src.dtype, shape: [src.size], xStrides: [1], xOffset: 0, outStrides: [1], outOffset: 0, size: src.size });
  return wrap(s, [rows, ...src.shape.slice(1)]);
}
