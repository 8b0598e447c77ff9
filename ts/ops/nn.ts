import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { normAxes, normAxis, sizeOf } from '../shape.js';
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';
import { transpose, reshape } from './layout.js';
import { assertTensor, wrap } from './util.js';
import type { Axis } from './reduce.js';

/** Moves `axes` to the end, runs a row kernel over [rows, cols], and undoes the move. */
function rowwise(op: string, x: Tensor, axes: number[], run: (src: Tensor, rows: number, cols: number) => Tensor, keepShape: boolean): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = perm.some((p, i) => p !== i);
  const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
  const src = moved ? transpose(xf, perm) : xf;
  const cols = sizeOf(axes.map((a) => x.shape[a]));
  const rows = cols === 0 ? 0 : x.size / cols;
  const flat = run(src, rows, cols);
  if (src !== x) src.dispose();
  if (xf !== x && xf !== src) xf.dispose();
  if (!keepShape) return flat;
  const permShape = perm.map((a) => x.shape[a]);
  const shaped = reshape(flat, permShape);
  flat.dispose();
  if (!moved) return shaped;
  const inv = perm.map((_, i) => perm.indexOf(i));
  const back = transpose(shaped, inv);
  shaped.dispose();
  return back;
}

function softmaxImpl(op: 'softmax' | 'logSoftmax', x: Tensor, axis: number, log: boolean): Tensor {
  assertTensor(op, x);
  const ax = normAxis(op, axis, x.rank);
  return defOp(op, [x], { axis: ax }, () => rowwise(op, x, [ax], (src, rows, cols) =>
    wrap(engine.run(op, 'softmax', [src.live(op)], 'float32', rows * cols, { rows, cols, log }), [rows * cols]), true));
}

export const softmax = (x: Tensor, axis = -1): Tensor => softmaxImpl('softmax', x, axis, false);
export const logSoftmax = (x: Tensor, axis = -1): Tensor => softmaxImpl('logSoftmax', x, axis, true);

/** log(sum(exp(x))) over `axis` (default: the last), computed stably. */
export function logSumExp(x: Tensor, axis: Axis | undefined = -1, keepDims = false): Tensor {
  assertTensor('logSumExp', x);
  const axes = normAxes('logSumExp', axis, x.rank);
  if (axes.some((a) => x.shape[a] === 0)) throw new EdgegradError('logSumExp', `empty axis in ${fmtShape(x.shape)}`, 'Reduce over non-empty axes');
  return defOp('logSumExp', [x], { axes, keepDims, shape: x.shape }, () => {
    const flat = rowwise('logSumExp', x, axes, (src, rows, cols) =>
      wrap(engine.run('logSumExp', 'logSumExp', [src.live('logSumExp')], 'float32', rows, { rows, cols }), [rows]), false);
    const out = reshape(flat, keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i)));
    flat.dispose();
    return out;
  });
}

export interface NormOptions { eps?: number }

function checkAffine(op: string, x: Tensor, t: Tensor | null | undefined, name: string): void {
  if (!t) return;
  assertTensor(op, t, name);
  const cols = x.shape[x.rank - 1];
  if (t.size !== cols || t.dtype !== 'float32')
    throw new EdgegradError(op, `${name} must be float32 with ${cols} elements (the last axis of ${fmtShape(x.shape)}), got ${t.dtype} ${fmtShape(t.shape)}`, `Pass a [${cols}] float32 tensor or null`);
}

/** Layer normalisation over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta. */
export function layerNorm(x: Tensor, gamma?: Tensor | null, beta?: Tensor | null, opts: NormOptions = {}): Tensor {
  assertTensor('layerNorm', x);
  if (x.rank === 0) throw new EdgegradError('layerNorm', 'input must have at least one axis', 'Reshape it to [1]');
  checkAffine('layerNorm', x, gamma, 'gamma');
  checkAffine('layerNorm', x, beta, 'beta');
  const eps = opts.eps ?? 1e-5;
  const ins = [x, gamma, beta].filter((t): t is Tensor => !!t);
  return defOp('layerNorm', ins, { eps, gamma: !!gamma, beta: !!beta }, () => {
    const cols = x.shape[x.rank - 1], rows = cols ? x.size / cols : 0;
    const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
    const s = engine.run('layerNorm', 'layerNorm', [xf.live('layerNorm'), gamma?.live('layerNorm') ?? null, beta?.live('layerNorm') ?? null], 'float32', x.size, { rows, cols, eps });
    if (xf !== x) xf.dispose();
    return wrap(s, x.shape);
  });
}

/** RMS normalisation over the last axis: x / sqrt(mean(x²) + eps) * gamma. */
export function rmsNorm(x: Tensor, gamma?: Tensor | null, opts: NormOptions = {}): Tensor {
  assertTensor('rmsNorm', x);
  if (x.rank === 0) throw new EdgegradError('rmsNorm', 'input must have at least one axis', 'Reshape it to [1]');
  checkAffine('rmsNorm', x, gamma, 'gamma');
  const eps = opts.eps ?? 1e-6;
  const ins = [x, gamma].filter((t): t is Tensor => !!t);
  return defOp('rmsNorm', ins, { eps, gamma: !!gamma }, () => {
    const cols = x.shape[x.rank - 1], rows = cols ? x.size / cols : 0;
    const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
    const s = engine.run('rmsNorm', 'rmsNorm', [xf.live('rmsNorm'), gamma?.live('rmsNorm') ?? null], 'float32', x.size, { rows, cols, eps });
    if (xf !== x) xf.dispose();
    return wrap(s, x.shape);
  });
}
