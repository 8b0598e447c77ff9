// eg.quant.quantize: uniform centred grids along the last axis of a [out, in] weight, per
// tensor, row or block, optionally in the Hadamard domain. Up to 4 bits the codes are packed
// densely as table-lookup weights (lut-layout.ts: the grid is one int8 table, odd integers
// times half a step) and quant.linear runs the `lut` kernel; 8-bit codes are one byte each.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { assertTensor, releaseTemps } from '../ops/util.js';
import { keep, scope } from '../memory.js';
import { zeros, zerosLike } from '../creation.js';
import { QuantizedTensor } from './qtensor.js';
import { LutWeights, codeBits, packCodes, packTables } from './lut-layout.js';
import { hadamard } from './hadamard.js';
import { GAUSSIAN_ALPHA, codes, fakeQuant, levelValues, levelsOf, rms, type Bits } from './grid.js';

export type Grid = 'gaussianMse' | 'minmax' | 'percentile' | 'mse';
export type Granularity = 'tensor' | 'row' | { block: number };
export interface QuantizeOptions { bits: Bits; grid?: Grid; granularity?: Granularity; rotate?: 'hadamard' | null }

const GRIDS: readonly Grid[] = ['gaussianMse', 'minmax', 'percentile', 'mse'];
/** 'percentile' clips at this quantile of |x| per group. */
const PERCENTILE = 0.999;
/** 'mse' tries scales max|x|·c/MSE_STEPS, c = 1 … MSE_STEPS. */
const MSE_STEPS = 32;
/** Keeps an all-zero group's step finite (its codes then decode to ~0). */
const TINY = 1e-30;

/** Largest power of two ≤ 128 dividing n: the Hadamard block a rotation uses. */
export function rotationBlock(n: number): number {
  let b = 1;
  while (b < 128 && n % (b * 2) === 0) b *= 2;
  return b;
}

export class UniformQuantized extends QuantizedTensor {
  /** Bits per weight of the grid (scales not counted). */
  readonly bitWidth: Bits;
  readonly grid: Grid;
  readonly levels: number;
  /** Hadamard block of the rotation, 0 when unrotated. */
  readonly rotation: number;
  /** @internal one scale per group, [groups, 1] */
  readonly scales: Tensor;
  /** @internal the packed codes up to 4 bits (null: one uint8 per code in `packed`) */
  readonly lut: LutWeights | null;

  /** @internal use eg.quant.quantize */
  constructor(shape: readonly [number, number], packed: Tensor, scales: Tensor, bits: Bits, grid: Grid, rotation: number, lut: LutWeights | null) {
    super('uniform', shape, packed, lut ? lut.byteLength : packed.size);
    this.lut = lut;
    this.scales = keep(scales);
    this.bitWidth = bits;
    this.grid = grid;
    this.levels = levelsOf('quant.quantize', bits);
    this.rotation = rotation;
  }

  override get bits(): number { return this.bitWidth; }

  /** float32 [out, in] in the original (un-rotated) domain. */
  override dequantize(): Tensor {
    return scope(() => {
      if (this.lut) { const w = this.lut.decode(); return this.rotation ? hadamard(w, { block: this.rotation }) : w; }
      const g = this.scales.shape[0];
      const k = o.reshape(o.cast(this.packed, 'float32'), [g, this.packed.size / g]);
      const w = o.reshape(levelValues(k, this.scales, this.levels), this.shape);
      return this.rotation ? hadamard(w, { block: this.rotation }) : w;
    });
  }

  /** Through the packed codes; a rotation moves onto x (x·(W·H)ᵀ = (x·H)·Wᵀ, H symmetric). */
  override lutLinear(x: Tensor): Tensor | null {
    if (!this.lut) return null;
    if (!this.rotation) return this.lut.linear(x);
    const xr = hadamard(x, { block: this.rotation }), y = this.lut.linear(xr);
    releaseTemps([xr]);
    return y;
  }

  override dispose(): void { super.dispose(); this.scales.dispose(); this.lut?.dispose(); }
  override toString(): string { return `QuantizedTensor(uniform ${this.bitWidth}-bit ${this.grid} ${fmtShape(this.shape)} on ${this.packed.device})`; }
}

function groupRows(op: string, shape: readonly number[], granularity: Granularity): number {
  const [n, k] = shape;
  if (granularity === 'tensor') return 1;
  if (granularity === 'row') return n;
  const b = typeof granularity === 'object' && granularity !== null ? granularity.block : undefined;
  if (typeof b !== 'number' || !Number.isInteger(b) || b < 1)
    throw new EdgegradError(op, `granularity must be 'tensor', 'row' or { block }, got ${JSON.stringify(granularity)}`, 'Pass e.g. { block: 32 }');
  if (k % b) throw new EdgegradError(op, `block ${b} does not divide the input size of ${fmtShape(shape)}`, 'Pick a block that divides the last axis');
  return (n * k) / b;
}

/** Per-group clipping scale [groups, 1] of x [groups, len]. */
export function gridScale(x: Tensor, grid: Grid, bits: Bits, levels: number): Tensor {
  const a = o.abs(x);
  const top = o.max(a, -1, true);
  let s: Tensor;
  if (grid === 'gaussianMse') s = o.mul(rms(x), GAUSSIAN_ALPHA[bits]);
  else if (grid === 'minmax') s = top;
  else if (grid === 'percentile') {
    // bisection on the threshold: the fraction of |x| above it falls through 1 − PERCENTILE
    let lo = zerosLike(top), hi = top;
    for (let i = 0; i < 24; i++) {
      const mid = o.mul(o.add(lo, hi), 0.5);
      const over = o.greater(o.mean(o.cast(o.greater(a, mid), 'float32'), -1, true), 1 - PERCENTILE);
      lo = o.where(over, mid, lo);
      hi = o.where(over, hi, mid);
    }
    s = hi;
  } else {
    const errs: Tensor[] = [];
    for (let c = 1; c <= MSE_STEPS; c++) {
      const sc = o.maximum(o.mul(top, c / MSE_STEPS), TINY);
      errs.push(o.mean(o.square(o.sub(fakeQuant(x, sc, levels), x)), -1, true));
    }
    const best = o.cast(o.argmin(o.concat(errs, 1), 1, true), 'float32');
    s = o.mul(top, o.div(o.add(best, 1), MSE_STEPS));
  }
  return o.maximum(s, TINY);
}

export function quantize(w: Tensor, opts: QuantizeOptions): UniformQuantized {
  const op = 'quant.quantize';
  assertTensor(op, w, 'w');
  if (w.dtype !== 'float32') throw new EdgegradError(op, `w must be float32, got ${w.dtype}`, "Cast with .cast('float32')");
  if (w.rank !== 2 || w.size === 0) throw new EdgegradError(op, `w must be a non-empty [out, in] matrix, got ${fmtShape(w.shape)}`, 'Reshape the weight to 2-D');
  const { bits, grid = 'gaussianMse', granularity = 'row', rotate = null } = opts ?? ({} as QuantizeOptions);
  const levels = levelsOf(op, bits);
  if (!GRIDS.includes(grid)) throw new EdgegradError(op, `unknown grid ${String(grid)}`, `Use one of ${GRIDS.join(', ')}`);
  if (rotate !== null && rotate !== 'hadamard') throw new EdgegradError(op, `rotate must be 'hadamard' or null, got ${String(rotate)}`, "Pass rotate: 'hadamard' or leave it out");
  const groups = groupRows(op, w.shape, granularity);
  const [n, k] = w.shape, len = w.size / groups;
  if (levels <= 16 && len < k && len % 16)
    throw new EdgegradError(op, `${bits}-bit codes are packed in 16-weight vectors; block ${len} splits them`, 'Use a block that is a multiple of 16 (e.g. 32)');
  const rotation = rotate ? rotationBlock(k) : 0;
  return scope(() => {
    const wr = rotation ? hadamard(w, { block: rotation }) : w;
    const x = o.reshape(wr, [groups, len]);
    const s = gridScale(x, grid, bits, levels);
    const q = codes(x, s, levels);
    if (levels > 16) return new UniformQuantized([n, k], o.cast(o.reshape(q, [w.size]), 'uint8'), s, bits, grid, rotation, null);
    // the grid's levels as int8: odd integers times half a step (ternary: −1, 0, 1 times a step)
    const table = new Int8Array(16);
    for (let i = 0; i < levels; i++) table[i] = levels % 2 ? i - (levels - 1) / 2 : 2 * i - (levels - 1);
    const unit = levels % 2 ? 1 : 1 / (levels - 1);
    const bitsOf = codeBits(levels), packed = packCodes(o.reshape(q, [n, k]), bitsOf);
    const rowScales = o.reshape(groups === 1 ? o.broadcastTo(s, [n, 1]) : s, [groups === 1 ? n : groups]);
    const lut = new LutWeights([n, k], bitsOf, Math.min(len, k), packed, packTables(table), zeros([n], 'int32'), o.mul(rowScales, unit));
    return new UniformQuantized([n, k], packed, s, bits, grid, rotation, lut);
  });
}


