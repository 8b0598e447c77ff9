// Shared walker for the broadcasting/strided kernels (binary, where, copy). The host
// writes `meta` as i32s: shape[rank], then one stride row[rank] per operand (element
// strides). Kernels handle the innermost axis as one run and call walkNext once per
// run, which keeps per-element index arithmetic out of the hot loops.
import { TLS_BASE } from './scratch';

const IDX: usize = memory.data(64, 16) + TLS_BASE; // rank <= 16
export const OFF: usize = memory.data(16, 16) + TLS_BASE; // element offset per operand (<= 4)

@inline export function dim(meta: usize, ax: i32): i32 { return load<i32>(meta + (<usize>ax << 2)); }
@inline export function stride(meta: usize, rank: i32, k: i32, ax: i32): i32 {
  return load<i32>(meta + (<usize>((k + 1) * rank + ax) << 2));
}
@inline export function off(k: i32): i32 { return load<i32>(OFF + (<usize>k << 2)); }

/** Number of innermost runs: the product of all but the last axis. */
export function walkStart(meta: usize, rank: i32): i32 {
  memory.fill(IDX, 0, 64);
  memory.fill(OFF, 0, 16);
  let rows = 1;
  for (let ax = 0; ax < rank - 1; ax++) rows *= dim(meta, ax);
  return rows;
}

export function walkNext(meta: usize, rank: i32, nOps: i32): void {
  for (let ax = rank - 2; ax >= 0; ax--) {
    const ip = IDX + (<usize>ax << 2);
    const c = load<i32>(ip) + 1;
    const d = dim(meta, ax);
    if (c < d) {
      store<i32>(ip, c);
      for (let k = 0; k < nOps; k++) store<i32>(OFF + (<usize>k << 2), off(k) + stride(meta, rank, k, ax));
      return;
    }
    store<i32>(ip, 0);
    for (let k = 0; k < nOps; k++) store<i32>(OFF + (<usize>k << 2), off(k) - stride(meta, rank, k, ax) * (d - 1));
  }
}

/** JavaScript's ToInt32 (what `x | 0` and Int32Array stores do): wraps modulo 2^32, NaN/Inf -> 0. */
export function toInt32(x: f64): i32 {
  if (!isFinite(x)) return 0;
  const t = trunc(x);
  if (t >= -2147483648.0 && t < 2147483648.0) return <i32>t;
  return <i32><u32>(t - Math.floor(t / 4294967296.0) * 4294967296.0);
}

/** Loads/stores one element of size eb (4: float32/int32 bits, 1: uint8) as i32. */
@inline export function ldE(p: usize, eb: i32): i32 { return eb == 4 ? load<i32>(p) : <i32>load<u8>(p); }
@inline export function stE(p: usize, v: i32, eb: i32): void { if (eb == 4) store<i32>(p, v); else store<u8>(p, <u8>v); }
