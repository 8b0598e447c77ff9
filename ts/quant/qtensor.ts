// A weight matrix kept packed in GGML blocks on its backend (wasm heap or GPU buffer):
// the bytes live in int32 storage, 4 per word, so every backend holds them at their
// packed size. Shape is [out, in] (GGUF's layout reversed, as nn.Linear stores it).
import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { GGML_TYPES, QUANT_TYPES, type QuantType } from '../../runtime/ggml.js';
import { dequantizeInto, asBytes } from '../../runtime/backends/js/qmatmul.js';
import { Tensor } from '../tensor.js';
import { keep } from '../memory.js';
import { encodeBlocks } from './ggml-blocks.js';

/** GGML block types run through qmatmul; 'uniform' (eg.quant.quantize) and 'codebook'
 *  (eg.quant.codebook) are subclasses that run through the lut kernel (lut-layout.ts; 8-bit
 *  uniform codes through dequantize()). */
export type QuantLayout = QuantType | 'uniform' | 'codebook';

export class QuantizedTensor {
  readonly type: QuantLayout;
  readonly shape: readonly [number, number];
  /** @internal packed blocks, [ceil(bytes / 4)] int32 */
  readonly packed: Tensor;
  readonly byteLength: number;

  /** @internal use eg.quant.fromGGML / eg.quant.quantizeGGML */
  constructor(type: QuantLayout, shape: readonly [number, number], packed: Tensor, byteLength: number) {
    this.type = type;
    this.shape = Object.freeze([shape[0], shape[1]]) as readonly [number, number];
    this.packed = keep(packed);
    this.byteLength = byteLength;
  }

  /** Bits per weight, scales included (Q4_0: 4.5). */
  get bits(): number { const t = GGML_TYPES[this.type as QuantType]; return (t.bytes * 8) / t.block; }
  get isDisposed(): boolean { return this.packed.isDisposed; }

  /** The packed bytes (a copy). */
  async bytes(): Promise<Uint8Array> { return asBytes(await this.packed.data()).slice(0, this.byteLength); }

  /** float32 [out, in], bit-identical to ggml's dequantize_row_*. */
  dequantize(): Tensor {
    const s = this.packed.live('dequantize');
    if (!s.backend.isCPU) {
      // GPU: one product with the identity (exact in f32: one nonzero term per output).
      const [n, k] = this.shape;
      return engine.scope(() => {
        const eye = Tensor.make(engine.fromData(identity(k), 'float32', s.backend), [k, k]);
        const wt = Tensor.make(engine.run('dequantize', 'qmatmul', [eye.live('dequantize'), s], 'float32', k * n, { type: this.type as QuantType, m: k, n, k }), [k, n]);
        return wt.transpose();
      }, (r) => [r]);
    }
    const out = new Float32Array(this.shape[0] * this.shape[1]);
    dequantizeInto(this.type as QuantType, asBytes(engine.readSync(s)), 0, out.length, out);
    return Tensor.make(engine.fromData(out, 'float32'), this.shape);
  }

  /** @internal x · dequantize()ᵀ through the `lut` kernel, or null when this layout has none. */
  lutLinear(_x: Tensor): Tensor | null { return null; }

  dispose(): void { this.packed.dispose(); }
  [Symbol.dispose](): void { this.dispose(); }
  toString(): string { return `QuantizedTensor(${this.type} ${fmtShape(this.shape)} on ${this.packed.device})`; }
}

function identity(k: number): Float32Array {
  const e = new Float32Array(k * k);
  for (let i = 0; i < k; i++) e[i * k + i] = 1;
  return e;
}

function checkType(op: string, type: unknown): asserts type is QuantType {
  if (!QUANT_TYPES.includes(type as QuantType))
    throw new EdgegradError(op, `unsupported block type ${String(type)}`, `Use one of ${QUANT_TYPES.join(', ')}`);
}

function checkShape(op: string, type: QuantType, shape: readonly number[]): void {
  const block = GGML_TYPES[type].block;
  if (shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d > 0))
    throw new EdgegradError(op, `shape must be [out, in] with positive sizes, got ${fmtShape(shape)}`, 'Reshape the weight to 2-D');
  if (shape[1] % block)
    throw new EdgegradError(op, `${type} needs rows that are a multiple of ${block} weights, got ${fmtShape(shape)}`, block === 256 ? 'Use Q8_0, Q5_0 or Q4_0 (32-weight blocks) for this tensor, as llama.cpp does' : 'Pad the input dimension');
}

/** Packed GGML blocks (rows of shape[1] / block blocks) -> a QuantizedTensor on the current backend. */
export function fromGGML(type: QuantType, shape: readonly number[], bytes: Uint8Array): QuantizedTensor {
  checkType('quant.fromGGML', type);
  checkShape('quant.fromGGML', type, shape);
  const n = (shape[0] * shape[1] / GGML_TYPES[type].block) * GGML_TYPES[type].bytes;
  if (bytes.length < n) throw new EdgegradError('quant.fromGGML', `${type} ${fmtShape(shape)} needs ${n} bytes, got ${bytes.length}`, 'Pass the whole tensor');
  const words = Math.ceil(n / 4);
  // An aligned whole-word slice is handed to the backend as is; otherwise one padded copy.
  const aligned = bytes.byteOffset % 4 === 0 && n % 4 === 0;
  const w = aligned ? new Int32Array(bytes.buffer, bytes.byteOffset, words) : new Int32Array(words);
  if (!aligned) asBytes(w).set(bytes.subarray(0, n));
  return new QuantizedTensor(type, [shape[0], shape[1]], Tensor.make(engine.fromData(w, 'int32'), [words]), n);
}

/** Quantizes a float32 [out, in] weight to GGML blocks (ggml's reference quantizers). */
export function quantizeGGML(w: Tensor | Float32Array, type: QuantType, shape?: readonly number[]): QuantizedTensor {
  checkType('quant.quantizeGGML', type);
  const sh = w instanceof Tensor ? w.shape : shape;
  if (!sh) throw new EdgegradError('quant.quantizeGGML', 'a Float32Array needs its [out, in] shape', 'Pass the shape as the third argument');
  checkShape('quant.quantizeGGML', type, sh);
  if (w instanceof Tensor && w.dtype !== 'float32') throw new EdgegradError('quant.quantizeGGML', `needs float32 weights, got ${w.dtype}`, "Cast with .cast('float32')");
  const x = w instanceof Tensor ? (engine.readSync(w.live('quant.quantizeGGML'), 'quant.quantizeGGML') as Float32Array) : w;
  return fromGGML(type, sh, encodeBlocks(type, x));
}
