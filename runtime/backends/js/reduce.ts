import type { ReduceOp, ReduceParams, TypedArray } from '../../types.js';

/** What a reduction over an empty axis gives (the loop below starts from these; other
 *  backends fill them directly). */
export function emptyReduceValue(op: ReduceOp): number {
  switch (op) {
    case 'sum': return 0;
    case 'mean': return NaN;
    case 'max': return -Infinity;
    case 'min': return Infinity;
    case 'argmax': case 'argmin': return 0;
  }
}

// float64 accumulation: this is the oracle the other backends are measured against.
export function reduce(x: TypedArray, out: TypedArray, p: ReduceParams): void {
  const { outer, size, inner, op } = p;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let acc: number;
      if (op === 'sum' || op === 'mean') {
        acc = 0;
        for (let r = 0; r < size; r++) acc += x[base + r * inner];
        if (op === 'mean') acc /= size;
      } else if (op === 'max' || op === 'min') {
        const isMax = op === 'max';
        acc = isMax ? -Infinity : Infinity;
        for (let r = 0; r < size; r++) {
          const v = x[base + r * inner];
          if (v !== v) { acc = NaN; break; }
          if (isMax ? v > acc : v < acc) acc = v;
        }
      } else {
        const isMax = op === 'argmax';
        let best = isMax ? -Infinity : Infinity;
        acc = 0;
        for (let r = 0; r < size; r++) {
          const v = x[base + r * inner];
          if (v !== v) { acc = r; break; }
          if (r === 0 || (isMax ? v > best : v < best)) { best = v; acc = r; }
        }
      }
      out[o * inner + i] = acc;
    }
  }
}
