// Batched f32 matmul, out[b] = op(A[b]) @ op(B[b]). Each workgroup computes a 64x64 tile of
// the output with 16x16 invocations, 4x4 outputs each, staging 16-deep slices of A and B in
// workgroup memory. An invocation owns rows ty + 16r and columns tx + 16c (r, c < 4): reads
// of the B slice are then consecutive across a warp and reads of the A slice are broadcasts.
// Params: 0 m, 1 n, 2 k, 3 transA, 4 transB, 5 aBatchStride, 6 bBatchStride, 7 first batch.
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;

const TILE = 64u;
const DEPTH = 16u;
// One pad column keeps the column-wise stores of a transposed load off a single bank.
const STRIDE = 65u;
var<workgroup> As: array<f32, 1040>; // [DEPTH][STRIDE], k-major
var<workgroup> Bs: array<f32, 1040>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let m = pu(0u);
  let n = pu(1u);
  let k = pu(2u);
  let transA = pu(3u) != 0u;
  let transB = pu(4u) != 0u;
  let batch = wg.z + pu(7u);
  let aBase = batch * pu(5u);
  let bBase = batch * pu(6u);
  let oBase = batch * m * n;
  let row0 = wg.y * TILE;
  let col0 = wg.x * TILE;
  let tx = lid.x;
  let ty = lid.y;
  let t = ty * 16u + tx;

  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < k; k0 += DEPTH) {
    // 1024 elements per slice, 4 per invocation; the walk order follows the stored layout
    // so neighbouring invocations load neighbouring addresses.
    for (var q = 0u; q < 4u; q++) {
      let e = t + q * 256u;
      var i: u32;
      var kk: u32;
      if (transA) { kk = e / TILE; i = e % TILE; } else { i = e / DEPTH; kk = e % DEPTH; }
      let gi = row0 + i;
      let gk = k0 + kk;
      var v = 0.0;
      if (gi < m && gk < k) {
        if (transA) { v = A[aBase + gk * m + gi]; } else { v = A[aBase + gi * k + gk]; }
      }
      As[kk * STRIDE + i] = v;

      var j: u32;
      if (transB) { j = e / DEPTH; kk = e % DEPTH; } else { kk = e / TILE; j = e % TILE; }
      let gj = col0 + j;
      let gk2 = k0 + kk;
      var w = 0.0;
      if (gj < n && gk2 < k) {
        if (transB) { w = B[bBase + gj * k + gk2]; } else { w = B[bBase + gk2 * n + gj]; }
      }
      Bs[kk * STRIDE + j] = w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < DEPTH; kk++) {
      let ao = kk * STRIDE + ty;
      let bo = kk * STRIDE + tx;
      let a = vec4<f32>(As[ao], As[ao + 16u], As[ao + 32u], As[ao + 48u]);
      let b = vec4<f32>(Bs[bo], Bs[bo + 16u], Bs[bo + 32u], Bs[bo + 48u]);
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }

  for (var r = 0u; r < 4u; r++) {
    let row = row0 + ty + r * 16u;
    if (row >= m) { break; }
    for (var c = 0u; c < 4u; c++) {
      let col = col0 + tx + c * 16u;
      if (col < n) { O[oBase + row * n + col] = acc[r][c]; }
    }
  }
}
