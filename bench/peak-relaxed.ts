// Relaxed-SIMD peak (compiled by bench/limits.mjs with --enable relaxed-simd): 12 independent
// f32x4.relaxed_madd chains (a fused multiply-add where the CPU has one): 96 flops per iteration.
// Node 20 validates it only under --experimental-wasm-relaxed-simd.

export function peakFma(iters: i32, m: f32, c: f32): f32 {
  const vm = f32x4.splat(m);
  const vc = f32x4.splat(c);
  let a0 = f32x4.splat(1.0), a1 = f32x4.splat(1.001), a2 = f32x4.splat(1.002), a3 = f32x4.splat(1.003);
  let a4 = f32x4.splat(1.004), a5 = f32x4.splat(1.005), a6 = f32x4.splat(1.006), a7 = f32x4.splat(1.007);
  let a8 = f32x4.splat(1.008), a9 = f32x4.splat(1.009), a10 = f32x4.splat(1.010), a11 = f32x4.splat(1.011);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.relaxed_madd(a0, vm, vc); a1 = f32x4.relaxed_madd(a1, vm, vc);
    a2 = f32x4.relaxed_madd(a2, vm, vc); a3 = f32x4.relaxed_madd(a3, vm, vc);
    a4 = f32x4.relaxed_madd(a4, vm, vc); a5 = f32x4.relaxed_madd(a5, vm, vc);
    a6 = f32x4.relaxed_madd(a6, vm, vc); a7 = f32x4.relaxed_madd(a7, vm, vc);
    a8 = f32x4.relaxed_madd(a8, vm, vc); a9 = f32x4.relaxed_madd(a9, vm, vc);
    a10 = f32x4.relaxed_madd(a10, vm, vc); a11 = f32x4.relaxed_madd(a11, vm, vc);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 3);
}
