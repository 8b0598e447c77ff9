// Machine limits for the benchmark report (compiled by bench/limits.mjs with asc, SIMD128 on).
// peakMulAdd: 6 independent f32x4 multiply chains and 6 independent f32x4 add chains, all held in
// registers, so the loop is bound by the core's SIMD multiply and add throughput, not by latency
// or memory: 48 flops per iteration. sumF32 / copyBytes: memory bandwidth on a large buffer.

export function peakMulAdd(iters: i32, m: f32, c: f32): f32 {
  const vm = f32x4.splat(m);
  const vc = f32x4.splat(c);
  // Distinct starting values so the optimizer cannot merge identical chains.
  let a0 = f32x4.splat(1.0), a1 = f32x4.splat(1.001), a2 = f32x4.splat(1.002);
  let a3 = f32x4.splat(1.003), a4 = f32x4.splat(1.004), a5 = f32x4.splat(1.005);
  let b0 = f32x4.splat(0.0), b1 = f32x4.splat(0.1), b2 = f32x4.splat(0.2);
  let b3 = f32x4.splat(0.3), b4 = f32x4.splat(0.4), b5 = f32x4.splat(0.5);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.mul(a0, vm); b0 = f32x4.add(b0, vc);
    a1 = f32x4.mul(a1, vm); b1 = f32x4.add(b1, vc);
    a2 = f32x4.mul(a2, vm); b2 = f32x4.add(b2, vc);
    a3 = f32x4.mul(a3, vm); b3 = f32x4.add(b3, vc);
    a4 = f32x4.mul(a4, vm); b4 = f32x4.add(b4, vc);
    a5 = f32x4.mul(a5, vm); b5 = f32x4.add(b5, vc);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5),
    f32x4.add(f32x4.add(b0, b1), f32x4.add(f32x4.add(b2, b3), f32x4.add(b4, b5)))));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 3);
}

/** Grow linear memory by `pages` 64 KiB pages; returns the byte address of the new region. */
export function grow(pages: i32): usize {
  const old = memory.grow(pages);
  return old < 0 ? 0 : (<usize>old) << 16;
}

/** Sum of n floats at ptr (n a multiple of 16), four independent f32x4 accumulators. */
export function sumF32(ptr: usize, n: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  const end = ptr + (<usize>n << 2);
  for (let p = ptr; p < end; p += 64) {
    s0 = f32x4.add(s0, v128.load(p));
    s1 = f32x4.add(s1, v128.load(p, 16));
    s2 = f32x4.add(s2, v128.load(p, 32));
    s3 = f32x4.add(s3, v128.load(p, 48));
  }
  const s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** dst[i] = a[i] + b[i] over n floats (n a multiple of 4): the streaming pattern of `add`. */
export function addF32(dst: usize, a: usize, b: usize, n: i32): void {
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(dst + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
}

/** memory.copy of `bytes` bytes. */
export function copyBytes(dst: usize, src: usize, bytes: i32): void {
  memory.copy(dst, src, <usize>bytes);
}
