// Gather along one axis. Moves u32 bit patterns, so one shader serves every dtype.

// out[o, j, i] = x[o, idx[j], i] with x viewed as [outer, axisSize, inner].
// Params: 0 total, 1 axisSize, 2 inner, 3 nIdx.
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read> IDX: array<i32>;
@group(0) @binding(3) var<storage, read_write> O: array<u32>;

fn elementwise(e: u32) {
  let oji = axis_split(e);
  O[e] = X[(oji.x * pu(1u) + u32(IDX[oji.y])) * pu(2u) + oji.z];
}
