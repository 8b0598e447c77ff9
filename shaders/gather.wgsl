// Gather along one axis. Moves u32 bit patterns, so one shader serves every dtype.

// out[o, j, i] = x[o, idx[j], i] with x viewed as [outer, axisSize, inner].
// Params: 0 total, 1 axisSize, 2 inner, 3 nIdx.
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read> IDX: array<i32>;
@group(0) @binding(3) var<storage, read_write> O: array<u32>;

fn elementwise(e: u32) {
  let axisSize = pu(1u);
  let inner = pu(2u);
  let nIdx = pu(3u);
  let t = e / inner;
  let i = e - t * inner;
  let o = t / nIdx;
  let j = t - o * nIdx;
  O[e] = X[(o * axisSize + u32(IDX[j])) * inner + i];
}
