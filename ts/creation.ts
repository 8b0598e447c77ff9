import { engine } from '../runtime/engine.js';
import { EdgegradError } from '../runtime/errors.js';
import type { DType, TypedArray } from '../runtime/types.js';
import { makeTyped } from '../runtime/types.js';
import { checkShape, sizeOf } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';
import { typedFor } from './ops/util.js';

export type TensorInput = TypedArray | NestedArray | boolean | boolean[] | readonly number[];
export interface CreateOptions { dtype?: DType }
export interface TensorOptions extends CreateOptions { shape?: readonly number[] }

/** `{ dtype }` or the positional dtype (both styles are accepted everywhere). */
const dtypeArg = (d: DType | CreateOptions | undefined, dflt: DType): DType => (typeof d === 'object' && d !== null ? d.dtype : d) ?? dflt;

function inferShape(v: unknown): number[] {
  const shape: number[] = [];
  let cur = v;
  while (Array.isArray(cur)) { shape.push(cur.length); cur = cur[0]; }
  return shape;
}

function flattenChecked(v: unknown, shape: number[], out: number[], depth = 0): void {
  if (depth === shape.length) {
    if (typeof v === 'boolean') { out.push(+v); return; }
    if (typeof v !== 'number') throw new EdgegradError('tensor', `expected a number at depth ${depth}, got ${Array.isArray(v) ? 'an array' : typeof v}`, 'Nested arrays must be rectangular and hold numbers');
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) throw new EdgegradError('tensor', `ragged nested array: expected length ${shape[depth]} at depth ${depth}`, 'Every row must have the same length');
  for (const e of v) flattenChecked(e, shape, out, depth + 1);
}

function dtypeOf(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  return undefined;
}

/**
 * eg.tensor(data, { shape, dtype }) or eg.tensor(data, shape?, dtype?): data is a typed array,
 * a number, or (nested) arrays; the shape defaults to the data's, the dtype to the typed array's
 * (else float32; uint8 for booleans).
 */
export function tensor(data: TensorInput, options?: TensorOptions): Tensor;
export function tensor(data: TensorInput, shape?: readonly number[] | DType, dtype?: DType): Tensor;
export function tensor(data: TensorInput, shape?: readonly number[] | DType | TensorOptions, dtype?: DType): Tensor {
  if (typeof shape === 'string') { dtype = shape; shape = undefined; }
  else if (shape && !Array.isArray(shape)) {
    const o = shape as TensorOptions;
    if (dtype !== undefined) throw new EdgegradError('tensor', 'got an options object and a positional dtype', 'Pass eg.tensor(data, { shape, dtype })');
    ({ shape, dtype } = o);
  }
  let flat: ArrayLike<number>;
  let inferred: number[];
  let dt: DType = dtype ?? dtypeOf(data) ?? 'float32';
  if (ArrayBuffer.isView(data)) {
    if (!dtypeOf(data) && !(data instanceof Float64Array)) throw new EdgegradError('tensor', `unsupported typed array ${data.constructor.name}`, 'Use Float32Array, Int32Array or Uint8Array (Float64Array is converted)');
    flat = data as unknown as ArrayLike<number>;
    inferred = [flat.length];
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    if (typeof data === 'boolean' && !dtype) dt = 'uint8';
    flat = [+data];
    inferred = [];
  } else if (Array.isArray(data)) {
    inferred = inferShape(data);
    const out: number[] = [];
    flattenChecked(data, inferred, out);
    if (!dtype && out.length && inferred.length && typeof (data as unknown[]).flat(Infinity)[0] === 'boolean') dt = 'uint8';
    flat = out;
  } else {
    throw new EdgegradError('tensor', `cannot make a tensor from ${data === null ? 'null' : typeof data}`, 'Pass a typed array, a number or nested arrays');
  }
  const sh = shape ? [...shape] : inferred;
  checkShape('tensor', sh);
  if (sizeOf(sh) !== flat.length) throw new EdgegradError('tensor', `shape [${sh.join(',')}] needs ${sizeOf(sh)} values but got ${flat.length}`, 'Fix the shape or the data length');
  const typed = dtypeOf(flat) === dt ? (flat as TypedArray) : typedFor(dt, flat);
  return Tensor.make(engine.fromData(typed, dt), sh);
}

/** full(shape, value, { dtype }) or full(shape, value, dtype); float32 by default. */
export function full(shape: readonly number[], value: number, opt?: DType | CreateOptions): Tensor {
  const dtype = dtypeArg(opt, 'float32');
  checkShape('full', shape);
  const t = makeTyped(dtype, sizeOf(shape));
  if (value !== 0) t.fill(value);
  return Tensor.make(engine.fromData(t, dtype), shape);
}
/** zeros(shape, { dtype }) or zeros(shape, dtype); float32 by default. */
export const zeros = (shape: readonly number[], dtype?: DType | CreateOptions): Tensor => full(shape, 0, dtype);
/** ones(shape, { dtype }) or ones(shape, dtype); float32 by default. */
export const ones = (shape: readonly number[], dtype?: DType | CreateOptions): Tensor => full(shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => zeros(x.shape, x.dtype);
export const onesLike = (x: Tensor): Tensor => ones(x.shape, x.dtype);

/** arange(stop) or arange(start, stop, step = 1). */
export function arange(start: number, stop?: number, step = 1, opt?: DType | CreateOptions): Tensor {
  const dtype = typeof opt === 'object' && opt !== null ? opt.dtype : opt;
  if (stop === undefined) { stop = start; start = 0; }
  if (step === 0 || !Number.isFinite(step)) throw new EdgegradError('arange', `step must be a finite non-zero number, got ${step}`, 'Use e.g. step = 1');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dt = dtype ?? (Number.isInteger(start) && Number.isInteger(step) ? 'int32' : 'float32');
  const t = makeTyped(dt, n);
  for (let i = 0; i < n; i++) t[i] = start + i * step;
  return Tensor.make(engine.fromData(t, dt), [n]);
}

export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new EdgegradError('linspace', `num must be a non-negative integer, got ${num}`, 'Pass the number of points');
  const t = new Float32Array(num);
  for (let i = 0; i < num; i++) t[i] = num === 1 ? start : start + ((stop - start) * i) / (num - 1);
  return Tensor.make(engine.fromData(t, 'float32'), [num]);
}

export function eye(n: number, m = n, opt?: DType | CreateOptions): Tensor {
  const dtype = dtypeArg(opt, 'float32');
  checkShape('eye', [n, m]);
  const t = makeTyped(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) t[i * m + i] = 1;
  return Tensor.make(engine.fromData(t, dtype), [n, m]);
}
