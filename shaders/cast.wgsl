// dtype conversion.

// Element conversion. {{F}}/{{T}}: stored types of the source and target; {{BODY}}
// converts x. Params: 0 size.
@group(0) @binding(1) var<storage, read> X: array<{{F}}>;
@group(0) @binding(2) var<storage, read_write> O: array<{{T}}>;

// JS ToInt32 of a float: truncate, then wrap modulo 2^32 (WGSL's i32() saturates instead);
// NaN and infinities give 0.
fn to_int32_wrap(x: f32) -> i32 {
  if (!is_finite(x)) { return 0; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return i32(t); }
  // |t| >= 2^31: t = mantissa · 2^shift with shift >= 8; keep the low 32 bits.
  let bits = bitcast<u32>(t);
  let shift = ((bits >> 23u) & 0xffu) - 150u;
  if (shift >= 32u) { return 0; }
  var r = ((bits & 0x7fffffu) | 0x800000u) << shift;
  if ((bits & 0x80000000u) != 0u) { r = 0u - r; }
  return bitcast<i32>(r);
}

fn conv(x: {{F}}) -> {{T}} {
  {{BODY}}
}

fn elementwise(i: u32) {
  O[i] = conv(X[i]);
}
