import { engine, type Storage } from '../runtime/engine.js';
import { EdgegradError, fmtShape } from '../runtime/errors.js';
import type { BackendName, DType, TypedArray } from '../runtime/types.js';
import { denoInspect, nodeInspect } from '../runtime/symbols.js';
import * as ops from './ops/index.js';
import { body, header } from './format.js';
import type { TensorLike, Axis } from './ops/index.js';

let nextId = 0;

export type NestedArray = number | NestedArray[];

/** An n-d array on one backend. Contiguous storage; reshape shares it. */
export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** @internal */ storage: Storage;
  /** @internal set by autodiff while tracing */ node?: unknown;
  private disposed = false;
  /** @internal with init({ debug: true }): the user's line that made it */
  allocSite?: string;

  /** @internal a tensor over `storage` (made by the op layer; users call eg.tensor()) */
  static make(storage: Storage, shape: readonly number[]): Tensor { return new Tensor(storage, shape); }

  private constructor(storage: Storage, shape: readonly number[]) {
    this.storage = storage;
    this.shape = Object.freeze(shape.slice());
    this.dtype = storage.dtype;
    this.size = storage.size;
    engine.track(this);
  }

  get rank(): number { return this.shape.length; }
  get isDisposed(): boolean { return this.disposed; }
  /** The backend the data lives on now. */
  get device(): BackendName { return this.storage.backend.name; }

  /** @internal the storage, after checking the tensor may still be used */
  live(op: string): Storage {
    if (this.disposed) throw new EdgegradError(op, `tensor #${this.id} (${this.dtype} ${fmtShape(this.shape)}) was disposed`, 'Keep it alive until its last use (or return it from eg.scope)');
    engine.check(this.storage, op);
    return this.storage;
  }

  async data(): Promise<TypedArray> { return engine.read(this.live('data')); }
  dataSync(): TypedArray { return engine.readSync(this.live('dataSync')); }
  async array(): Promise<NestedArray> { return nest(await this.data(), this.shape); }
  arraySync(): NestedArray { return nest(this.dataSync(), this.shape); }
  /** A JS number from a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new EdgegradError('item', `tensor has ${this.size} elements ${fmtShape(this.shape)}`, 'Reduce it first (e.g. .sum())');
    return (await this.data())[0];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    engine.untrack(this);
    engine.release(this.storage);
  }
  [Symbol.dispose](): void { this.dispose(); }

  /** dtype, shape, backend and the values (NumPy-style, the middle of big tensors elided);
   *  a tensor on the GPU says how to read it, since printing cannot wait. */
  toString(): string {
    if (this.disposed) return header(this, 'disposed');
    const s = this.storage;
    if (s.gen !== engine.gen) return header(this, `from before eg.init() switched backends`);
    const on = header(this, `on ${s.backend.name}`);
    if (!s.backend.isCPU || !s.backend.readSync) return `${on}\n[values on ${s.backend.name}: await t.array()]`;
    return `${on}\n${body(engine.readSync(s), this.shape, this.dtype)}`;
  }
  [nodeInspect](): string { return this.toString(); }
  [denoInspect](): string { return this.toString(); }

  // methods mirror the functions in ops/
  add(b: TensorLike): Tensor { return ops.add(this, b); }
  sub(b: TensorLike): Tensor { return ops.sub(this, b); }
  mul(b: TensorLike): Tensor { return ops.mul(this, b); }
  div(b: TensorLike): Tensor { return ops.div(this, b); }
  pow(b: TensorLike): Tensor { return ops.pow(this, b); }
  maximum(b: TensorLike): Tensor { return ops.maximum(this, b); }
  minimum(b: TensorLike): Tensor { return ops.minimum(this, b); }
  equal(b: TensorLike): Tensor { return ops.equal(this, b); }
  notEqual(b: TensorLike): Tensor { return ops.notEqual(this, b); }
  less(b: TensorLike): Tensor { return ops.less(this, b); }
  lessEqual(b: TensorLike): Tensor { return ops.lessEqual(this, b); }
  greater(b: TensorLike): Tensor { return ops.greater(this, b); }
  greaterEqual(b: TensorLike): Tensor { return ops.greaterEqual(this, b); }
  neg(): Tensor { return ops.neg(this); }
  abs(): Tensor { return ops.abs(this); }
  sign(): Tensor { return ops.sign(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  rsqrt(): Tensor { return ops.rsqrt(this); }
  square(): Tensor { return ops.square(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  relu(): Tensor { return ops.relu(this); }
  gelu(): Tensor { return ops.gelu(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  sum(axis?: Axis, keepDims?: boolean): Tensor { return ops.sum(this, axis, keepDims); }
  mean(axis?: Axis, keepDims?: boolean): Tensor { return ops.mean(this, axis, keepDims); }
  max(axis?: Axis, keepDims?: boolean): Tensor { return ops.max(this, axis, keepDims); }
  min(axis?: Axis, keepDims?: boolean): Tensor { return ops.min(this, axis, keepDims); }
  argmax(axis?: number, keepDims?: boolean): Tensor { return ops.argmax(this, axis, keepDims); }
  argmin(axis?: number, keepDims?: boolean): Tensor { return ops.argmin(this, axis, keepDims); }
  matmul(b: Tensor, o?: ops.MatmulOptions): Tensor { return ops.matmul(this, b, o); }
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  transpose(perm?: readonly number[]): Tensor { return ops.transpose(this, perm); }
  slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor { return ops.slice(this, begin, size); }
  gather(indices: Tensor | readonly number[], axis?: number): Tensor { return ops.gather(this, indices, axis); }
  broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  expandDims(axis: number): Tensor { return ops.expandDims(this, axis); }
  squeeze(axis?: Axis): Tensor { return ops.squeeze(this, axis); }
  softmax(axis?: number): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis?: number): Tensor { return ops.logSoftmax(this, axis); }
  logSumExp(axis?: Axis, keepDims?: boolean): Tensor { return ops.logSumExp(this, axis, keepDims); }
  cast(dtype: DType): Tensor { return ops.cast(this, dtype); }
  clone(): Tensor { return ops.clone(this); }
}

function nest(d: TypedArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return d[0];
  const rec = (off: number, ax: number): NestedArray[] => {
    const n = shape[ax];
    const stride = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) out.push(ax === shape.length - 1 ? d[off + i] : rec(off + i * stride, ax + 1));
    return out;
  };
  return rec(0, 0);
}
