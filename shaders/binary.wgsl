// Elementwise binary op with broadcasting. {{T}}: element type of a and b; {{O}}: output
// element type (u32 for comparisons, which write uint8 0/1); {{BODY}}: the op on a, b.
// Params: 0 size, 1 rank, 2 aOffset, 3 bOffset, 8.. outShape, 16.. aStrides, 24.. bStrides.
@group(0) @binding(1) var<storage, read> A: array<{{T}}>;
@group(0) @binding(2) var<storage, read> B: array<{{T}}>;
@group(0) @binding(3) var<storage, read_write> O: array<{{O}}>;

// JS Math.pow semantics, since WGSL pow() is undefined for a negative base: a negative base
// with an integral exponent keeps the exponent's parity sign, 1 ** ±Infinity is NaN, and
// anything ** 0 is 1 (NaN included).
fn pow_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  let ab = abs(a);
  if (is_inf(b)) {
    if (ab == 1.0) { return nan_f32(); }
    if ((ab > 1.0) == (b > 0.0)) { return inf_f32(); }
    return 0.0;
  }
  let integral = fract(b) == 0.0;
  // |b| >= 2^24 is always an even integer in f32.
  let odd = integral && abs(b) < 16777216.0 && fract(b * 0.5) != 0.0;
  if (ab == 0.0 || is_inf(a)) {
    // +-0 and +-Infinity: the magnitude is 0 or Infinity, the sign follows an odd exponent.
    let big = (ab == 0.0) == (b < 0.0);
    var r = 0.0;
    if (big) { r = inf_f32(); }
    if (odd && a < 0.0) { r = -r; }
    if (odd && a == 0.0 && (bitcast<u32>(a) & 0x80000000u) != 0u) { r = -r; }
    return r;
  }
  if (a < 0.0 && !integral) { return nan_f32(); }
  let r = exp2(b * log2(ab));
  if (a < 0.0 && odd) { return -r; }
  return r;
}

// Integer power by squaring, wrapping like the reference's ToInt32 of an exact result;
// negative exponents give 0 as in the reference.
fn pow_int(a: {{T}}, b: {{T}}) -> {{T}} {
  if (b < {{T}}(0)) { return {{T}}(0); }
  var e = u32(b);
  var base = a;
  var r = {{T}}(1);
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) != 0u) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}

fn op(a: {{T}}, b: {{T}}) -> {{O}} {
  {{BODY}}
}

fn elementwise(i: u32) {
  // the third row is unused: it re-reads the a strides
  let o = strided_offsets(i, vec3<i32>(pi(2u), pi(3u), 0), vec3<u32>(16u, 24u, 16u));
  O[i] = op(A[u32(o.x)], B[u32(o.y)]);
}
