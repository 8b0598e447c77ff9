// Transformer pieces for decoder-only language models, written with the public ops so they
// run on every backend and autodiff goes through them (npm run train:lm trains with them).
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import * as o from '../ops/index.js';
import { isRecording } from '../autodiff/tape.js';
import { scope } from '../memory.js';
import { ropeFused, attendRows, attendsHeadDim } from './fused.js';

// Intermediates are freed at once unless a trace recorded them (the trace then owns them).
const scoped = (fn: () => Tensor): Tensor => (isRecording() ? fn() : scope(fn));

export interface RopeOptions {
  /** Base of the frequencies (llama: 10000). */
  theta?: number;
  /** 'norm' rotates adjacent pairs (llama); 'neox' rotates the two halves (Qwen2, GPT-NeoX). */
  mode?: 'norm' | 'neox';
  /** Leading features of each head that rotate (default: all). */
  dims?: number;
}

/**
 * Rotary position embedding of x [T, heads, headDim] at positions offset..offset+T-1
 * (or the given `positions`): pair (a, b) at frequency i turns by angle p·theta^(-2i/dims).
 */
export function rope(x: Tensor, positions: number | readonly number[], opts: RopeOptions = {}): Tensor {
  if (!(x instanceof Tensor) || x.rank !== 3) throw new EdgegradError('nn.rope', `x must be [T, heads, headDim], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`, 'Reshape to [tokens, heads, headDim]');
  const [T, H, D] = x.shape;
  const dims = opts.dims ?? D, theta = opts.theta ?? 10000, mode = opts.mode ?? 'norm';
  if (dims % 2 || dims > D) throw new EdgegradError('nn.rope', `rotated dims ${dims} must be even and at most the head size ${D}`, 'Check rope.dimension_count');
  const pos = typeof positions === 'number' ? Array.from({ length: T }, (_, i) => positions + i) : positions;
  if (pos.length !== T) throw new EdgegradError('nn.rope', `${pos.length} positions for ${T} tokens`, 'One position per token');
  // inference: one kernel (the composed ops below are what autodiff differentiates)
  if (!isRecording() && x.dtype === 'float32') return ropeFused(x, pos, dims, theta, mode === 'neox');
  const half = dims / 2;
  const cos = new Float32Array(T * half), sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) for (let i = 0; i < half; i++) {
    const a = pos[t] * Math.pow(theta, (-2 * i) / dims);
    cos[t * half + i] = Math.cos(a);
    sin[t * half + i] = Math.sin(a);
  }
  return scoped(() => {
    const c = tensor(cos, [T, 1, half]), s = tensor(sin, [T, 1, half]);
    const rot = dims === D ? x : o.slice(x, [0, 0, 0], [T, H, dims]);
    let a: Tensor, b: Tensor;
    if (mode === 'norm') {
      const p = o.reshape(rot, [T, H, half, 2]);
      a = o.reshape(o.slice(p, [0, 0, 0, 0], [T, H, half, 1]), [T, H, half]);
      b = o.reshape(o.slice(p, [0, 0, 0, 1], [T, H, half, 1]), [T, H, half]);
    } else {
      a = o.slice(rot, [0, 0, 0], [T, H, half]);
      b = o.slice(rot, [0, 0, half], [T, H, half]);
    }
    const ra = o.sub(o.mul(a, c), o.mul(b, s));
    const rb = o.add(o.mul(a, s), o.mul(b, c));
    let out = mode === 'norm'
      ? o.reshape(o.stack([ra, rb], 3), [T, H, dims])
      : o.concat([ra, rb], 2);
    if (dims < D) out = o.concat([out, o.slice(x, [0, 0, dims], [T, H, D - dims])], 2);
    return out;
  });
}

export interface AttentionOptions {
  /** Position of the first query relative to the first key (cached tokens before it). */
  offset?: number;
  /** Mask keys after each query's position (default true). */
  causal?: boolean;
  /** Multiplies the scores (default 1/√headDim). */
  scale?: number;
}

/**
 * Scaled dot-product attention with grouped KV heads: q [T, H, D], k and v [S, KV, D] with H a
 * multiple of KV (query head h reads KV head floor(h / (H/KV))) -> [T, H, D]. Causal: query t
 * sees keys 0..offset+t.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  for (const [t, n] of [[q, 'q'], [k, 'k'], [v, 'v']] as const)
    if (!(t instanceof Tensor) || t.rank !== 3) throw new EdgegradError('nn.attention', `${n} must be a 3-D tensor [tokens, heads, headDim], got ${t instanceof Tensor ? fmtShape(t.shape) : typeof t}`, 'Reshape it');
  const [T, H, D] = q.shape, [S, KV, Dk] = k.shape;
  if (Dk !== D || v.shape[0] !== S || v.shape[1] !== KV || H % KV)
    throw new EdgegradError('nn.attention', `shapes q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)} do not fit`, 'q [T, H, D], k [S, KV, D], v [S, KV, Dv] with H a multiple of KV');
  const offset = opts.offset ?? S - T, causal = opts.causal ?? true, scale = opts.scale ?? 1 / Math.sqrt(D);
  const G = H / KV, Dv = v.shape[2];
  // decode (one query row): the fused kernel over the visible keys
  const visible = causal ? Math.min(S, offset + 1) : S;
  if (T === 1 && Dv === D && attendsHeadDim(D) && visible >= 1 && !isRecording() && [q, k, v].every((t) => t.dtype === 'float32'))
    return attendRows(q, k, v, visible, KV, scale);
  return scoped(() => {
    // [KV, G·T, D] queries against [KV, S, D] keys: one batched product per KV head
    const qh = o.reshape(o.transpose(o.reshape(q, [T, KV, G, D]), [1, 2, 0, 3]), [KV, G * T, D]);
    const kh = o.transpose(k, [1, 0, 2]), vh = o.transpose(v, [1, 0, 2]);
    let scores = o.mul(o.matmul(qh, kh, { transposeB: true }), scale);
    if (causal) {
      const mask = new Float32Array(T * S);
      for (let t = 0; t < T; t++) for (let s = offset + t + 1; s < S; s++) mask[t * S + s] = -Infinity;
      scores = o.add(o.reshape(scores, [KV, G, T, S]), tensor(mask, [T, S]));
    }
    const p = o.softmax(o.reshape(scores, [KV, G * T, S]), -1);
    const out = o.matmul(p, vh); // [KV, G·T, Dv]
    return o.reshape(o.transpose(o.reshape(out, [KV, G, T, Dv]), [2, 0, 1, 3]), [T, H, Dv]);
  });
}

/** silu(gate) · up, the SwiGLU feed-forward gate. */
export function swiglu(gate: Tensor, up: Tensor): Tensor {
  if (!(gate instanceof Tensor) || !(up instanceof Tensor) || gate.shape.join() !== up.shape.join())
    throw new EdgegradError('nn.swiglu', `gate and up must be tensors of one shape, got ${gate instanceof Tensor ? fmtShape(gate.shape) : typeof gate} and ${up instanceof Tensor ? fmtShape(up.shape) : typeof up}`, 'Pass the two projections of the same input');
  return scoped(() => o.mul(o.mul(gate, o.sigmoid(gate)), up));
}

/** Rows of table [vocab, dim] for integer ids -> [...ids.shape, dim]. */
export function embedding(table: Tensor, ids: Tensor | readonly number[]): Tensor {
  if (!(table instanceof Tensor) || table.rank !== 2) throw new EdgegradError('nn.embedding', `table must be [vocab, dim], got ${table instanceof Tensor ? fmtShape(table.shape) : typeof table}`, 'Pass a 2-D tensor');
  if (!(ids instanceof Tensor)) {
    for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= table.shape[0])
      throw new EdgegradError('nn.embedding', `id ${id} is not an integer in [0, ${table.shape[0]})`, 'Token ids index rows of the table');
  }
  return o.gather(table, ids, 0);
}

