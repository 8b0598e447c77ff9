// Tensors as text, NumPy-style: nested brackets, columns aligned, the middle of big tensors
// elided. Values are read synchronously, so only tensors on a CPU backend show them.
import { fmtShape } from '../runtime/errors.js';
import type { DType, TypedArray } from '../runtime/types.js';

/** Above this many elements, each long axis shows only its first and last EDGE entries (NumPy's threshold). */
const THRESHOLD = 1000;
const EDGE = 3;

export interface Printable {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
}

export function header(t: Printable, where: string): string {
  return `Tensor(${t.dtype} ${fmtShape(t.shape)} ${where})`;
}

function number(v: number, dtype: DType): string {
  if (dtype !== 'float32' || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e8 || a < 1e-4)) return v.toExponential(4).replace(/\.?0+e/, 'e');
  // float32 values print with the digits float32 holds, not float64's (0.1, not 0.100000001)
  return String(Number(v.toPrecision(7)));
}

/** The indices shown along an axis of length n (-1 marks the elision). */
function shown(n: number, elide: boolean): number[] {
  if (!elide || n <= 2 * EDGE) return [...Array(n).keys()];
  return [0, 1, 2, -1, n - 3, n - 2, n - 1];
}

/** The nested-bracket body of `data` with `shape` (row-major). */
export function body(data: TypedArray, shape: readonly number[], dtype: DType): string {
  const elide = data.length > THRESHOLD;
  if (shape.length === 0) return number(data[0], dtype);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  // first pass: every shown value as text, for a common column width
  const cells = new Map<number, string>();
  const visit = (axis: number, off: number): void => {
    for (const i of shown(shape[axis], elide)) {
      if (i < 0) continue;
      if (axis === shape.length - 1) cells.set(off + i, number(data[off + i], dtype));
      else visit(axis + 1, off + i * strides[axis]);
    }
  };
  visit(0, 0);
  const width = Math.max(0, ...[...cells.values()].map((s) => s.length));
  const render = (axis: number, off: number): string => {
    const idx = shown(shape[axis], elide);
    if (axis === shape.length - 1) return `[${idx.map((i) => (i < 0 ? '...' : cells.get(off + i)!.padStart(width))).join(', ')}]`;
    const sep = ',' + '\n'.repeat(shape.length - 1 - axis) + ' '.repeat(axis + 1);
    return `[${idx.map((i) => (i < 0 ? '...' : render(axis + 1, off + i * strides[axis]))).join(sep)}]`;
  };
  return render(0, 0);
}
