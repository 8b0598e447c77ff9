import { engine, type Storage } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import type { DType, TypedArray } from '../../runtime/types.js';
import { Tensor } from '../tensor.js';
import { isRecording } from '../autodiff/tape.js';

export type TensorLike = Tensor | number;

export function wrap(s: Storage, shape: readonly number[]): Tensor { return Tensor.make(s, shape); }

export function assertTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new EdgegradError(op, `${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`, 'Create one with eg.tensor()');
}

export function typedFor(d: DType, values: ArrayLike<number>): TypedArray {
  return d === 'float32' ? Float32Array.from(values) : d === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
}

/** A JS number beside a tensor takes the tensor's dtype when it fits (NumPy's weak scalars). */
export function scalarDtype(v: number, other: DType): DType {
  if (other === 'float32') return 'float32';
  if (!Number.isInteger(v)) return 'float32';
  return other === 'uint8' && (v < 0 || v > 255) ? 'int32' : other;
}

/** Pairs up two operands, making tensors of numbers on the other operand's device. */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, Tensor[]] {
  const temps: Tensor[] = [];
  const mk = (v: number, other: Tensor | null): Tensor => {
    if (typeof v !== 'number') throw new EdgegradError(op, `operand must be a Tensor or a number, got ${v === null ? 'null' : typeof v}`, 'Wrap arrays with eg.tensor()');
    const d = other ? scalarDtype(v, other.dtype) : 'float32';
    const t = wrap(engine.fromData(typedFor(d, [v]), d, other ? other.live(op).backend : undefined), []);
    temps.push(t);
    return t;
  };
  const x = a instanceof Tensor ? a : mk(a, b instanceof Tensor ? b : null);
  const y = b instanceof Tensor ? b : mk(b, x);
  return [x, y, temps];
}

const rank: Record<DType, number> = { uint8: 0, int32: 1, float32: 2 };
export function promote(a: DType, b: DType): DType { return rank[a] >= rank[b] ? a : b; }

export function shapeErr(op: string, msg: string, shapes: (readonly number[])[], fix: string): EdgegradError {
  return new EdgegradError(op, `${msg} (shapes ${shapes.map(fmtShape).join(', ')})`, fix);
}

export function disposeAll(ts: Tensor[]): void { for (const t of ts) t.dispose(); }

/** Scalars made for an op: freed at once, unless a trace recorded them (its scope frees them). */
export function releaseTemps(ts: Tensor[]): void { if (!isRecording()) disposeAll(ts); }
