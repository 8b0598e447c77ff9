import { engine } from '../../runtime/engine.js';
import { EdgegradError } from '../../runtime/errors.js';
import type { BinaryOp, DType, UnaryOp } from '../../runtime/types.js';
import { dtypeNames, isCompare, isIntUnary } from '../../runtime/ops-table.js';
import { broadcastShapes, broadcastStrides, collapse, sizeOf } from '../shape.js';
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { assertTensor, operands, promote, releaseTemps, wrap, type TensorLike } from './util.js';


export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor('cast', x);
  if (!dtypeNames.includes(dtype)) throw new EdgegradError('cast', `unknown dtype '${String(dtype)}'`, `Use one of ${dtypeNames.map((d) => `'${d}'`).join(', ')}`);
  return defOp('cast', [x], { dtype }, () => {
    if (x.dtype === dtype) return clone(x);
    const s = engine.run('cast', 'cast', [x.live('cast')], dtype, x.size, { from: x.dtype, to: dtype, size: x.size });
    return wrap(s, x.shape);
  });
}

/** A tensor that shares nothing with x. */
export function clone(x: Tensor): Tensor {
  assertTensor('clone', x);
  return defOp('clone', [x], {}, () => {
    const s = engine.run('clone', 'copy', [x.live('clone')], x.dtype, x.size, {
      dtype: x.dtype, shape: [x.size], xStrides: [1], xOffset: 0, outStrides: [1], outOffset: 0, size: x.size,
    });
    return wrap(s, x.shape);
  });
}

function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y, temps] = operands(op, a, b);
  const run = (): Tensor => {
    let dtype = promote(x.dtype, y.dtype);
    // uint8 arithmetic would wrap silently: compute in int32; true division is float (NumPy).
    if (dtype === 'uint8') dtype = 'int32';
    if (op === 'div') dtype = 'float32';
    const outShape = broadcastShapes(op, x.shape, y.shape); // before anything is allocated
    const xx = x.dtype === dtype ? x : cast(x, dtype);
    const yy = y.dtype === dtype ? y : cast(y, dtype);
    const size = sizeOf(outShape);
    const c = collapse(outShape, [broadcastStrides(x.shape, outShape), broadcastStrides(y.shape, outShape)]);
    const s = engine.run(op, 'binary', [xx.live(op), yy.live(op)], isCompare(op) ? 'uint8' : dtype, size, {
      op, dtype, outShape: c.shape, aStrides: c.strides[0], bStrides: c.strides[1], aOffset: 0, bOffset: 0, size,
    });
    if (xx !== x) xx.dispose();
    if (yy !== y) yy.dispose();
    return wrap(s, outShape);
  };
  try {
    return isCompare(op) ? defOp(op, [], {}, run) : defOp(op, [x, y], {}, run);
  } finally {
    releaseTemps(temps);
  }
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', a, b);
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binary('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary('greaterEqual', a, b);

function unary(op: UnaryOp, x: Tensor): Tensor {
  assertTensor(op, x);
  return defOp(op, [x], {}, () => {
    // Integer inputs stay integer where the result is exact; the rest compute in float32.
    const dtype: DType = x.dtype !== 'float32' && isIntUnary(op) ? 'int32' : 'float32';
    const xx = x.dtype === dtype ? x : cast(x, dtype);
    const s = engine.run(op, 'unary', [xx.live(op)], dtype, x.size, { op, dtype, size: x.size });
    if (xx !== x) xx.dispose();
    return wrap(s, x.shape);
  });
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
/** GELU, tanh approximation (as jax.nn.gelu's default). */
export const gelu = (x: Tensor): Tensor => unary('gelu', x);
export const sin = (x: Tensor): Tensor => unary('sin', x);
export const cos = (x: Tensor): Tensor => unary('cos', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
/** Heaviside step: 1 where x > 0, else 0 (NaN stays NaN). */
export const step = (x: Tensor): Tensor => unary('step', x);
