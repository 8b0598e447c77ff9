// @kernel prelude
// Prepended to every kernel by the backend.
//
// Parameters: one 256-byte uniform slot per dispatch, read as 64 32-bit words; the host
// packs them (floats as bit patterns), so one layout serves every kernel and the slots of a
// batch live side by side in one ring buffer.
struct Params { w: array<vec4<u32>, 16> }
@group(0) @binding(0) var<uniform> P: Params;
fn pu(i: u32) -> u32 { return P.w[i >> 2u][i & 3u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }

// Large launches fold their workgroups into a 2D grid (65535 per dimension at most).
fn group_index(wg: vec3<u32>, nwg: vec3<u32>) -> u32 { return wg.y * nwg.x + wg.x; }

// Element offsets of flat output index i in up to three strided operands (binary, copy,
// where share this walk). Params: 1 rank, 8.. shape, then one stride row per operand at
// the slots in `rows`; `base` holds each operand's starting offset.
fn strided_offsets(i: u32, base: vec3<i32>, rows: vec3<u32>) -> vec3<i32> {
  var rem = i;
  var o = base;
  for (var d = i32(pu(1u)) - 1; d >= 0; d--) {
    let n = pu(8u + u32(d));
    let c = i32(rem % n);
    rem = rem / n;
    o += c * vec3<i32>(pi(rows.x + u32(d)), pi(rows.y + u32(d)), pi(rows.z + u32(d)));
  }
  return o;
}

// Gather and scatter along one axis: element e of [outer, nIdx, inner] as (o, j, i).
// Params: 2 inner, 3 nIdx (1 axisSize is the caller's).
fn axis_split(e: u32) -> vec3<u32> {
  let inner = pu(2u);
  let t = e / inner;
  let o = t / pu(3u);
  return vec3<u32>(o, t - o * pu(3u), e - t * inner);
}

// NaN and infinity are tested on the bits: WGSL lets a compiler assume float compares never
// see NaN, and the numerics contract needs NaN to propagate exactly as the reference does.
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn is_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
// Built from a variable, not a literal: a constant expression that yields NaN or infinity
// is a shader-creation error.
fn nan_f32() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn inf_f32() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }

// @kernel elementwise
// The entry point of every one-invocation-per-element kernel: the kernel defines
// `fn elementwise(i: u32)` and this calls it for i < params[0] (the element count), so the
// 2-D grid folding and the bounds test live here once.
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = group_index(wg, nwg) * 64u + li;
  if (i >= pu(0u)) { return; }
  elementwise(i);
}

// @kernel rowwise
// The entry point of the one-workgroup-per-row kernels (softmax family, fwht): the kernel
// defines `const WG` and `fn rowwise(row: u32, li: u32)`, and this calls it for
// row < params[0] with li the invocation's index in the workgroup.
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row = group_index(wg, nwg);
  if (row >= pu(0u)) { return; }
  rowwise(row, li);
}

// @kernel rowdot
// The entry point of the one-workgroup-per-output dot products (qmatmul, lut): the kernel binds
// X and O and defines `fn w_at(j: u32, t: u32) -> f32`, weight t of output column j; this writes
// O[i·n + j] = Σ_t X[i·k + t] · w_at(j, t) for i < params[0], j < params[1], k = params[2]:
// 64 invocations stride over k, then a tree sum.
var<workgroup> part: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = group_index(wg, nwg);
  let n = pu(1u);
  let k = pu(2u);
  let valid = g < pu(0u) * n;
  let i = g / n;
  let j = g % n;
  var s = 0.0;
  if (valid) {
    for (var t = lid.x; t < k; t += 64u) { s += X[i * k + t] * w_at(j, t); }
  }
  part[lid.x] = s;
  workgroupBarrier();
  for (var w = 32u; w > 0u; w >>= 1u) {
    if (lid.x < w) { part[lid.x] += part[lid.x + w]; }
    workgroupBarrier();
  }
  if (valid && lid.x == 0u) { O[g] = part[0]; }
}
