// Decode attention: one workgroup per query head against `length` cached key/value rows
// (rowStride floats apart, KV head g at g·headDim). Keys go in chunks of CH: each invocation
// scores some keys into workgroup memory, the chunk's max and sum update a running softmax
// (online rescaling), and invocation l accumulates output features l, l+WG, ... over the
// chunk. headDim <= MAXD. Params: 0 heads, 1 kvHeads, 2 headDim, 3 length, 4 rowStride, 5 scale.
const WG = 64u;
const CH = 1024u;
const MAXD = 512u;
@group(0) @binding(1) var<storage, read> Q: array<f32>;
@group(0) @binding(2) var<storage, read> K: array<f32>;
@group(0) @binding(3) var<storage, read> V: array<f32>;
@group(0) @binding(4) var<storage, read_write> O: array<f32>;
var<workgroup> sc: array<f32, CH>;
var<workgroup> qv: array<f32, MAXD>;
var<workgroup> acc: array<f32, MAXD>;
var<workgroup> red: array<f32, WG>;

fn reduce_max(li: u32, x: f32) -> f32 {
  red[li] = x;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h = h >> 1u) {
    if (li < h) { red[li] = max(red[li], red[li + h]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

fn reduce_sum(li: u32, x: f32) -> f32 {
  red[li] = x;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h = h >> 1u) {
    if (li < h) { red[li] = red[li] + red[li + h]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let h = group_index(wg, nwg);
  let heads = pu(0u);
  let D = pu(2u);
  let S = pu(3u);
  let rs = pu(4u);
  let scale = pf(5u);
  let hq = min(h, heads - 1u); // overhang groups compute a copy and do not store
  let qo = hq * D;
  let ko = (hq / (heads / pu(1u))) * D;
  for (var d = li; d < D; d += WG) { qv[d] = Q[qo + d]; acc[d] = 0.0; }
  workgroupBarrier();
  var m = -3.0e38;
  var l = 0.0;
  for (var c0 = 0u; c0 < S; c0 += CH) {
    let n = min(CH, S - c0);
    var cm = -3.0e38;
    for (var j = li; j < n; j += WG) {
      let kb = (c0 + j) * rs + ko;
      var s = 0.0;
      for (var d = 0u; d < D; d++) { s += qv[d] * K[kb + d]; }
      s *= scale;
      sc[j] = s;
      cm = max(cm, s);
    }
    let nm = max(m, reduce_max(li, cm));
    let alpha = exp(m - nm);
    var part = 0.0;
    for (var j = li; j < n; j += WG) { let e = exp(sc[j] - nm); sc[j] = e; part += e; }
    l = l * alpha + reduce_sum(li, part);
    for (var d = li; d < D; d += WG) {
      var a = acc[d] * alpha;
      for (var j = 0u; j < n; j++) { a += sc[j] * V[(c0 + j) * rs + ko + d]; }
      acc[d] = a;
    }
    m = nm;
    workgroupBarrier();
  }
  if (h < heads) {
    for (var d = li; d < D; d += WG) { O[qo + d] = acc[d] / l; }
  }
}
