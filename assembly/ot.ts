// The Sinkhorn half-step (family `ot`): soft-minimum reg·log Σ exp((h − C)/reg) along the
// rows or the columns of C, reading C from memory once per call. Layout and meaning:
// OtLseParams in runtime/types.ts; the float64 reference is runtime/backends/js/ot.ts.
import { vexpNonPos, fsplat, hmax, hsum } from './vmath';

// Rows per column-mode chunk: their values for one 4-column strip stay in registers, so
// the running max/sum of a column is rescaled once per chunk instead of once per element.
const R = 8;
const FAR: f32 = -3.0e38; // a finite "nothing seen yet": M − newM stays a number

/** reg·log Σ_j exp((h_j − c_j)/reg) over one contiguous row of m values. */
function rowSoftmin(pc: usize, ph: usize, m: i32, reg: f32, inv: f32): f32 {
  let mv = fsplat(FAR);
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const o = <usize>j << 2;
    mv = f32x4.pmax(mv, f32x4.sub(v128.load(ph + o), v128.load(pc + o)));
  }
  let mx = hmax(mv);
  for (; j < m; j++) mx = max(mx, load<f32>(ph + (<usize>j << 2)) - load<f32>(pc + (<usize>j << 2)));
  const mxv = fsplat(mx), iv = fsplat(inv);
  let total: f64 = 0;
  j = 0;
  while (j + 4 <= m) {
    // f32 lanes within 256-element blocks, f64 across them
    const end = min(m & ~3, j + 256);
    let s = fsplat(0);
    for (; j < end; j += 4) {
      const o = <usize>j << 2;
      const d = f32x4.sub(f32x4.sub(v128.load(ph + o), v128.load(pc + o)), mxv);
      s = f32x4.add(s, vexpNonPos(f32x4.mul(d, iv)));
    }
    total += hsum(s);
  }
  for (; j < m; j++) total += Math.exp(<f64>(load<f32>(ph + (<usize>j << 2)) - load<f32>(pc + (<usize>j << 2)) - mx) * <f64>inv);
  return <f32>(<f64>mx + <f64>reg * Math.log(total));
}

/** Column soft-minima of one [n, m] matrix into out[m]; S (m floats) is scratch. */
function colSoftmin(c: usize, ph: usize, out: usize, S: usize, n: i32, m: i32, reg: f32, inv: f32): void {
  const iv = fsplat(inv);
  const M = out; // running maxima live in out until the last step replaces them
  for (let j = 0; j < m; j++) { store<f32>(M + (<usize>j << 2), FAR); store<f32>(S + (<usize>j << 2), 0); }
  const rb = <usize>m << 2;
  for (let i0 = 0; i0 < n; i0 += R) {
    const rows = min(R, n - i0);
    const base = c + <usize>i0 * rb;
    let j = 0;
    if (rows == R) {
      const h0 = fsplat(load<f32>(ph + (<usize>i0 << 2))), h1 = fsplat(load<f32>(ph + (<usize>(i0 + 1) << 2)));
      const h2 = fsplat(load<f32>(ph + (<usize>(i0 + 2) << 2))), h3 = fsplat(load<f32>(ph + (<usize>(i0 + 3) << 2)));
      const h4 = fsplat(load<f32>(ph + (<usize>(i0 + 4) << 2))), h5 = fsplat(load<f32>(ph + (<usize>(i0 + 5) << 2)));
      const h6 = fsplat(load<f32>(ph + (<usize>(i0 + 6) << 2))), h7 = fsplat(load<f32>(ph + (<usize>(i0 + 7) << 2)));
      for (; j + 4 <= m; j += 4) {
        const p = base + (<usize>j << 2);
        const v0 = f32x4.sub(h0, v128.load(p)), v1 = f32x4.sub(h1, v128.load(p + rb));
        const v2 = f32x4.sub(h2, v128.load(p + 2 * rb)), v3 = f32x4.sub(h3, v128.load(p + 3 * rb));
        const v4 = f32x4.sub(h4, v128.load(p + 4 * rb)), v5 = f32x4.sub(h5, v128.load(p + 5 * rb));
        const v6 = f32x4.sub(h6, v128.load(p + 6 * rb)), v7 = f32x4.sub(h7, v128.load(p + 7 * rb));
        const cm = f32x4.pmax(f32x4.pmax(f32x4.pmax(v0, v1), f32x4.pmax(v2, v3)), f32x4.pmax(f32x4.pmax(v4, v5), f32x4.pmax(v6, v7)));
        const q = <usize>j << 2;
        const mOld = v128.load(M + q);
        const mNew = f32x4.pmax(mOld, cm);
        let s = f32x4.mul(v128.load(S + q), vexpNonPos(f32x4.mul(f32x4.sub(mOld, mNew), iv)));
        s = f32x4.add(s, f32x4.add(
          f32x4.add(vexpNonPos(f32x4.mul(f32x4.sub(v0, mNew), iv)), vexpNonPos(f32x4.mul(f32x4.sub(v1, mNew), iv))),
          f32x4.add(vexpNonPos(f32x4.mul(f32x4.sub(v2, mNew), iv)), vexpNonPos(f32x4.mul(f32x4.sub(v3, mNew), iv)))));
        s = f32x4.add(s, f32x4.add(
          f32x4.add(vexpNonPos(f32x4.mul(f32x4.sub(v4, mNew), iv)), vexpNonPos(f32x4.mul(f32x4.sub(v5, mNew), iv))),
          f32x4.add(vexpNonPos(f32x4.mul(f32x4.sub(v6, mNew), iv)), vexpNonPos(f32x4.mul(f32x4.sub(v7, mNew), iv)))));
        v128.store(M + q, mNew);
        v128.store(S + q, s);
      }
    }
    // short last chunk and the columns past the last full strip, one value at a time
    for (; j < m; j++) {
      const q = <usize>j << 2;
      let mx = load<f32>(M + q);
      const m0 = mx;
      for (let r = 0; r < rows; r++) mx = max(mx, load<f32>(ph + (<usize>(i0 + r) << 2)) - load<f32>(base + <usize>r * rb + q));
      let s = <f64>load<f32>(S + q) * Math.exp(<f64>(m0 - mx) * <f64>inv);
      for (let r = 0; r < rows; r++) s += Math.exp(<f64>(load<f32>(ph + (<usize>(i0 + r) << 2)) - load<f32>(base + <usize>r * rb + q) - mx) * <f64>inv);
      store<f32>(M + q, mx);
      store<f32>(S + q, <f32>s);
    }
  }
  for (let j = 0; j < m; j++) {
    const q = <usize>j << 2;
    store<f32>(out + q, <f32>(<f64>load<f32>(M + q) + <f64>reg * Math.log(<f64>load<f32>(S + q))));
  }
}

/** scratch: m floats (column mode only). Pointers are byte addresses. */
export function otLse(c: usize, h: usize, out: usize, scratch: usize, batch: i32, n: i32, m: i32, cBatchStride: i32, axis: i32, reg: f32): void {
  const inv: f32 = <f32>(1.0 / <f64>reg);
  for (let b = 0; b < batch; b++) {
    const cb = c + (<usize>b * <usize>cBatchStride << 2);
    if (axis == 1) {
      const ph = h + (<usize>(b * m) << 2);
      for (let i = 0; i < n; i++) store<f32>(out + (<usize>(b * n + i) << 2), rowSoftmin(cb + (<usize>(i * m) << 2), ph, m, reg, inv));
    } else {
      colSoftmin(cb, h + (<usize>(b * n) << 2), out + (<usize>(b * m) << 2), scratch, n, m, reg, inv);
    }
  }
}
