// Shape preparation for the strided kernels: fewer, longer axes mean longer innermost
// runs in wasm (where the SIMD loops are) and fewer outer steps.

export interface Collapsed { shape: number[]; strides: number[][] }

/** Drops size-1 axes and merges neighbouring axes that are contiguous for every operand. */
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
  if (s.length === 0) { s.push(1); st.forEach((x) => x.push(0)); }
  return { shape: s, strides: st };
}
