// Select with broadcasting. Moves u32 bit patterns, so one shader serves every dtype.

// out = cond ? a : b with broadcasting; cond holds uint8 values widened to u32.
// Params: 0 size, 1 rank, 8.. outShape, 16.. cStrides, 24.. aStrides, 32.. bStrides.
@group(0) @binding(1) var<storage, read> C: array<u32>;
@group(0) @binding(2) var<storage, read> A: array<u32>;
@group(0) @binding(3) var<storage, read> B: array<u32>;
@group(0) @binding(4) var<storage, read_write> O: array<u32>;

fn elementwise(i: u32) {
  let o = strided_offsets(i, vec3<i32>(0, 0, 0), vec3<u32>(16u, 24u, 32u));
  if (C[u32(o.x)] != 0u) { O[i] = A[u32(o.y)]; } else { O[i] = B[u32(o.z)]; }
}
