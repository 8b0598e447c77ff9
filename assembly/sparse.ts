// The sparse family: CSR × dense (SpMV when k == 1) and scatter-add, the transpose of
// gather. Addresses are byte offsets into the host-managed memory; indices are validated
// by the op layer (ts/sparse, ts/ops/segment.ts).

export function spmm(indptr: usize, indices: usize, values: usize, x: usize, out: usize, m: i32, k: i32): void {
  if (k == 1) {
    // SpMV: four independent accumulators keep several gathers of x in flight (the random
    // reads of x, not arithmetic, bound this loop)
    let e = load<i32>(indptr);
    for (let i = 0; i < m; i++) {
      const end = load<i32>(indptr + (<usize>(i + 1) << 2));
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      for (; e + 4 <= end; e += 4) {
        const pe = <usize>e << 2;
        const c0 = load<i32>(indices + pe), c1 = load<i32>(indices + pe + 4), c2 = load<i32>(indices + pe + 8), c3 = load<i32>(indices + pe + 12);
        s0 += load<f32>(values + pe) * load<f32>(x + (<usize>c0 << 2));
        s1 += load<f32>(values + pe + 4) * load<f32>(x + (<usize>c1 << 2));
        s2 += load<f32>(values + pe + 8) * load<f32>(x + (<usize>c2 << 2));
        s3 += load<f32>(values + pe + 12) * load<f32>(x + (<usize>c3 << 2));
      }
      for (; e < end; e++) {
        const pe = <usize>e << 2;
        s0 += load<f32>(values + pe) * load<f32>(x + (<usize>load<i32>(indices + pe) << 2));
      }
      store<f32>(out + (<usize>i << 2), (s0 + s1) + (s2 + s3));
    }
    return;
  }
  const row = <usize>k << 2;
  const k4 = k & ~3;
  for (let i = 0; i < m; i++) {
    const o = out + <usize>i * row;
    memory.fill(o, 0, row);
    const end = load<i32>(indptr + (<usize>(i + 1) << 2));
    for (let e = load<i32>(indptr + (<usize>i << 2)); e < end; e++) {
      const pe = <usize>e << 2;
      const v = load<f32>(values + pe);
      const vv = f32x4.splat(v);
      const xr = x + <usize>load<i32>(indices + pe) * row;
      let c = 0;
      for (; c < k4; c += 4) {
        const q = <usize>c << 2;
        v128.store(o + q, f32x4.add(v128.load(o + q), f32x4.mul(vv, v128.load(xr + q))));
      }
      for (; c < k; c++) {
        const q = <usize>c << 2;
        store<f32>(o + q, load<f32>(o + q) + v * load<f32>(xr + q));
      }
    }
  }
}

export function scatterAdd(x: usize, idx: usize, out: usize, outer: i32, axisSize: i32, inner: i32, nIdx: i32): void {
  const row = <usize>inner << 2;
  memory.fill(out, 0, <usize>outer * <usize>axisSize * row);
  const i4 = inner & ~3;
  let src = x;
  for (let o = 0; o < outer; o++) {
    const base = out + <usize>(o * axisSize) * row;
    for (let j = 0; j < nIdx; j++) {
      const d = base + <usize>load<i32>(idx + (<usize>j << 2)) * row;
      let i = 0;
      for (; i < i4; i += 4) {
        const q = <usize>i << 2;
        v128.store(d + q, f32x4.add(v128.load(d + q), v128.load(src + q)));
      }
      for (; i < inner; i++) {
        const q = <usize>i << 2;
        store<f32>(d + q, load<f32>(d + q) + load<f32>(src + q));
      }
      src += row;
    }
  }
}
