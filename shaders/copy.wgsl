// Data movement. Every dtype is stored as 32-bit words on the GPU, so copy, gather and
// where move u32 bit patterns and serve all dtypes with one shader each.

// @kernel copy
// Strided copy: out[outOffset + i·outStrides] = x[xOffset + i·xStrides] for every index i.
// Params: 0 size, 1 rank, 2 xOffset, 3 outOffset, 8.. shape, 16.. xStrides, 24.. outStrides.
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read_write> O: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = group_index(wg, nwg) * 64u + li;
  if (i >= pu(0u)) { return; }
  let o = strided_offsets(i, vec3<i32>(pi(2u), pi(3u), 0), vec3<u32>(16u, 24u, 16u));
  O[u32(o.y)] = X[u32(o.x)];
}

// @kernel gather
// out[o, j, i] = x[o, idx[j], i] with x viewed as [outer, axisSize, inner].
// Params: 0 total, 1 axisSize, 2 inner, 3 nIdx.
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read> IDX: array<i32>;
@group(0) @binding(3) var<storage, read_write> O: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let e = group_index(wg, nwg) * 64u + li;
  if (e >= pu(0u)) { return; }
  let axisSize = pu(1u);
  let inner = pu(2u);
  let nIdx = pu(3u);
  let t = e / inner;
  let i = e - t * inner;
  let o = t / nIdx;
  let j = t - o * nIdx;
  O[e] = X[(o * axisSize + u32(IDX[j])) * inner + i];
}

// @kernel where
// out = cond ? a : b with broadcasting; cond holds uint8 values widened to u32.
// Params: 0 size, 1 rank, 8.. outShape, 16.. cStrides, 24.. aStrides, 32.. bStrides.
@group(0) @binding(1) var<storage, read> C: array<u32>;
@group(0) @binding(2) var<storage, read> A: array<u32>;
@group(0) @binding(3) var<storage, read> B: array<u32>;
@group(0) @binding(4) var<storage, read_write> O: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = group_index(wg, nwg) * 64u + li;
  if (i >= pu(0u)) { return; }
  let o = strided_offsets(i, vec3<i32>(0, 0, 0), vec3<u32>(16u, 24u, 32u));
  if (C[u32(o.x)] != 0u) { O[i] = A[u32(o.y)]; } else { O[i] = B[u32(o.z)]; }
}

// @kernel cast
// Element conversion. {{F}}/{{T}}: stored types of the source and target; {{BODY}}
// converts x. Params: 0 size.
@group(0) @binding(1) var<storage, read> X: array<{{F}}>;
@group(0) @binding(2) var<storage, read_write> O: array<{{T}}>;

// JS ToInt32 of a float: truncate, then wrap modulo 2^32 (WGSL's i32() saturates instead);
// NaN and infinities give 0.
fn to_int32_wrap(x: f32) -> i32 {
  if (!is_finite(x)) { return 0; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return i32(t); }
  // |t| >= 2^31: t = mantissa · 2^shift with shift >= 8; keep the low 32 bits.
  let bits = bitcast<u32>(t);
  let shift = ((bits >> 23u) & 0xffu) - 150u;
  if (shift >= 32u) { return 0; }
  var r = ((bits & 0x7fffffu) | 0x800000u) << shift;
  if ((bits & 0x80000000u) != 0u) { r = 0u - r; }
  return bitcast<i32>(r);
}

fn conv(x: {{F}}) -> {{T}} {
  {{BODY}}
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = group_index(wg, nwg) * 64u + li;
  if (i >= pu(0u)) { return; }
  O[i] = conv(X[i]);
}
