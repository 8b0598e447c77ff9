import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { defOp } from '../autodiff/tape.js';
import { Tensor } from '../tensor.js';
import { add, matmul, transpose } from '../ops/index.js';
import { QUANT_TYPES, type QuantType } from '../../runtime/ggml.js';
import { assertTensor, releaseTemps, wrap } from '../ops/util.js';
import { QuantizedTensor } from './qtensor.js';

/** x · dequantize(qw)ᵀ (+ bias) for x [..., in] and qw [out, in] -> [..., out]: GGML blocks
 *  through qmatmul, packed 1–4-bit codes and codebooks through lut. The wasm kernels quantize
 *  x to 8-bit blocks of 32 as llama.cpp does (API.md: error within 1% of the output RMS). */
export function linear(x: Tensor, qw: QuantizedTensor, bias?: Tensor): Tensor {
  assertTensor('quant.linear', x, 'x');
  if (!(qw instanceof QuantizedTensor)) throw new EdgegradError('quant.linear', `qw must be a QuantizedTensor, got ${qw === null ? 'null' : typeof qw}`, 'Make one with eg.quant.quantizeGGML or load it from a GGUF file');
  const [n, k] = qw.shape;
  if (x.dtype !== 'float32') throw new EdgegradError('quant.linear', `x must be float32, got ${x.dtype}`, "Cast with .cast('float32')");
  if (x.rank === 0 || x.shape[x.rank - 1] !== k)
    throw new EdgegradError('quant.linear', `x ${fmtShape(x.shape)} does not end in the weight's input size ${k} (qw ${qw.type} ${fmtShape(qw.shape)})`, 'x must be [..., in] for a weight [out, in]');
  if (bias !== undefined) {
    assertTensor('quant.linear', bias, 'bias');
    if (bias.rank !== 1 || bias.shape[0] !== n) throw new EdgegradError('quant.linear', `bias ${fmtShape(bias.shape)} must be [${n}]`, 'Pass one bias per output');
  }
  const viaLut = qw.lutLinear(x);
  if (viaLut) {
    if (!bias) return viaLut;
    const out = add(viaLut, bias);
    releaseTemps([viaLut]);
    return out;
  }
  if (!QUANT_TYPES.includes(qw.type as QuantType)) {
    // uniform / codebook layouts: x · dequantize(W)ᵀ with public ops (differentiable in x and bias)
    const w = qw.dequantize(), wt = transpose(w), y = matmul(x, wt);
    const out = bias ? add(y, bias) : y;
    releaseTemps(bias ? [w, wt, y] : [w, wt]);
    return out;
  }
  const type = qw.type as QuantType;
  const inputs = bias ? [x, bias] : [x];
  return defOp('quant.linear', inputs, { dequantize: () => qw.dequantize() }, () => {
    const m = x.size / k;
    const s = engine.run('quant.linear', 'qmatmul', [x.live('quant.linear'), qw.packed.live('quant.linear')], 'float32', m * n, { type, m, n, k });
    const y = wrap(s, [...x.shape.slice(0, -1), n]);
    if (!bias) return y;
    const out = add(y, bias);
    y.dispose();
    return out;
  });
}

