// Decode attention: one query row per head against `length` cached key/value rows
// (rowStride floats apart; KV head g at g·headDim). Scores, four keys at a time, go to the
// host's scratch w (length rounded up to 4, the padding -Inf so exp gives 0), then softmax
// weights, then out[h] = Σ_j w_j v_j / Σ_j w_j, 16 features at a time held in registers.
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

/** Four keys' dot products with q (D floats), as one vector. */
// @ts-ignore: decorator
@inline function dot4keys(q: usize, k0: usize, rs: usize, D: i32): v128 {
  const k1 = k0 + rs, k2 = k1 + rs, k3 = k2 + rs;
  let a0 = fsplat(0), a1 = a0, a2 = a0, a3 = a0;
  let d = 0;
  for (; d + 4 <= D; d += 4) {
    const p = <usize>d << 2, qv = v128.load(q + p);
    a0 = f32x4.add(a0, f32x4.mul(qv, v128.load(k0 + p)));
    a1 = f32x4.add(a1, f32x4.mul(qv, v128.load(k1 + p)));
    a2 = f32x4.add(a2, f32x4.mul(qv, v128.load(k2 + p)));
    a3 = f32x4.add(a3, f32x4.mul(qv, v128.load(k3 + p)));
  }
  const s01 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  let s = f32x4.add(v128.shuffle<f32>(s01, s23, 0, 1, 4, 5), v128.shuffle<f32>(s01, s23, 2, 3, 6, 7));
  for (; d < D; d++) {
    const p = <usize>d << 2, qs = load<f32>(q + p);
    s = f32x4.add(s, f32x4(qs * load<f32>(k0 + p), qs * load<f32>(k1 + p), qs * load<f32>(k2 + p), qs * load<f32>(k3 + p)));
  }
  return s;
}

export function decodeAttention(q: usize, k: usize, v: usize, out: usize, w: usize, heads: i32, kvHeads: i32, headDim: i32, length: i32, rowStride: i32, scale: f32): void {
  const group = heads / kvHeads, rs = <usize>rowStride << 2, D = headDim;
  const padded = (length + 3) & ~3;
  const sv4 = fsplat(scale);
  for (let h = 0; h < heads; h++) {
    const qp = q + (<usize>(h * D) << 2), go = <usize>((h / group) * D) << 2, op = out + (<usize>(h * D) << 2);
    // scores, four keys at a time
    let mv = fsplat(-Infinity);
    let j = 0;
    for (; j + 4 <= length; j += 4) {
      const s = f32x4.mul(dot4keys(qp, k + <usize>j * rs + go, rs, D), sv4);
      v128.store(w + (<usize>j << 2), s);
      mv = f32x4.max(mv, s);
    }
    let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < length; j++) {
      const s = dot(qp, k + <usize>j * rs + go, D) * scale;
      store<f32>(w + (<usize>j << 2), s);
      m = max(m, s);
    }
    for (j = length; j < padded; j++) store<f32>(w + (<usize>j << 2), -Infinity);
    // softmax weights (unnormalised) and their sum
    const mm = fsplat(m);
    let sv = fsplat(0);
    for (j = 0; j < padded; j += 4) {
      const p = w + (<usize>j << 2);
      const e = vexpNonPos(f32x4.sub(v128.load(p), mm));
      v128.store(p, e);
      sv = f32x4.add(sv, e);
    }
    const iv = fsplat(<f32>1 / hsum(sv));
    // out = Σ_j w_j v_j / Σ w: 16 features at a time held in registers over all keys
    let d = 0;
    for (; d + 16 <= D; d += 16) {
      const vb = v + go + (<usize>d << 2);
      let a0 = fsplat(0), a1 = a0, a2 = a0, a3 = a0;
      for (j = 0; j < length; j++) {
        const e = fsplat(load<f32>(w + (<usize>j << 2))), vp = vb + <usize>j * rs;
        a0 = f32x4.add(a0, f32x4.mul(e, v128.load(vp)));
        a1 = f32x4.add(a1, f32x4.mul(e, v128.load(vp, 16)));
        a2 = f32x4.add(a2, f32x4.mul(e, v128.load(vp, 32)));
        a3 = f32x4.add(a3, f32x4.mul(e, v128.load(vp, 48)));
      }
      const o = op + (<usize>d << 2);
      v128.store(o, f32x4.mul(a0, iv)); v128.store(o, f32x4.mul(a1, iv), 16);
      v128.store(o, f32x4.mul(a2, iv), 32); v128.store(o, f32x4.mul(a3, iv), 48);
    }
    for (; d + 4 <= D; d += 4) {
      const vb = v + go + (<usize>d << 2);
      let a = fsplat(0);
      for (j = 0; j < length; j++) a = f32x4.add(a, f32x4.mul(fsplat(load<f32>(w + (<usize>j << 2))), v128.load(vb + <usize>j * rs)));
      v128.store(op + (<usize>d << 2), f32x4.mul(a, iv));
    }
    for (; d < D; d++) {
      const vb = v + go + (<usize>d << 2);
      let a: f32 = 0;
      for (j = 0; j < length; j++) a += load<f32>(w + (<usize>j << 2)) * load<f32>(vb + <usize>j * rs);
      store<f32>(op + (<usize>d << 2), a * f32x4.extract_lane(iv, 0));
    }
  }
}
