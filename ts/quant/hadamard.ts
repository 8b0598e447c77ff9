import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { assertTensor, wrap } from '../ops/util.js';

export interface HadamardOptions { block?: number }

export function checkBlock(op: string, block: unknown, last: number, shape: readonly number[]): asserts block is number {
  if (typeof block !== 'number' || !Number.isInteger(block) || block < 1 || (block & (block - 1)) !== 0)
    throw new EdgegradError(op, `block must be a power of two, got ${String(block)}`, 'Use 32, 64, 128 (the default) or another power of two');
  if (last % block !== 0)
    throw new EdgegradError(op, `the last axis of ${fmtShape(shape)} (${last}) is not a multiple of block ${block}`, 'Pad the last axis or pick a block that divides it');
}

/** The orthonormal Walsh–Hadamard transform (Sylvester order) of each `block`-long segment
 *  of the last axis. H is symmetric and orthonormal, so the transform is its own inverse. */
export function hadamard(x: Tensor, { block = 128 }: HadamardOptions = {}): Tensor {
  assertTensor('quant.hadamard', x, 'x');
  if (x.dtype !== 'float32') throw new EdgegradError('quant.hadamard', `x must be float32, got ${x.dtype}`, "Cast with .cast('float32')");
  if (x.rank === 0) throw new EdgegradError('quant.hadamard', 'x is a scalar', 'Pass a tensor with a last axis');
  checkBlock('quant.hadamard', block, x.shape[x.rank - 1], x.shape);
  return defOp('quant.hadamard', [x], { block }, () =>
    wrap(engine.run('quant.hadamard', 'fwht', [x.live('quant.hadamard')], 'float32', x.size, { segments: x.size / block, block }), x.shape));
}
