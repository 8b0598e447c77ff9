// Strided copy. Every dtype is stored as 32-bit words on the GPU, so it moves u32 bit
// patterns and serves all dtypes with one shader.

// Strided copy: out[outOffset + i·outStrides] = x[xOffset + i·xStrides] for every index i.
// Params: 0 size, 1 rank, 2 xOffset, 3 outOffset, 8.. shape, 16.. xStrides, 24.. outStrides.
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read_write> O: array<u32>;

fn elementwise(i: u32) {
  let o = strided_offsets(i, vec3<i32>(pi(2u), pi(3u), 0), vec3<u32>(16u, 24u, 16u));
  O[u32(o.y)] = X[u32(o.x)];
}
