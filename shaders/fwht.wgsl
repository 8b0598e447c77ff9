// Orthonormal Walsh–Hadamard transform (Sylvester order) of each `block`-long segment:
// one workgroup per segment, the segment held in workgroup memory through log2(block)
// barrier-separated butterfly stages. block <= MAX_BLOCK (16 KiB, the guaranteed minimum).
// Params: 0 segments, 1 block, 2 scale (f32 bits).
const WG = 128u;
const MAX_BLOCK = 4096u;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;
var<workgroup> buf: array<f32, MAX_BLOCK>;

fn rowwise(seg: u32, li: u32) {
  let n = pu(1u);
  let base = seg * n;
  for (var i = li; i < n; i += WG) { buf[i] = X[base + i]; }
  workgroupBarrier();
  for (var h = 1u; h < n; h = h << 1u) {
    for (var p = li; p < n / 2u; p += WG) {
      let i = (p / h) * 2u * h + (p % h);
      let a = buf[i];
      let b = buf[i + h];
      buf[i] = a + b;
      buf[i + h] = a - b;
    }
    workgroupBarrier();
  }
  let s = pf(2u);
  for (var i = li; i < n; i += WG) { O[base + i] = buf[i] * s; }
}
