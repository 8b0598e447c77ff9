// Writing new values into an existing tensor. The engine has no user-visible in-place op;
// optimizers need one so that `params` keep their identity (a model holding the tensors sees
// the update). Internal to ts/optim.
import { engine, type Storage } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { keep } from '../memory.js';
import { wrap } from '../ops/util.js';

/**
 * Moves `src`'s values into `dst` and disposes `src`. When neither storage is shared
 * (no reshape views), the storage itself moves: no copy. Otherwise the copy kernel writes
 * through dst's storage so its views see the new values too.
 */
export function assign(dst: Tensor, src: Tensor): void {
  const old = dst.live('optim'), s = src.live('optim');
  if (dst.size !== src.size || dst.dtype !== src.dtype)
    throw new EdgegradError('optim', `internal: cannot assign ${src.dtype} ${fmtShape(src.shape)} into ${dst.dtype} ${fmtShape(dst.shape)}`);
  if (old === s) { src.dispose(); return; }
  if (old.refs === 1 && s.refs === 1) {
    s.refs++; // keeps the storage alive through src.dispose()
    src.dispose();
    (dst as { storage: Storage }).storage = s;
    engine.release(old);
    return;
  }
  if (old.backend !== s.backend && !s.backend.isCPU)
    throw new EdgegradError('optim', `a parameter with views lives on ${old.backend.name} but its update was computed on ${s.backend.name}`, 'Create parameters and gradients on the same backend');
  engine.run('optim', 'copy', [s], dst.dtype, dst.size, { dtype: dst.dtype, shape: [dst.size], xStrides: [1], xOffset: 0, outStrides: [1], outOffset: 0, size: dst.size }, old);
  src.dispose();
}

/** A float32 tensor filled with `value` on the same backend as `like`, alive until disposed
 *  (not freed by an enclosing eg.scope: optimizer state outlives the step that made it). */
export function stateLike(like: Tensor, value = 0, shape: readonly number[] = like.shape): Tensor {
  const backend = like.live('optim').backend;
  const size = shape.reduce((a, b) => a * b, 1);
  const st = value === 0 ? engine.allocOn(backend, 'float32', size) : engine.fromData(new Float32Array(size).fill(value), 'float32', backend);
  return keep(wrap(st, shape));
}
