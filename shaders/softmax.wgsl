// Row-wise kernels over x viewed as [rows, cols]: one workgroup of {{WG}} invocations per
// row; invocations stride through the row and merge partials with a tree in workgroup
// memory. Params: 0 rows, 1 cols, then per kernel.
const WG = {{WG}}u;

// Online max/sum: each invocation keeps the running max m and the sum s of exp(x - m)
// over its elements, so the row is read once for the statistics. flags: bit 0 a NaN was
// seen, bit 1 a +Infinity; -Infinity contributes nothing, and s == 0 means nothing seen yet.
struct Stat { m: f32, s: f32, flags: u32 }
fn stat_push(a: Stat, v: f32) -> Stat {
  if (is_nan(v)) { return Stat(a.m, a.s, a.flags | 1u); }
  if (is_inf(v)) {
    if (v > 0.0) { return Stat(a.m, a.s, a.flags | 2u); }
    return a;
  }
  if (a.s == 0.0) { return Stat(v, 1.0, a.flags); }
  if (v > a.m) { return Stat(v, a.s * exp(a.m - v) + 1.0, a.flags); }
  return Stat(a.m, a.s + exp(v - a.m), a.flags);
}
fn stat_merge(a: Stat, b: Stat) -> Stat {
  let f = a.flags | b.flags;
  if (a.s == 0.0) { return Stat(b.m, b.s, f); }
  if (b.s == 0.0) { return Stat(a.m, a.s, f); }
  let m = max(a.m, b.m);
  return Stat(m, a.s * exp(a.m - m) + b.s * exp(b.m - m), f);
}

var<workgroup> sm: array<f32, WG>;
var<workgroup> ss: array<f32, WG>;
var<workgroup> sf: array<u32, WG>;

// Row statistics of X starting at base; every invocation gets the merged result.
fn row_stat(li: u32, base: u32, cols: u32) -> Stat {
  var st = Stat(0.0, 0.0, 0u);
  for (var c = li; c < cols; c += WG) { st = stat_push(st, X[base + c]); }
  sm[li] = st.m;
  ss[li] = st.s;
  sf[li] = st.flags;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h = h >> 1u) {
    if (li < h) {
      let r = stat_merge(Stat(sm[li], ss[li], sf[li]), Stat(sm[li + h], ss[li + h], sf[li + h]));
      sm[li] = r.m;
      ss[li] = r.s;
      sf[li] = r.flags;
    }
    workgroupBarrier();
  }
  let out = Stat(sm[0], ss[0], sf[0]);
  workgroupBarrier();
  return out;
}

// max(0, e) for the row's largest magnitude m = f·2^e (0.5 <= f < 1): scaling by 2^-e puts
// every element below 1 in magnitude. Rows of magnitude below 1 keep e = 0 (no scaling, so
// eps is not scaled up). NaN and infinities give garbage e, but then the row is NaN anyway.
fn row_exponent(li: u32, base: u32, cols: u32) -> i32 {
  var a = 0.0;
  for (var c = li; c < cols; c += WG) { a = max(a, abs(X[base + c])); }
  ss[li] = a;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h = h >> 1u) {
    if (li < h) { ss[li] = max(ss[li], ss[li + h]); }
    workgroupBarrier();
  }
  let m = ss[0];
  workgroupBarrier();
  if (!is_finite(m)) { return 0; }
  return max(frexp(m).exp, 0);
}

// Sum of one value per invocation; every invocation gets the total.
fn row_sum(li: u32, v: f32) -> f32 {
  ss[li] = v;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h = h >> 1u) {
    if (li < h) { ss[li] = ss[li] + ss[li + h]; }
    workgroupBarrier();
  }
  let out = ss[0];
  workgroupBarrier();
  return out;
}

// @kernel softmax
// Params: 2 log (0/1). As in the reference, a NaN or +Infinity anywhere in a row, or a
// row of only -Infinity, makes the whole row NaN.
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;

fn rowwise(row: u32, li: u32) {
  let cols = pu(1u);
  let base = row * cols;
  let st = row_stat(li, base, cols);
  let bad = st.flags != 0u || st.s == 0.0;
  let logOut = pu(2u) != 0u;
  let ls = st.m + log(st.s);
  let inv = 1.0 / st.s;
  for (var c = li; c < cols; c += WG) {
    let x = X[base + c];
    var y: f32;
    if (bad) {
      y = nan_f32();
    } else if (is_inf(x)) {
      y = select(0.0, x, logOut);
    } else if (logOut) {
      y = x - ls;
    } else {
      y = exp(x - st.m) * inv;
    }
    O[base + c] = y;
  }
}

// @kernel logsumexp
// NaN wins over +Infinity, which wins over the sum; an all -Infinity row gives -Infinity.
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;

fn rowwise(row: u32, li: u32) {
  let cols = pu(1u);
  let st = row_stat(li, row * cols, cols);
  if (li != 0u) { return; }
  var y: f32;
  if ((st.flags & 1u) != 0u) {
    y = nan_f32();
  } else if ((st.flags & 2u) != 0u) {
    y = inf_f32();
  } else if (st.s == 0.0) {
    y = -inf_f32();
  } else {
    y = st.m + log(st.s);
  }
  O[row] = y;
}

// @kernel layernorm
// Two passes over the row (mean, then centred squares) as the reference does: one-pass
// variance loses digits when the mean is large. The row is first scaled by 2^-k (exact)
// so that its largest magnitude is below 1: float32 squares of |x| > 1.8e19 would
// overflow where the float64 reference's do not. Params: 2 eps (f32 bits), 3 has gamma,
// 4 has beta.
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read> Bt: array<f32>;
@group(0) @binding(4) var<storage, read_write> O: array<f32>;

fn rowwise(row: u32, li: u32) {
  let cols = pu(1u);
  let base = row * cols;
  let k = -row_exponent(li, base, cols);
  var s = 0.0;
  for (var c = li; c < cols; c += WG) { s += ldexp(X[base + c], k); }
  let mean = row_sum(li, s) / f32(cols);
  var q = 0.0;
  for (var c = li; c < cols; c += WG) { let d = ldexp(X[base + c], k) - mean; q += d * d; }
  let inv = 1.0 / sqrt(row_sum(li, q) / f32(cols) + ldexp(pf(2u), 2 * k));
  let hasG = pu(3u) != 0u;
  let hasB = pu(4u) != 0u;
  for (var c = li; c < cols; c += WG) {
    // a row of equal values: d = 0 exactly, and 0 even where the scaled eps flushed to zero
    let d = ldexp(X[base + c], k) - mean;
    var y = select(d * inv, 0.0, d == 0.0);
    if (hasG) { y *= G[c]; }
    if (hasB) { y += Bt[c]; }
    O[base + c] = y;
  }
}

// @kernel rmsnorm
// Scaled by 2^-k first, as layernorm. Params: 2 eps (f32 bits), 3 has gamma.
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;

fn rowwise(row: u32, li: u32) {
  let cols = pu(1u);
  let base = row * cols;
  let k = -row_exponent(li, base, cols);
  var q = 0.0;
  for (var c = li; c < cols; c += WG) { let x = ldexp(X[base + c], k); q += x * x; }
  let inv = 1.0 / sqrt(row_sum(li, q) / f32(cols) + ldexp(pf(2u), 2 * k));
  let hasG = pu(3u) != 0u;
  for (var c = li; c < cols; c += WG) {
    var y = ldexp(X[base + c], k) * inv;
    if (hasG) { y *= G[c]; }
    O[base + c] = y;
  }
}
