// qmatmul: out[m, n] = x[m, k] · W[n, k]ᵀ with W packed in GGML blocks (layouts: runtime/ggml.ts),
// bound as u32 words. One workgroup per output (common.wgsl rowdot), decoding each weight from
// its block in f32 exactly as ggml's dequantize_row_* does.
// Params: 0 m, 1 n, 2 k, 3 bytes per W row.
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> W: array<u32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;

fn byte_at(o: u32) -> u32 { return (W[o >> 2u] >> ((o & 3u) * 8u)) & 0xffu; }
fn sbyte_at(o: u32) -> i32 { return (bitcast<i32>(byte_at(o)) << 24u) >> 24u; }
// IEEE half -> f32 by its fields (ldexp is exact; no reliance on f32 subnormals)
fn half_at(o: u32) -> f32 {
  let h = byte_at(o) | (byte_at(o + 1u) << 8u);
  let e = i32((h >> 10u) & 31u);
  let m = f32(h & 1023u);
  var v = ldexp(m, -24);
  if (e != 0) { v = ldexp(m + 1024.0, e - 25); }
  if (e == 31) { v = select(inf_f32(), nan_f32(), m != 0.0); }
  return select(v, -v, (h & 0x8000u) != 0u);
}

// each output is the row dot of common.wgsl's rowdot entry point, one weight row per j
fn w_at(j: u32, t: u32) -> f32 { return wdec(j * pu(3u), t); }

// @kernel F16
fn wdec(rb: u32, t: u32) -> f32 { return half_at(rb + 2u * t); }

// @kernel Q8_0
fn wdec(rb: u32, t: u32) -> f32 {
  let o = rb + (t / 32u) * 34u;
  return f32(sbyte_at(o + 2u + t % 32u)) * half_at(o);
}

// @kernel Q4_0
fn wdec(rb: u32, t: u32) -> f32 {
  let o = rb + (t / 32u) * 18u;
  let j = t % 32u;
  let v = byte_at(o + 2u + (j & 15u));
  let q = select(v & 15u, v >> 4u, j >= 16u);
  return f32(i32(q) - 8) * half_at(o);
}

// @kernel Q5_0
fn wdec(rb: u32, t: u32) -> f32 {
  let o = rb + (t / 32u) * 22u;
  let j = t % 32u;
  let jj = j & 15u;
  let qh = byte_at(o + 2u) | (byte_at(o + 3u) << 8u) | (byte_at(o + 4u) << 16u) | (byte_at(o + 5u) << 24u);
  let v = byte_at(o + 6u + jj);
  let lo = (v & 15u) | (((qh >> jj) << 4u) & 0x10u);
  let hi = (v >> 4u) | ((qh >> (jj + 12u)) & 0x10u);
  return f32(i32(select(lo, hi, j >= 16u)) - 16) * half_at(o);
}

// @kernel Q4_K
fn wdec(rb: u32, t: u32) -> f32 {
  let o = rb + (t / 256u) * 144u;
  let e = t % 256u;
  let c = e / 64u;
  let high = (e % 64u) >= 32u;
  let is = 2u * c + select(0u, 1u, high);
  let sc = o + 4u;
  var s: u32;
  var mn: u32;
  if (is < 4u) {
    s = byte_at(sc + is) & 63u;
    mn = byte_at(sc + is + 4u) & 63u;
  } else {
    s = (byte_at(sc + is + 4u) & 15u) | ((byte_at(sc + is - 4u) >> 6u) << 4u);
    mn = (byte_at(sc + is + 4u) >> 4u) | ((byte_at(sc + is) >> 6u) << 4u);
  }
  let v = byte_at(o + 16u + 32u * c + e % 32u);
  let q = select(v & 15u, v >> 4u, high);
  let d1 = half_at(o) * f32(s);
  let m1 = half_at(o + 2u) * f32(mn);
  // kept as two rounded steps (no fused multiply-add), as the C reference computes it
  let p = d1 * f32(q);
  return p - m1;
}

// @kernel Q6_K
fn wdec(rb: u32, t: u32) -> f32 {
  let o = rb + (t / 256u) * 210u;
  let e = t % 256u;
  let h = e / 128u;
  let r = e % 128u;
  let g = r / 32u;
  let l = r % 32u;
  let lowByte = byte_at(o + 64u * h + l + 32u * (g & 1u));
  let nib = select(lowByte & 15u, lowByte >> 4u, g >= 2u);
  let hb = (byte_at(o + 128u + 32u * h + l) >> (2u * g)) & 3u;
  let q = i32(nib | (hb << 4u)) - 32;
  let scale = sbyte_at(o + 192u + 8u * h + 2u * g + l / 16u);
  return (half_at(o + 208u) * f32(scale)) * f32(q);
}
