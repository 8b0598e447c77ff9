import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { broadcastShapes, broadcastStrides, checkShape, collapse, normAxes, normAxis, sizeOf, stridesOf } from '../shape.js';
import { defOp } from '../autodiff/tape.js';
import { Tensor } from '../tensor.js';
import { cast, notEqual } from './elementwise.js';
import { assertTensor, disposeAll, releaseTemps, operands, promote, shapeErr, typedFor, wrap, type TensorLike } from './util.js';

/** Same data, new shape (a view: no copy). One dimension may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('reshape', x);
  const s = [...shape];
  const infer = s.indexOf(-1);
  if (infer >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== infer));
    if (rest === 0 || x.size % rest !== 0) throw shapeErr('reshape', `cannot infer -1 for ${x.size} elements`, [x.shape, shape], 'The known dimensions must divide the size');
    s[infer] = x.size / rest;
  }
  checkShape('reshape', s);
  if (sizeOf(s) !== x.size) throw shapeErr('reshape', `cannot reshape ${x.size} elements into ${sizeOf(s)}`, [x.shape, shape], 'The new shape must hold the same number of elements');
  return defOp('reshape', [x], { shape: x.shape }, () => {
    const st = x.live('reshape');
    st.refs++;
    return Tensor.make(st, s);
  });
}

/** Strided copy of x (viewed through xStrides/xOffset over `shape`) into a fresh contiguous tensor. */
function stridedCopy(op: string, x: Tensor, shape: number[], xStrides: number[], xOffset: number): Tensor {
  const size = sizeOf(shape);
  const c = collapse(shape, [xStrides, stridesOf(shape)]);
  const s = engine.run(op, 'copy', [x.live(op)], x.dtype, size, {
    dtype: x.dtype, shape: c.shape, xStrides: c.strides[0], xOffset, outStrides: c.strides[1], outOffset: 0, size,
  });
  return wrap(s, shape);
}

export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  assertTensor('transpose', x);
  const r = x.rank;
  const p = perm ? [...perm] : [...Array(r).keys()].reverse();
  if (p.length !== r || [...p].sort((a, b) => a - b).some((v, i) => v !== i))
    throw new EdgegradError('transpose', `perm ${JSON.stringify(perm)} is not a permutation of the ${r} axes of ${fmtShape(x.shape)}`, `Give each of 0..${r - 1} once`);
  return defOp('transpose', [x], { perm: p }, () => {
    const st = stridesOf(x.shape);
    return stridedCopy('transpose', x, p.map((a) => x.shape[a]), p.map((a) => st[a]), 0);
  });
}

export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('broadcastTo', x);
  checkShape('broadcastTo', shape);
  const out = broadcastShapes('broadcastTo', x.shape, shape);
  if (out.length !== shape.length || out.some((d, i) => d !== shape[i]))
    throw shapeErr('broadcastTo', 'cannot broadcast', [x.shape, shape], 'Every axis of the input must be 1 or match the target');
  return defOp('broadcastTo', [x], { shape: x.shape }, () => stridedCopy('broadcastTo', x, [...shape], broadcastStrides(x.shape, shape), 0));
}

/**
 * slice(x, begin, size): begin per axis (negative counts from the end), size per axis
 * (-1 = to the end). Missing trailing axes are taken whole.
 */
export function slice(x: Tensor, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  assertTensor('slice', x);
  const b0 = typeof begin === 'number' ? [begin] : [...begin];
  const s0 = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
  if (b0.length > x.rank || s0.length > x.rank) throw new EdgegradError('slice', `begin ${JSON.stringify(begin)}/size ${JSON.stringify(size)} have more entries than the rank of ${fmtShape(x.shape)}`, 'Give at most one entry per axis');
  const b: number[] = x.shape.map((d: number, i: number) => { const v = b0[i] ?? 0; return v < 0 ? v + d : v; });
  const sz = x.shape.map((d: number, i: number) => { const v = s0[i] ?? -1; return v === -1 ? d - b[i] : v; });
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(b[i]) || !Number.isInteger(sz[i]) || b[i] < 0 || sz[i] < 0 || b[i] + sz[i] > d)
      throw new EdgegradError('slice', `axis ${i}: begin ${b0[i] ?? 0} size ${s0[i] ?? -1} is outside ${fmtShape(x.shape)}`, 'Keep 0 <= begin and begin + size <= dimension');
  });
  return defOp('slice', [x], { begin: b, size: sz, shape: x.shape }, () => {
    const st = stridesOf(x.shape);
    return stridedCopy('slice', x, sz, st, b.reduce((acc, v, i) => acc + v * st[i], 0));
  });
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new EdgegradError('concat', 'needs a non-empty array of tensors', 'Pass [a, b, ...]');
  xs.forEach((t, i) => assertTensor('concat', t, `tensors[${i}]`));
  const r = xs[0].rank;
  const ax = normAxis('concat', axis, r);
  for (const t of xs)
    if (t.rank !== r || t.shape.some((d: number, i: number) => i !== ax && d !== xs[0].shape[i]))
      throw shapeErr('concat', `all dimensions except axis ${axis} must match`, xs.map((t) => t.shape), 'Reshape the inputs to agree off the concat axis');
  const dtype = xs.map((t) => t.dtype).reduce(promote);
  return defOp('concat', [...xs], { axis: ax, sizes: xs.map((t) => t.shape[ax]) }, () => {
    const outShape = [...xs[0].shape];
    outShape[ax] = xs.reduce((a, t) => a + t.shape[ax], 0);
    const size = sizeOf(outShape);
    const ost = stridesOf(outShape);
    const same = xs.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
    const inputs = same.map((t) => t.live('concat'));
    // The first non-empty piece places the output (as run() would); the rest fill it in.
    let out: ReturnType<typeof engine.run> | undefined;
    let off = 0;
    for (let i = 0; i < same.length; i++) {
      if (same[i].size) out = engine.run('concat', 'copy', [inputs[i]], dtype, size, pieceParams(same[i], ost, off, dtype), out);
      off += same[i].shape[ax] * ost[ax];
    }
    out ??= engine.run('concat', 'copy', [inputs[0]], dtype, 0, pieceParams(same[0], ost, 0, dtype));
    disposeAll(same.filter((t, i) => t !== xs[i]));
    return wrap(out, outShape);
  });
}

function pieceParams(t: Tensor, outStrides: number[], outOffset: number, dtype: Tensor['dtype']) {
  const c = collapse(t.shape, [stridesOf(t.shape), outStrides]);
  return { dtype, shape: c.shape, xStrides: c.strides[0], xOffset: 0, outStrides: c.strides[1], outOffset, size: t.size };
}

export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new EdgegradError('stack', 'needs a non-empty array of tensors', 'Pass [a, b, ...]');
  xs.forEach((t, i) => assertTensor('stack', t, `tensors[${i}]`));
  const ax = normAxis('stack', axis, xs[0].rank + 1);
  if (xs.some((t) => t.shape.join() !== xs[0].shape.join()))
    throw shapeErr('stack', 'all tensors must have the same shape', xs.map((t) => t.shape), 'Reshape them to one shape');
  const parts = xs.map((t) => expandDims(t, ax));
  const out = concat(parts, ax);
  disposeAll(parts);
  return out;
}

/** gather(x, indices, axis): picks entries along `axis`; output shape is
 *  x.shape[:axis] + indices.shape + x.shape[axis+1:]. Indices are int32 in [0, n). */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  assertTensor('gather', x);
  const ax = normAxis('gather', axis, x.rank);
  const idx = indices instanceof Tensor ? indices : Tensor.make(engine.fromData(typedFor('int32', indices as number[]), 'int32', x.live('gather').backend), [(indices as number[]).length]);
  try {
    if (idx.dtype !== 'int32') throw new EdgegradError('gather', `indices must be int32, got ${idx.dtype}`, "Cast them with .cast('int32')");
    const n = x.shape[ax];
    // Out-of-range reads would be undefined behaviour on some backends: check where the
    // indices can be read synchronously (CPU); GPU-resident indices are clamped by the kernel.
    const readable = !(indices instanceof Tensor) || idx.storage.backend.isCPU;
    if (n === 0 && idx.size > 0) throw new EdgegradError('gather', `axis ${ax} of ${fmtShape(x.shape)} is empty: no index is in range`, 'Gather from a non-empty axis, or pass no indices');
    if (readable) {
      const v = indices instanceof Tensor ? engine.readSync(idx.live('gather'), 'gather') : (indices as readonly number[]);
      for (let i = 0; i < v.length; i++)
        if (!Number.isInteger(v[i]) || v[i] < 0 || v[i] >= n) throw new EdgegradError('gather', `index ${v[i]} at position ${i} is out of range for axis ${ax} of size ${n} (shape ${fmtShape(x.shape)})`, `Use indices in [0, ${n - 1}]`);
    }
    return defOp('gather', [x], { axis: ax, indices: idx, shape: x.shape }, () => {
      const outer = sizeOf(x.shape.slice(0, ax)), inner = sizeOf(x.shape.slice(ax + 1));
      const outShape = [...x.shape.slice(0, ax), ...idx.shape, ...x.shape.slice(ax + 1)];
      const s = engine.run('gather', 'gather', [x.live('gather'), idx.live('gather')], x.dtype, sizeOf(outShape), { dtype: x.dtype, outer, axisSize: n, inner, nIdx: idx.size });
      return wrap(s, outShape);
    });
  } finally {
    if (idx !== indices) releaseTemps([idx]);
  }
}

/** where(cond, a, b): a where cond is non-zero, else b; broadcasting all three. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  assertTensor('where', cond, 'cond');
  const [x, y, temps] = operands('where', a, b);
  try {
    return defOp('where', [cond, x, y], {}, () => {
      const dtype = promote(x.dtype, y.dtype);
      const outShape = broadcastShapes('where', cond.shape, x.shape, y.shape); // before anything is allocated
      const xx = x.dtype === dtype ? x : cast(x, dtype);
      const yy = y.dtype === dtype ? y : cast(y, dtype);
      const cc = cond.dtype === 'uint8' ? cond : notEqual(cond, 0);
      const size = sizeOf(outShape);
      const c = collapse(outShape, [cond.shape, x.shape, y.shape].map((s) => broadcastStrides(s, outShape)));
      const s = engine.run('where', 'where', [cc.live('where'), xx.live('where'), yy.live('where')], dtype, size, {
        dtype, outShape: c.shape, cStrides: c.strides[0], aStrides: c.strides[1], bStrides: c.strides[2], size,
      });
      disposeAll([xx, yy, cc].filter((t) => t !== x && t !== y && t !== cond));
      return wrap(s, outShape);
    });
  } finally {
    releaseTemps(temps);
  }
}

export function expandDims(x: Tensor, axis: number): Tensor {
  assertTensor('expandDims', x);
  const ax = normAxis('expandDims', axis, x.rank + 1);
  const s = [...x.shape];
  s.splice(ax, 0, 1);
  return reshape(x, s);
}

export function squeeze(x: Tensor, axis?: number | readonly number[] | null): Tensor {
  assertTensor('squeeze', x);
  const axes = axis === undefined || axis === null ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normAxes('squeeze', axis, x.rank);
  for (const a of axes) if (x.shape[a] !== 1) throw new EdgegradError('squeeze', `axis ${a} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`, 'Only size-1 axes can be squeezed');
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

export function flatten(x: Tensor): Tensor { return reshape(x, [x.size]); }
