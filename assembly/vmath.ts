// Four-lane f32 approximations of the transcendentals, shared by unary, softmax and
// the activation kernels. Each uses range reduction plus a short polynomial (Cephes-style
// coefficients, ~1 ulp on the reduced range) and patches IEEE special values with
// selects, so NaN/Inf behave like Math.* on the float64 reference. All are inlined: V8
// treats every xmm register as caller-saved, so a call per vector costs more than the math.

@inline export function fsplat(x: f32): v128 { return f32x4.splat(x); }
@inline export function isplat(x: i32): v128 { return i32x4.splat(x); }

/** Fused multiply-add where the engine has relaxed SIMD, else mul + add. */
/** Largest of the four lanes (NaN handling is the caller's). */
@inline export function hmax(v: v128): f32 {
  const h = f32x4.max(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.max(h, i32x4.shuffle(h, h, 1, 0, 3, 2)), 0);
}
/** Sum of the four lanes in float64, pairwise. */
@inline export function hsum(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) +
    (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
// Polynomials keep mul+add even in the relaxed build: relaxed_madd may or may not fuse,
// and the reference results must not depend on which engine ran them.
@inline function madd(a: v128, b: v128, c: v128): v128 { return f32x4.add(f32x4.mul(a, b), c); }

@inline export function vexp(x0: v128): v128 {
  // Clamp so 2^n stays representable in two halves: below -104 the result rounds to 0,
  // above 89 to Inf. pmax/pmin are single instructions and keep a NaN x (first operand).
  const x = f32x4.pmin(f32x4.pmax(x0, fsplat(-104.0)), fsplat(89.0));
  // round-to-nearest by the 1.5·2^23 trick: t's low mantissa bits are the integer n
  const t = madd(x, fsplat(1.44269504088896341), fsplat(12582912.0));
  const n = f32x4.sub(t, fsplat(12582912.0));
  const ni = i32x4.sub(t, isplat(0x4b400000));
  // ln2 split in two so n*hi is exact
  let r = f32x4.sub(x, f32x4.mul(n, fsplat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, fsplat(-2.12194440e-4)));
  const z = f32x4.mul(r, r);
  let p = madd(fsplat(1.9875691500e-4), r, fsplat(1.3981999507e-3));
  p = madd(p, r, fsplat(8.3334519073e-3));
  p = madd(p, r, fsplat(4.1665795894e-2));
  p = madd(p, r, fsplat(1.6666665459e-1));
  p = madd(p, r, fsplat(5.0000001201e-1));
  p = f32x4.add(madd(p, z, r), fsplat(1.0));
  // Usually 2^n is a normal float and goes straight into the exponent field; near the
  // ends of the range it is applied in two halves so subnormal results and 2^128 come out right.
  if (i32x4.all_true(i32x4.lt_u(i32x4.add(ni, isplat(126)), isplat(253)))) {
    return f32x4.mul(p, i32x4.shl(i32x4.add(ni, isplat(127)), 23));
  }
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const s1 = i32x4.shl(i32x4.add(n1, isplat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, isplat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** exp for x <= 0 (softmax's x - max): no overflow side, and results below the normal
 *  range flush to 0, which lets 2^n come straight from the rounding constant's bits.
 *  e^r = 1 + r·q(r) with q a degree-4 fit of expm1(r)/r on [-ln2/2, ln2/2] (relative
 *  error 1e-7, fitted for this file), evaluated as s + (r·s)·q to save the final add. */
@inline export function vexpNonPos(x: v128): v128 {
  // 1.5·2^23 + 127: after rounding, t's low mantissa bits hold n + 127, the biased exponent
  const t = madd(x, fsplat(1.44269504088896341), fsplat(12583039.0));
  const s = i32x4.shl(t, 23);
  const n = f32x4.sub(t, fsplat(12583039.0));
  let r = f32x4.sub(x, f32x4.mul(n, fsplat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, fsplat(-2.12194440e-4)));
  let q = madd(fsplat(0.008290309458971024), r, fsplat(0.041897933930158615));
  q = madd(q, r, fsplat(0.1666763573884964));
  q = madd(q, r, fsplat(0.4999915063381195));
  q = madd(q, r, fsplat(0.9999997019767761));
  const e = madd(f32x4.mul(r, s), q, s);
  return v128.andnot(e, f32x4.lt(x, fsplat(-87.33654)));
}

@inline export function vlog(x: v128): v128 {
  // Subnormals are scaled into the normal range first so the exponent field is usable.
  const sub = f32x4.lt(x, fsplat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, fsplat(8388608.0)), x, sub);
  let e = i32x4.sub(i32x4.shr_u(xs, 23), isplat(126));
  e = i32x4.sub(e, v128.and(sub, isplat(23)));
  let m = v128.or(v128.and(xs, isplat(0x007fffff)), isplat(0x3f000000)); // [0.5, 1)
  const small = f32x4.lt(m, fsplat(0.707106781186547524));
  e = i32x4.add(e, small); // mask is -1 where m was doubled
  m = f32x4.add(f32x4.sub(m, fsplat(1.0)), v128.and(m, small));
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let y = madd(fsplat(7.0376836292e-2), m, fsplat(-1.1514610310e-1));
  y = madd(y, m, fsplat(1.1676998740e-1));
  y = madd(y, m, fsplat(-1.2420140846e-1));
  y = madd(y, m, fsplat(1.4249322787e-1));
  y = madd(y, m, fsplat(-1.6668057665e-1));
  y = madd(y, m, fsplat(2.0000714765e-1));
  y = madd(y, m, fsplat(-2.4999993993e-1));
  y = madd(y, m, fsplat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = madd(ef, fsplat(-2.12194440e-4), y);
  y = f32x4.sub(y, f32x4.mul(z, fsplat(0.5)));
  let r = f32x4.add(f32x4.add(m, y), f32x4.mul(ef, fsplat(0.693359375)));
  r = v128.bitselect(fsplat(-Infinity), r, f32x4.eq(x, fsplat(0.0)));
  r = v128.bitselect(fsplat(NaN), r, f32x4.lt(x, fsplat(0.0)));
  // +Inf and NaN map to themselves
  return v128.bitselect(x, r, v128.or(f32x4.eq(x, fsplat(Infinity)), f32x4.ne(x, x)));
}

@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  // odd polynomial near 0 avoids the cancellation in 1 - 2/(e^2x + 1)
  let p = madd(fsplat(-5.70498872745e-3), z, fsplat(2.06390887954e-2));
  p = madd(p, z, fsplat(-5.37397155531e-2));
  p = madd(p, z, fsplat(1.33314422036e-1));
  p = madd(p, z, fsplat(-3.33332819422e-1));
  const ps = madd(f32x4.mul(p, z), x, x);
  const e = vexp(f32x4.pmin(f32x4.add(ax, ax), fsplat(40.0)));
  let pl = f32x4.sub(fsplat(1.0), f32x4.div(fsplat(2.0), f32x4.add(e, fsplat(1.0))));
  pl = v128.or(pl, v128.and(x, isplat(0x80000000)));
  return v128.bitselect(ps, pl, f32x4.lt(ax, fsplat(0.625)));
}

@inline export function vsigmoid(x: v128): v128 {
  const e = vexp(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(fsplat(1.0), f32x4.add(fsplat(1.0), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, fsplat(0.0)));
}

/** tanh-approximation gelu written as x·sigmoid(2u): 1 + tanh(u) would cancel for x << 0. */
@inline export function vgelu(x: v128): v128 {
  const x3 = f32x4.mul(f32x4.mul(x, x), x);
  const u = f32x4.mul(madd(x3, fsplat(0.044715), x), fsplat(-1.5957691216057308)); // -2·sqrt(2/π)
  return f32x4.div(x, f32x4.add(fsplat(1.0), vexp(u)));
}

/** sin (cosine when `cos` is set) with Cody-Waite reduction by π/2. */
@inline export function vsincos(x: v128, cos: bool): v128 {
  const j = f32x4.nearest(f32x4.mul(x, fsplat(0.636619772367581343)));
  let r = f32x4.sub(x, f32x4.mul(j, fsplat(1.5703125)));
  r = f32x4.sub(r, f32x4.mul(j, fsplat(4.837512969970703125e-4)));
  r = f32x4.sub(r, f32x4.mul(j, fsplat(7.54978995489188216e-8)));
  let q = i32x4.trunc_sat_f32x4_s(j);
  if (cos) q = i32x4.add(q, isplat(1));
  const z = f32x4.mul(r, r);
  let s = madd(fsplat(-1.9515295891e-4), z, fsplat(8.3321608736e-3));
  s = madd(s, z, fsplat(-1.6666654611e-1));
  s = madd(f32x4.mul(s, z), r, r);
  let c = madd(fsplat(2.443315711809948e-5), z, fsplat(-1.388731625493765e-3));
  c = madd(c, z, fsplat(4.166664568298827e-2));
  c = f32x4.add(f32x4.sub(fsplat(1.0), f32x4.mul(z, fsplat(0.5))), f32x4.mul(f32x4.mul(c, z), z));
  const odd = i32x4.eq(v128.and(q, isplat(1)), isplat(1));
  const res = v128.bitselect(c, s, odd);
  // quadrants 2 and 3 flip the sign
  const out = v128.xor(res, i32x4.shl(v128.and(q, isplat(2)), 30));
  // The three-part π/2 loses digits past |x| ~ 2^14 and gives NaN near 1e18: such lanes
  // (rare in practice) take libm's scalar path, whose reduction is exact for any argument.
  return v128.any_true(f32x4.gt(f32x4.abs(x), fsplat(16384.0))) ? sincosWide(x, out, cos) : out;
}

function sincosWide(x: v128, out: v128, cos: bool): v128 {
  // lane indices must be constants
  let a = <f64>f32x4.extract_lane(x, 0);
  if (Math.abs(a) > 16384.0) out = f32x4.replace_lane(out, 0, <f32>(cos ? Math.cos(a) : Math.sin(a)));
  a = <f64>f32x4.extract_lane(x, 1);
  if (Math.abs(a) > 16384.0) out = f32x4.replace_lane(out, 1, <f32>(cos ? Math.cos(a) : Math.sin(a)));
  a = <f64>f32x4.extract_lane(x, 2);
  if (Math.abs(a) > 16384.0) out = f32x4.replace_lane(out, 2, <f32>(cos ? Math.cos(a) : Math.sin(a)));
  a = <f64>f32x4.extract_lane(x, 3);
  if (Math.abs(a) > 16384.0) out = f32x4.replace_lane(out, 3, <f32>(cos ? Math.cos(a) : Math.sin(a)));
  return out;
}
