// The sparse family: CSR × dense and scatter-add (the transpose of gather).

// @kernel spmm
// out[i, c] = Σ_{e in row i} values[e] · x[indices[e], c]; one invocation per output element.
// Params: 0 total (m·k), 1 k.
@group(0) @binding(1) var<storage, read> INDPTR: array<i32>;
@group(0) @binding(2) var<storage, read> INDICES: array<i32>;
@group(0) @binding(3) var<storage, read> VALUES: array<f32>;
@group(0) @binding(4) var<storage, read> X: array<f32>;
@group(0) @binding(5) var<storage, read_write> O: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t = group_index(wg, nwg) * 64u + li;
  if (t >= pu(0u)) { return; }
  let k = pu(1u);
  let i = t / k;
  let c = t - i * k;
  var s = 0.0;
  for (var e = INDPTR[i]; e < INDPTR[i + 1u]; e++) {
    s += VALUES[e] * X[u32(INDICES[e]) * k + c];
  }
  O[t] = s;
}

// @kernel scatterAdd
// out[o, idx[j], i] += x[o, j, i]; one invocation per input element. WGSL has no float
// atomics, so the add is a compare-exchange loop on the bits. `out` starts at zero: the
// launcher clears pool-reused storage before its first use and fresh buffers are zero.
// Params: 0 total (outer·nIdx·inner), 1 axisSize, 2 inner, 3 nIdx.
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> IDX: array<i32>;
@group(0) @binding(3) var<storage, read_write> O: array<atomic<u32>>;

fn elementwise(e: u32) {
  let oji = axis_split(e);
  let a = (oji.x * pu(1u) + u32(IDX[oji.y])) * pu(2u) + oji.z;
  let v = X[e];
  var old = atomicLoad(&O[a]);
  loop {
    let r = atomicCompareExchangeWeak(&O[a], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}
