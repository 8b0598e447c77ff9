// Orthonormal fast Walsh–Hadamard transform (Sylvester order) of each `block`-long segment:
// the segment is copied to out and transformed there in place. Strides of 4 and more pair
// whole vectors; strides 1 and 2 fall inside a vector and run scalar.

@inline function butterfly(p: usize, q: usize): void {
  const a = load<f32>(p), b = load<f32>(q);
  store<f32>(p, a + b);
  store<f32>(q, a - b);
}

export function fwht(x: usize, out: usize, segments: i32, block: i32, scale: f32): void {
  const bytes = <usize>block << 2;
  const sv = f32x4.splat(scale);
  for (let s = 0; s < segments; s++) {
    const src = x + <usize>s * bytes, dst = out + <usize>s * bytes;
    if (src != dst) memory.copy(dst, src, bytes);
    let h = 1;
    for (; h < block && h < 4; h <<= 1) {
      for (let i = 0; i < block; i += h << 1) {
        for (let j = i; j < i + h; j++) butterfly(dst + (<usize>j << 2), dst + (<usize>(j + h) << 2));
      }
    }
    for (; h < block; h <<= 1) {
      for (let i = 0; i < block; i += h << 1) {
        for (let j = i; j < i + h; j += 4) {
          const p = dst + (<usize>j << 2), q = p + (<usize>h << 2);
          const a = v128.load(p), b = v128.load(q);
          v128.store(p, f32x4.add(a, b));
          v128.store(q, f32x4.sub(a, b));
        }
      }
    }
    let j = 0;
    for (; j + 4 <= block; j += 4) { const p = dst + (<usize>j << 2); v128.store(p, f32x4.mul(v128.load(p), sv)); }
    for (; j < block; j++) { const p = dst + (<usize>j << 2); store<f32>(p, load<f32>(p) * scale); }
  }
}
