// Rotary position embedding, one invocation per element of x [tokens, heads, headDim]:
// a rotated feature reads itself and its partner (adjacent pairs, or the other half with
// NEOX); the rest copy. CS [tokens, dims]: cos of pair i at i, sin at dims/2 + i.
// Params: 0 size, 1 heads, 2 headDim, 3 dims, 4 neox.
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> CS: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;

fn elementwise(e: u32) {
  let D = pu(2u);
  let dims = pu(3u);
  let d = e % D;
  if (d >= dims) { O[e] = X[e]; return; }
  let t = e / (D * pu(1u));
  let half = dims / 2u;
  let base = e - d;
  var i: u32;
  var first: bool;
  var ia: u32;
  var ib: u32;
  if (pu(4u) != 0u) { first = d < half; i = select(d - half, d, first); ia = base + i; ib = base + i + half; }
  else { first = (d & 1u) == 0u; i = d / 2u; ia = base + 2u * i; ib = ia + 1u; }
  let c = CS[t * dims + i];
  let s = CS[t * dims + half + i];
  let a = X[ia];
  let b = X[ib];
  if (first) { O[e] = a * c - b * s; } else { O[e] = a * s + b * c; }
}
