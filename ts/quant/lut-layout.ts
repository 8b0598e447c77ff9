// Table-lookup weights (kernel family `lut`): 1–4-bit codes packed densely (bits per weight
// exactly, in 32-code chunks the SIMD unpack reads whole), a 16-entry int8 table per row
// (shared: one per codebook, or the one uniform grid) and a float32 scale per row segment.
// Codes are packed with public ops, so a weight quantized on a GPU stays there.
import { engine } from '../../runtime/engine.js';
import { EdgegradError } from '../../runtime/errors.js';
import { defOp } from '../autodiff/tape.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { wrap } from '../ops/util.js';
import { keep, scope } from '../memory.js';
import { tensor, zeros } from '../creation.js';

export type LutBits = 1 | 2 | 3 | 4;

/** Bits per code of a grid or codebook with `levels` entries (≤ 16). */
export const codeBits = (levels: number): LutBits => (levels <= 2 ? 1 : levels <= 4 ? 2 : levels <= 8 ? 3 : 4);

const paddedK = (k: number): number => Math.ceil(k / 32) * 32;

/** 8 / bits chunks of 4·bits codes each, summed with shifts into 4·bits bytes: byte i of a
 *  chunk holds codes i + s·4·bits at bit s·bits (runtime/backends/js/lut.ts codeAt reads it). */
function packPlanes(c: Tensor, bits: number): Tensor {
  const [n, nc] = c.shape, B = 4 * bits, planes = 32 / B;
  const shifts = tensor(Float32Array.from({ length: planes }, (_, s) => 2 ** (s * bits)), [planes, 1]);
  return o.sum(o.mul(o.reshape(c, [n, nc, planes, B]), shifts), 2);
}

/** Integer codes q [n, k] (float32, 0 … 2^bits − 1, any backend) -> int32 words. */
export function packCodes(q: Tensor, bits: LutBits): Tensor {
  return scope(() => {
    const [n, k] = q.shape, kp = paddedK(k), nc = kp / 32;
    const c = o.reshape(kp > k ? o.concat([q, zeros([n, kp - k])], 1) : q, [n, nc, 32]);
    let bytes: Tensor;
    if (bits === 3) {
      const hi = o.cast(o.greaterEqual(c, 4), 'float32');
      bytes = o.concat([packPlanes(o.sub(c, o.mul(hi, 4)), 2), packPlanes(hi, 1)], 2);
    } else bytes = packPlanes(c, bits);
    // little-endian words, the top byte signed so every partial sum fits int32 exactly
    const b = o.reshape(bytes, [(n * kp * bits) / 32, 4]);
    const top = o.cast(o.greaterEqual(b, 128), 'float32');
    const signed = o.cast(o.sub(b, o.mul(top, tensor(new Float32Array([0, 0, 0, 256]), [4]))), 'int32');
    return o.sum(o.mul(signed, tensor(new Int32Array([1, 256, 65536, 16777216]), [4])), 1);
  });
}

/** Int8 tables (16 entries each, unused entries 0) as int32 words. */
export function packTables(tables: Int8Array): Tensor {
  if (tables.length % 16) throw new Error('tables must hold 16 entries each');
  return tensor(new Int32Array(tables.buffer.slice(tables.byteOffset, tables.byteOffset + tables.byteLength)), [tables.length / 4]);
}

/** The parts of a table-lookup weight [n, k]; owns its tensors. */
export class LutWeights {
  readonly codes: Tensor;
  readonly tables: Tensor;
  readonly ids: Tensor;
  readonly scales: Tensor;

  /** `seg`: weights per scale along a row (a multiple of 16, or ≥ k for one scale per row). */
  constructor(readonly shape: readonly [number, number], readonly bits: LutBits, readonly seg: number, codes: Tensor, tables: Tensor, ids: Tensor, scales: Tensor) {
    if (!(seg % 16 === 0 || seg >= shape[1])) throw new EdgegradError('quant', `a scale segment of ${seg} weights splits a 16-weight vector`, 'Use blocks that are a multiple of 16');
    this.codes = keep(codes); this.tables = keep(tables); this.ids = keep(ids); this.scales = keep(scales);
  }

  /** Bytes held: codes, tables, ids and scales. */
  get byteLength(): number { return 4 * (this.codes.size + this.tables.size + this.ids.size + this.scales.size); }

  private params(m: number) { return { m, n: this.shape[0], k: this.shape[1], bits: this.bits, seg: Math.min(this.seg, this.shape[1]) }; }
  private inputs(op: string) { return [this.codes.live(op), this.tables.live(op), this.ids.live(op), this.scales.live(op)] as const; }

  /** W as float32 [n, k]. */
  decode(): Tensor {
    const [n, k] = this.shape;
    return wrap(engine.run('quant.dequantize', 'lut', [null, ...this.inputs('quant.dequantize')], 'float32', n * k, this.params(0)), this.shape);
  }

  /** x [..., k] · Wᵀ (differentiable in x; the weight is a constant). */
  linear(x: Tensor): Tensor {
    const [n, k] = this.shape, m = x.size / k;
    return defOp('quant.linear', [x], { dequantize: () => this.decode() }, () =>
      wrap(engine.run('quant.linear', 'lut', [x.live('quant.linear'), ...this.inputs('quant.linear')], 'float32', m * n, this.params(m)), [...x.shape.slice(0, -1), n]));
  }

  dispose(): void { for (const t of [this.codes, this.tables, this.ids, this.scales]) t.dispose(); }
}
