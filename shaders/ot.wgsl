// The Sinkhorn half-step (family `ot`): out = reg·log Σ exp((h − C)/reg) along the rows
// (axis 1) or the columns (axis 0) of C viewed as [batch, n, m]; C is read once.
// Params: 0 batch, 1 n, 2 m, 3 C batch stride, 4 reg, 5 1/reg.
// Every invocation keeps a running max mx (cost units) and the sum s of exp((v − mx)/reg),
// so one exp per element suffices; values are finite or −Infinity (an infinite cost).
@group(0) @binding(1) var<storage, read> C: array<f32>;
@group(0) @binding(2) var<storage, read> H: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;

struct Acc { mx: f32, s: f32 }
fn acc_push(a: Acc, v: f32, inv: f32) -> Acc {
  if (v <= a.mx) { return Acc(a.mx, a.s + exp((v - a.mx) * inv)); }
  return Acc(v, a.s * exp((a.mx - v) * inv) + 1.0);
}
fn acc_merge(a: Acc, b: Acc, inv: f32) -> Acc {
  let mx = max(a.mx, b.mx);
  return Acc(mx, a.s * exp((a.mx - mx) * inv) + b.s * exp((b.mx - mx) * inv));
}
fn acc_out(a: Acc) -> f32 { return a.mx + pf(4u) * log(a.s); }
const FAR = -3.0e38;

// @kernel rows
// One workgroup of {{WG}} invocations per row (b, i); h is [batch, m].
const WG = {{WG}}u;
var<workgroup> wm: array<f32, WG>;
var<workgroup> ws: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let row = group_index(wg, nwg);
  let n = pu(1u);
  let m = pu(2u);
  if (row >= pu(0u) * n) { return; }
  let b = row / n;
  let i = row % n;
  let cb = b * pu(3u) + i * m;
  let hb = b * m;
  let inv = pf(5u);
  var a = Acc(FAR, 0.0);
  for (var j = li; j < m; j += WG) { a = acc_push(a, H[hb + j] - C[cb + j], inv); }
  wm[li] = a.mx;
  ws[li] = a.s;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h = h >> 1u) {
    if (li < h) {
      let r = acc_merge(Acc(wm[li], ws[li]), Acc(wm[li + h], ws[li + h]), inv);
      wm[li] = r.mx;
      ws[li] = r.s;
    }
    workgroupBarrier();
  }
  if (li == 0u) { O[row] = acc_out(Acc(wm[0], ws[0])); }
}

// @kernel cols
// One invocation per column (b, j), walking down the rows: neighbouring invocations read
// neighbouring addresses. h is [batch, n].
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t = group_index(wg, nwg) * 64u + li;
  let n = pu(1u);
  let m = pu(2u);
  if (t >= pu(0u) * m) { return; }
  let b = t / m;
  let j = t % m;
  let cb = b * pu(3u) + j;
  let hb = b * n;
  let inv = pf(5u);
  var a = Acc(FAR, 0.0);
  for (var i = 0u; i < n; i++) { a = acc_push(a, H[hb + i] - C[cb + i * m], inv); }
  O[t] = acc_out(a);
}
