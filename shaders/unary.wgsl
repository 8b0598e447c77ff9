// Elementwise unary op over contiguous data. {{T}}: element type; {{BODY}}: the op on x.
// Params: 0 size.
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> O: array<{{T}}>;

// The transcendental builtins are written out here because WGSL only promises
// absolute error 2^-11 for sin/cos and lets tanh overflow through sinh/cosh; the contract
// asks for 1e-5 relative against the float64 reference.

// tanh: odd series near 0 (where 1 - e^-2x cancels), the exponential form elsewhere.
fn tanh_f32(x: f32) -> f32 {
  let a = abs(x);
  var r: f32;
  if (a < 0.3) {
    let z = a * a;
    r = a * (1.0 + z * (-0.33333333 + z * (0.13333333 + z * (-0.053968254 + z * (0.021869488 + z * -0.0088632355)))));
  } else {
    let t = exp(-2.0 * min(a, 20.0));
    r = (1.0 - t) / (1.0 + t);
  }
  return select(r, -r, x < 0.0);
}

// sigmoid split at 0 so exp never overflows.
fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}

// gelu (tanh form): 0.5·x·(1 + tanh(u)) == x·sigmoid(2u), which keeps relative precision
// in the negative tail where 1 + tanh(u) cancels.
fn gelu_f32(x: f32) -> f32 {
  let u = 0.7978845608028654 * (x + 0.044715 * x * x * x);
  return x * sigmoid_f32(2.0 * u);
}

// sin/cos: reduce x to r in [-pi/4, pi/4] and a quadrant, then minimax polynomials.
// Below 1024, Cody-Waite with pi/2 in three parts (the first two have trailing zero bits so
// k·part is exact without fma); above, Payne-Hanek: a window of the bits of 2/pi times the
// mantissa, in integer arithmetic, since GPU builtins lose large arguments entirely.
fn reduce_half_pi(x: f32) -> vec2<f32> {
  let k = round(x * 0.63661977236758134);
  let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
  return vec2<f32>(r, k);
}

// Bits of 2/pi after the binary point, behind one zero word so a window may start early.
const TWO_OVER_PI = array<u32, 10>(0u, 0xA2F9836Eu, 0x4E441529u, 0xFC2757D1u, 0xF534DDC0u,
  0xDB629599u, 0x3C439041u, 0xFE5163ABu, 0xDEBBC561u, 0xB7246E3Au);

// 32x32 -> 64-bit product as (hi, lo), from 16-bit halves.
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return vec2<u32>(a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u), (p00 & 0xffffu) | (mid << 16u));
}

fn pi_window(wi: u32, s: u32) -> u32 {
  if (s == 0u) { return TWO_OVER_PI[wi]; }
  return (TWO_OVER_PI[wi] << s) | (TWO_OVER_PI[wi + 1u] >> (32u - s));
}

// |x| = mant·2^e; bits of 2/pi worth 2^2 and more times mant·2^e only add multiples of 4
// to x·2/pi, so the window starts at bit e-1 after the point, and the quadrant and the
// remainder are the top bits of the fraction of mant·window.
fn reduce_large(x: f32) -> vec2<f32> {
  let bits = bitcast<u32>(x) & 0x7fffffffu;
  let e = i32(bits >> 23u) - 150;
  let mant = (bits & 0x7fffffu) | 0x800000u;
  let t0 = u32(30 + e);
  let wi = t0 >> 5u;
  let s = t0 & 31u;
  let p2 = mul_wide(mant, pi_window(wi + 2u, s));
  let p1 = mul_wide(mant, pi_window(wi + 1u, s));
  let f2 = p2.y;
  let f1 = p1.y + p2.x;
  let f0 = mant * pi_window(wi, s) + p1.x + select(0u, 1u, f1 < p1.y);
  var q = i32(f0 >> 30u);
  let g = (f0 << 2u) | (f1 >> 30u);
  let gl = (f1 << 2u) | (f2 >> 30u);
  // A remainder of half a quadrant or more is taken from the next quadrant, negatively.
  q += i32(g >> 31u);
  let fr = f32(bitcast<i32>(g)) * 2.3283064365386963e-10 + f32(gl) * 5.421010862427522e-20;
  var r = fr * 1.5707963267948966;
  if (x < 0.0) { r = -r; q = -q; }
  return vec2<f32>(r, f32(q & 3));
}
fn sin_poly(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
}
fn cos_poly(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
}
fn sincos_quadrant(x: f32, shift: i32) -> f32 {
  if (!is_finite(x)) { return nan_f32(); }
  var rk: vec2<f32>;
  if (abs(x) < 1024.0) { rk = reduce_half_pi(x); } else { rk = reduce_large(x); }
  let q = (i32(rk.y) + shift) & 3;
  switch q {
    case 0: { return sin_poly(rk.x); }
    case 1: { return cos_poly(rk.x); }
    case 2: { return -sin_poly(rk.x); }
    default: { return -cos_poly(rk.x); }
  }
}

// log/sqrt edge values spelled out: WGSL leaves them undefined outside the domain.
fn log_f32(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  return log(x);
}
fn sqrt_f32(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (x == 0.0 || is_inf(x)) { return x; }
  return sqrt(x);
}
fn recip_f32(x: f32) -> f32 {
  if (x == 0.0) { return select(inf_f32(), -inf_f32(), (bitcast<u32>(x) & 0x80000000u) != 0u); }
  return 1.0 / x;
}

fn op(x: {{T}}) -> {{T}} {
  {{BODY}}
}

fn elementwise(i: u32) {
  O[i] = op(X[i]);
}
