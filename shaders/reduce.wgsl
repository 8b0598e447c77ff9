// Reduce x viewed as [outer, size, inner] over the middle axis. {{T}}: input element type,
// {{A}}: accumulator type, {{O}}: output element type. {{OP}} picks the merge (sum, max, min,
// argmax, argmin); {{ISNAN}} tests a value of type {{A}} named v; {{LOWEST}}/{{HIGHEST}}
// seed max/min; {{FINISH}} turns the accumulator `a` over `n` elements into an output.
// Params: 0 outer, 1 size, 2 inner.
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> O: array<{{O}}>;

// v is the running value, i the index it came from (argmax/argmin), or NONE when nothing
// has been merged yet.
struct Acc { v: {{A}}, i: u32 }
const NONE = 0xffffffffu;

fn isnan_a(v: {{A}}) -> bool { return {{ISNAN}}; }

fn init_sum() -> Acc { return Acc({{A}}(0), NONE); }
fn init_max() -> Acc { return Acc({{LOWEST}}, NONE); }
fn init_min() -> Acc { return Acc({{HIGHEST}}, NONE); }
fn init_argmax() -> Acc { return Acc({{A}}(0), NONE); }
fn init_argmin() -> Acc { return Acc({{A}}(0), NONE); }

fn merge_sum(a: Acc, b: Acc) -> Acc { return Acc(a.v + b.v, NONE); }
// NaN is sticky, so max/min propagate it whatever the merge order.
fn merge_max(a: Acc, b: Acc) -> Acc {
  if (isnan_a(a.v)) { return a; }
  if (isnan_a(b.v)) { return b; }
  return Acc(select(a.v, b.v, b.v > a.v), NONE);
}
fn merge_min(a: Acc, b: Acc) -> Acc {
  if (isnan_a(a.v)) { return a; }
  if (isnan_a(b.v)) { return b; }
  return Acc(select(a.v, b.v, b.v < a.v), NONE);
}
// Partial results arrive in any index order (threads stride through the axis), so ties go
// to the smaller index explicitly; a NaN beats every number and the first NaN wins.
fn pick_first(a: Acc, b: Acc) -> Acc {
  if (b.i < a.i) { return b; }
  return a;
}
fn merge_arg(a: Acc, b: Acc, greater: bool) -> Acc {
  if (a.i == NONE) { return b; }
  if (b.i == NONE) { return a; }
  let an = isnan_a(a.v);
  let bn = isnan_a(b.v);
  if (an || bn) {
    if (an && bn) { return pick_first(a, b); }
    if (an) { return a; }
    return b;
  }
  if (a.v == b.v) { return pick_first(a, b); }
  if ((a.v > b.v) == greater) { return a; }
  return b;
}
fn merge_argmax(a: Acc, b: Acc) -> Acc { return merge_arg(a, b, true); }
fn merge_argmin(a: Acc, b: Acc) -> Acc { return merge_arg(a, b, false); }

fn finish(a: Acc, n: u32) -> {{O}} {
  {{FINISH}}
}

fn load(idx: u32, r: u32) -> Acc { return Acc({{A}}(X[idx]), r); }

// @kernel loop
// One invocation per output, walking the reduced axis; consecutive invocations read
// consecutive inner positions.
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let outer = pu(0u);
  let size = pu(1u);
  let inner = pu(2u);
  let j = group_index(wg, nwg) * 64u + li;
  if (j >= outer * inner) { return; }
  let o = j / inner;
  let base = o * size * inner + (j - o * inner);
  var acc = init_{{OP}}();
  for (var r = 0u; r < size; r++) {
    acc = merge_{{OP}}(acc, load(base + r * inner, r));
  }
  O[j] = finish(acc, size);
}

// @kernel group
// One workgroup per output for long axes: invocations stride through the axis, then a
// tree in workgroup memory merges their partials.
var<workgroup> sv: array<{{A}}, 256>;
var<workgroup> si: array<u32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let outer = pu(0u);
  let size = pu(1u);
  let inner = pu(2u);
  let j = group_index(wg, nwg);
  if (j >= outer * inner) { return; }
  let o = j / inner;
  let base = o * size * inner + (j - o * inner);
  var acc = init_{{OP}}();
  for (var r = li; r < size; r += 256u) {
    acc = merge_{{OP}}(acc, load(base + r * inner, r));
  }
  sv[li] = acc.v;
  si[li] = acc.i;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (li < s) {
      let m = merge_{{OP}}(Acc(sv[li], si[li]), Acc(sv[li + s], si[li + s]));
      sv[li] = m.v;
      si[li] = m.i;
    }
    workgroupBarrier();
  }
  if (li == 0u) { O[j] = finish(Acc(sv[0], si[0]), size); }
}
