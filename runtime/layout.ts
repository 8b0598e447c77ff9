// Shape preparation for the strided kernels, shared by the op layer and every backend:
// fewer, longer axes mean longer innermost runs (where the SIMD loops are) and fewer
// outer steps.

export interface Collapsed { shape: number[]; strides: number[][] }

/** Drops size-1 axes and merges neighbouring axes that are contiguous for every operand.
 *  A shape of only size-1 axes collapses to rank 0. */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const s: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let ax = 0; ax < shape.length; ax++) {
    const d = shape[ax];
    if (d === 1) continue;
    const last = s.length - 1;
    if (last >= 0 && strides.every((str, k) => st[k][last] === str[ax] * d)) {
      s[last] *= d;
      strides.forEach((str, k) => { st[k][last] = str[ax]; });
    } else {
      s.push(d);
      strides.forEach((str, k) => st[k].push(str[ax]));
    }
  }
  return { shape: s, strides: st };
}

/** collapse(), but at least rank 1 (kernels that walk an innermost axis need one). */
export function collapseToRows(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const c = collapse(shape, strides);
  if (c.shape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return c;
}

/** Whether `strides` walk `shape` in row-major order with no gaps (size-1 axes ignored). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let s = 1;
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    if (shape[ax] !== 1 && strides[ax] !== s) return false;
    s *= shape[ax];
  }
  return true;
}
