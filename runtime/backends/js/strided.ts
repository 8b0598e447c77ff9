// Walks an N-d index space in row-major order, keeping one flat offset per operand
// up to date incrementally (no per-element division), for the broadcast/strided kernels.
export function walk(shape: number[], strides: number[][], offsets: number[], fn: (i: number, offs: number[]) => void): void {
  const rank = shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0) return;
  const offs = offsets.slice();
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    fn(i, offs);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      for (let k = 0; k < offs.length; k++) offs[k] += strides[k][ax];
      if (idx[ax] < shape[ax]) break;
      for (let k = 0; k < offs.length; k++) offs[k] -= strides[k][ax] * shape[ax];
      idx[ax] = 0;
    }
  }
}
