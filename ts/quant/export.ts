// 4-bit uniform weights -> GGML Q4_K blocks holding the same grid, so a QuEST / quantize model
// can be written with eg.io.gguf.write and served from the file by the qmatmul kernels.
// Per 256 weights d = Δ/63 and dmin = 7.5·Δ/63 (fp16), every sub-block scale and min 63 and
// each nibble the grid code q, so ggml's w = d·63·q − dmin·63 = (q − 7.5)·Δ: the grid itself,
// up to the fp16 rounding of d and dmin (2^-11 relative, ≤ 0.011·Δ per weight).
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { fromGGML, type QuantizedTensor } from './qtensor.js';
import { UniformQuantized } from './uniform.js';
import { packQ4K, putHalf } from './ggml-blocks.js';

/** qw (4 bits, per row or tensor, rows a multiple of 256) as Q4_K. A rotated qw stays in the
 *  Hadamard domain: serve it as quant.linear(hadamard(x, { block: qw.rotation }), result). */
export async function toGGML(qw: UniformQuantized, type: 'Q4_K' = 'Q4_K'): Promise<QuantizedTensor> {
  const op = 'quant.toGGML';
  if (!(qw instanceof UniformQuantized) || qw.bits !== 4 || !qw.lut)
    throw new EdgegradError(op, `needs a 4-bit eg.quant.quantize result, got ${String(qw)}`, 'Quantize with { bits: 4 }, or use eg.quant.quantizeGGML on float weights');
  if (type !== 'Q4_K') throw new EdgegradError(op, `type ${String(type)}: only Q4_K holds the centred 4-bit grid exactly`, "Pass 'Q4_K'");
  const [n, k] = qw.shape, lut = qw.lut;
  if (k % 256 || lut.scales.size !== n)
    throw new EdgegradError(op, `Q4_K needs one scale per row and rows that are a multiple of 256, got ${fmtShape(qw.shape)} with ${lut.scales.size} scales`, "Quantize with granularity 'row' (or 'tensor') a weight whose input size is a multiple of 256");
  const dec = lut.decode(), w = await dec.data(), half = await lut.scales.data();
  dec.dispose();
  const nb = k / 256, out = new Uint8Array(n * nb * 144);
  const six3 = new Uint8Array(8).fill(63), L = new Uint8Array(256);
  for (let r = 0; r < n; r++) {
    // the row's levels are odd multiples of half a step: code q = (w / (Δ/2) + 15) / 2
    const step = 2 * half[r], inv = half[r] ? 1 / half[r] : 0;
    for (let b = 0; b < nb; b++) {
      const o = (r * nb + b) * 144, base = r * k + b * 256;
      putHalf(out, o, step / 63);
      putHalf(out, o + 2, (7.5 * step) / 63);
      for (let j = 0; j < 256; j++) L[j] = Math.max(0, Math.min(15, Math.round((w[base + j] * inv + 15) / 2)));
      packQ4K(out, o, six3, six3, L);
    }
  }
  return fromGGML('Q4_K', [n, k], out);
}
