// lut: weights as 1–4-bit codes into a 16-entry int8 table per row times a float scale per
// segment (layout: runtime/types.ts LutParams), decoded in f32 by a table lookup.
// Params: 0 m (matmul) or n·k (decode), 1 n, 2 k, 3 bits, 4 seg.
@group(0) @binding(1) var<storage, read> C: array<u32>;
@group(0) @binding(2) var<storage, read> T: array<u32>;
@group(0) @binding(3) var<storage, read> I: array<i32>;
@group(0) @binding(4) var<storage, read> S: array<f32>;
@group(0) @binding(5) var<storage, read_write> O: array<f32>;
@group(0) @binding(6) var<storage, read> X: array<f32>;

fn code_byte(o: u32) -> u32 { return (C[o >> 2u] >> ((o & 3u) * 8u)) & 0xffu; }
// code t of the 32-code chunk at byte c (see runtime/backends/js/lut.ts codeAt)
fn code_at(c: u32, t: u32, bits: u32) -> u32 {
  if (bits == 3u) {
    return ((code_byte(c + (t & 7u)) >> ((t >> 3u) * 2u)) & 3u) | (((code_byte(c + 8u + (t & 3u)) >> (t >> 2u)) & 1u) << 2u);
  }
  let B = 4u * bits;
  return (code_byte(c + t % B) >> (bits * (t / B))) & ((1u << bits) - 1u);
}
fn w_at(r: u32, j: u32) -> f32 {
  let k = pu(2u);
  let bits = pu(3u);
  let seg = pu(4u);
  let kp = (k + 31u) / 32u * 32u;
  let segs = (k + seg - 1u) / seg;
  let q = code_at(r * (kp * bits / 8u) + (j >> 5u) * 4u * bits, j & 31u, bits);
  let e = u32(I[r]) * 16u + q;
  let v = (bitcast<i32>(T[e >> 2u] >> ((e & 3u) * 8u)) << 24u) >> 24u;
  return S[r * segs + j / seg] * f32(v);
}

// @kernel decode
fn elementwise(i: u32) { O[i] = w_at(i / pu(2u), i % pu(2u)); }

// @kernel matmul
// One workgroup per output: common.wgsl's rowdot entry point over w_at.
