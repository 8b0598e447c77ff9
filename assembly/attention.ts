// Decode attention: one query row per head against `length` cached key/value rows
// (rowStride floats apart; KV head g at g·headDim). Scores go to the host's scratch w
// (length rounded up to 4, the padding -Inf so exp gives 0), then softmax weights, then
// out[h] = Σ_j w_j v_j / Σ_j w_j accumulated in the output row.
import { vexpNonPos, fsplat } from './vmath';

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

function dot(a: usize, b: usize, n: i32): f32 {
  let s0 = fsplat(0), s1 = s0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + p), v128.load(b + p)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + p, 16), v128.load(b + p, 16)));
  }
  let s = hsum(f32x4.add(s0, s1));
  for (; i < n; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

export function decodeAttention(q: usize, k: usize, v: usize, out: usize, w: usize, heads: i32, kvHeads: i32, headDim: i32, length: i32, rowStride: i32, scale: f32): void {
  const group = heads / kvHeads, rs = <usize>rowStride << 2, D = headDim;
  const padded = (length + 3) & ~3;
  for (let h = 0; h < heads; h++) {
    for (let j = length; j < padded; j++) store<f32>(w + (<usize>j << 2), -Infinity); // the exp pass overwrote them
    const qp = q + (<usize>(h * D) << 2), go = <usize>((h / group) * D) << 2, op = out + (<usize>(h * D) << 2);
    let m: f32 = -Infinity;
    for (let j = 0; j < length; j++) {
      const s = dot(qp, k + <usize>j * rs + go, D) * scale;
      store<f32>(w + (<usize>j << 2), s);
      m = max(m, s);
    }
    const mv = fsplat(m);
    let sv = fsplat(0);
    for (let j = 0; j < padded; j += 4) {
      const p = w + (<usize>j << 2);
      const e = vexpNonPos(f32x4.sub(v128.load(p), mv));
      v128.store(p, e);
      sv = f32x4.add(sv, e);
    }
    const inv: f32 = 1 / hsum(sv);
    memory.fill(op, 0, <usize>D << 2);
    for (let j = 0; j < length; j++) {
      const e = load<f32>(w + (<usize>j << 2)), ev = fsplat(e), vp = v + <usize>j * rs + go;
      let d = 0;
      for (; d + 4 <= D; d += 4) {
        const p = <usize>d << 2;
        v128.store(op + p, f32x4.add(v128.load(op + p), f32x4.mul(ev, v128.load(vp + p))));
      }
      for (; d < D; d++) { const p = <usize>d << 2; store<f32>(op + p, load<f32>(op + p) + e * load<f32>(vp + p)); }
    }
    const iv = fsplat(inv);
    let d = 0;
    for (; d + 4 <= D; d += 4) { const p = op + (<usize>d << 2); v128.store(p, f32x4.mul(v128.load(p), iv)); }
    for (; d < D; d++) { const p = op + (<usize>d << 2); store<f32>(p, load<f32>(p) * inv); }
  }
}
