// Uniform centred grids: L levels (k − (L−1)/2)·step, k = 0 … L−1, step = 2·scale/(L − 1);
// clip(x, −scale, scale) rounds to the nearest level (QuEST's xq = (round(x/step + ½) − ½)·step
// for even L, round(x/step)·step for ternary). Composed from public ops, so every backend runs it.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';

export type Bits = 1 | 1.58 | 2 | 3 | 4 | 8;

/** MSE-optimal clipping scale for a standard normal, in units of its RMS (references/quantization.md). */
export const GAUSSIAN_ALPHA: Readonly<Record<Bits, number>> = { 1: 0.79788, 1.58: 1.22401, 2: 1.49353, 3: 2.05107, 4: 2.51393, 8: 3.88494 };
export const BIT_WIDTHS = Object.keys(GAUSSIAN_ALPHA).map(Number) as Bits[];

export function levelsOf(op: string, bits: unknown): number {
  if (!BIT_WIDTHS.includes(bits as Bits))
    throw new EdgegradError(op, `bits must be one of ${BIT_WIDTHS.join(', ')}, got ${String(bits)}`, 'Pick a supported bit width (1.58 is ternary)');
  return bits === 1.58 ? 3 : 2 ** (bits as number);
}

/** Grid codes k (float32 integers in [0, L−1]) of x against per-group scales (broadcast). */
export function codes(x: Tensor, scale: Tensor, levels: number): Tensor {
  const step = o.div(o.mul(scale, 2), levels - 1);
  // clip(x)/step lies in [−(L−1)/2, (L−1)/2]; shifted by L/2 it is ≥ ½, so truncation is floor(· + ½)
  const v = o.add(o.div(o.minimum(o.maximum(x, o.neg(scale)), scale), step), levels / 2);
  return o.cast(o.cast(v, 'int32'), 'float32');
}

/** The level values of codes k. */
export function levelValues(k: Tensor, scale: Tensor, levels: number): Tensor {
  return o.mul(o.sub(k, (levels - 1) / 2), o.div(o.mul(scale, 2), levels - 1));
}

/** x rounded to the grid (no gradient: the cast is piecewise constant). */
export function fakeQuant(x: Tensor, scale: Tensor, levels: number): Tensor {
  return levelValues(codes(x, scale, levels), scale, levels);
}

/** RMS over the last axis, kept as [..., 1]. */
export const rms = (x: Tensor): Tensor => o.sqrt(o.mean(o.square(x), -1, true));
