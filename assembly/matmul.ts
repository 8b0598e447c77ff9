// Batched f32 GEMM, out[b] = op(A[b]) · op(B[b]), in the Goto/BLIS arrangement:
// B is packed in KC×NC blocks of NR-wide column panels, A in MC×KC blocks of MR-tall row
// panels, and an MR×NR register-blocked micro-kernel (MR·NR/4 f32x4 accumulators,
// A broadcast with load32_splat, B loaded as whole vectors) runs over the packed blocks.
// Transposes only change how the packing reads memory. Edges are zero-padded in the
// packs, so the micro-kernel always runs full tiles and only the store is clipped.
import { fma } from './vmath';
import { TLS_BASE } from './scratch';

// 5x8: 10 accumulators + 2 B vectors + the A broadcast + a product temporary fit the 15
// xmm registers V8 allocates on x64; 6x8 spills without FMA. With relaxed FMA there is no
// temporary, and 6x8 fits: 12 FMAs per depth step against 8 loads and ~9 other
// instructions, so the two FMA pipes, not the front end, bound it.
const MR = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
const NR = 8;
const KC = 256, MC = 120, NC = 2048;

/** Bytes of the two pack buffers the host must pass to matmul. */
export function matmulPackABytes(): i32 { return MC * KC * 4; }
export function matmulPackBBytes(): i32 { return KC * NC * 4; }

const TILE: usize = memory.data(MR * NR * 4, 16) + TLS_BASE;

/** dst[p*W + l] = src[l*ls + p*ds] for l < w, zero for w <= l < W; p < kc. Strides in elements. */
function packPanel(dst: usize, src: usize, ls: i32, ds: i32, W: i32, w: i32, kc: i32): void {
  const dsb = <usize>ds << 2, lsb = <usize>ls << 2, wb = <usize>W << 2;
  if (w == W && ls == 1) {
    // each depth step is W contiguous floats
    for (let p = 0; p < kc; p++) {
      const s = src + <usize>p * dsb, d = dst + <usize>p * wb;
      let l = 0;
      for (; l + 4 <= W; l += 4) v128.store(d + (<usize>l << 2), v128.load(s + (<usize>l << 2)));
      for (; l + 2 <= W; l += 2) store<u64>(d + (<usize>l << 2), load<u64>(s + (<usize>l << 2)));
      for (; l < W; l++) store<f32>(d + (<usize>l << 2), load<f32>(s + (<usize>l << 2)));
    }
    return;
  }
  if (w == W && ds == 1) {
    // each lane is contiguous along depth: 4x4 transposes
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      let l = 0;
      for (; l + 4 <= W; l += 4) {
        const s = src + <usize>l * lsb + (<usize>p << 2);
        const r0 = v128.load(s), r1 = v128.load(s + lsb), r2 = v128.load(s + 2 * lsb), r3 = v128.load(s + 3 * lsb);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const d = dst + <usize>p * wb + (<usize>l << 2);
        v128.store(d, i64x2.shuffle(t0, t2, 0, 2));
        v128.store(d + wb, i64x2.shuffle(t0, t2, 1, 3));
        v128.store(d + 2 * wb, i64x2.shuffle(t1, t3, 0, 2));
        v128.store(d + 3 * wb, i64x2.shuffle(t1, t3, 1, 3));
      }
      for (; l + 2 <= W; l += 2) {
        const s = src + <usize>l * lsb + (<usize>p << 2);
        const r0 = v128.load(s), r1 = v128.load(s + lsb);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const d = dst + <usize>p * wb + (<usize>l << 2);
        v128.store64_lane(d, t0, 0);
        v128.store64_lane(d + wb, t0, 1);
        v128.store64_lane(d + 2 * wb, t1, 0);
        v128.store64_lane(d + 3 * wb, t1, 1);
      }
      for (; l < W; l++) {
        const v = v128.load(src + <usize>l * lsb + (<usize>p << 2));
        const d = dst + <usize>p * wb + (<usize>l << 2);
        v128.store32_lane(d, v, 0);
        v128.store32_lane(d + wb, v, 1);
        v128.store32_lane(d + 2 * wb, v, 2);
        v128.store32_lane(d + 3 * wb, v, 3);
      }
    }
    for (; p < kc; p++)
      for (let l = 0; l < W; l++) store<f32>(dst + <usize>p * wb + (<usize>l << 2), load<f32>(src + <usize>l * lsb + (<usize>p << 2)));
    return;
  }
  for (let p = 0; p < kc; p++) {
    const d = dst + <usize>p * wb;
    for (let l = 0; l < W; l++)
      store<f32>(d + (<usize>l << 2), l < w ? load<f32>(src + <usize>l * lsb + <usize>p * dsb) : 0);
  }
}

/** C[0:mr, 0:nr] (+)= Apanel · Bpanel over kc; ldc in bytes. */
function micro(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, accumulate: bool, mr: i32, nr: i32): void {
  const zero = f32x4.splat(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero;
  let c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero;
  let b0: v128, b1: v128, a: v128;
  // One depth step per trip. Unrolled, V8's scheduler hoists every load of the trip ahead
  // of the arithmetic (loads are on the effect chain, the math floats down to its uses),
  // which needs more than the 15 allocatable xmm registers and spills accumulators to the
  // stack each trip (measured in --print-wasm-code: 21 stack accesses per trip at 5x8x2 and
  // 28 at 6x8x2 with FMA, none at 5x8x1 and one at 6x8x1).
  // the loop runs on the A pointer: a counter would take one more of the few free GPRs
  const end = pa + <usize>(kc * MR * 4);
  for (; pa < end; pa += MR * 4, pb += NR * 4) {
    b0 = v128.load(pb); b1 = v128.load(pb, 16);
    a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = fma(a, b0, c40); c41 = fma(a, b1, c41);
    if (MR > 5) {
      a = v128.load32_splat(pa, 20);
      c50 = fma(a, b0, c50); c51 = fma(a, b1, c51);
    }
  }
  if (mr == MR && nr == NR) {
    if (accumulate) {
      c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c + 1 * ldc)); c11 = f32x4.add(c11, v128.load(c + 1 * ldc, 16));
      c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
      c40 = f32x4.add(c40, v128.load(c + 4 * ldc)); c41 = f32x4.add(c41, v128.load(c + 4 * ldc, 16));
      if (MR > 5) { c50 = f32x4.add(c50, v128.load(c + 5 * ldc)); c51 = f32x4.add(c51, v128.load(c + 5 * ldc, 16)); }
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(c + 1 * ldc, c10); v128.store(c + 1 * ldc, c11, 16);
    v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
    v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
    v128.store(c + 4 * ldc, c40); v128.store(c + 4 * ldc, c41, 16);
    if (MR > 5) { v128.store(c + 5 * ldc, c50); v128.store(c + 5 * ldc, c51, 16); }
    return;
  }
  v128.store(TILE, c00, 0); v128.store(TILE, c01, 16);
  v128.store(TILE, c10, 32); v128.store(TILE, c11, 48);
  v128.store(TILE, c20, 64); v128.store(TILE, c21, 80);
  v128.store(TILE, c30, 96); v128.store(TILE, c31, 112);
  v128.store(TILE, c40, 128); v128.store(TILE, c41, 144);
  if (MR > 5) { v128.store(TILE, c50, 160); v128.store(TILE, c51, 176); }
  for (let i = 0; i < mr; i++) {
    const row = c + <usize>i * ldc, t = TILE + <usize>(i * NR * 4);
    for (let j = 0; j < nr; j++) {
      const q = row + (<usize>j << 2);
      const v = load<f32>(t + (<usize>j << 2));
      store<f32>(q, accumulate ? load<f32>(q) + v : v);
    }
  }
}

/** Packs op(B)'s block (jc, pc) into dst: ceil(nc/NR) panels of NR columns × kc depth steps. */
function packBBlock(dst: usize, b: usize, jc: i32, pc: i32, nc: i32, kc: i32, bk: i32, bj: i32): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const src = b + (<usize>(pc * bk + (jc + jr) * bj) << 2);
    packPanel(dst + <usize>(jr * kc) * 4, src, bj, bk, NR, min(NR, nc - jr), kc);
  }
}

/** Float offset of block (jc, pc) in a whole-matrix pack: the blocks before jc are NC wide. */
@inline function blockOffset(jc: i32, pc: i32, nc: i32, k: i32): usize {
  return <usize>jc * <usize>k + <usize>pc * <usize>((nc + NR - 1) & ~(NR - 1));
}

/** Rows [i0, i1) of out = op(A) · op(B); each output element sums in the same order whatever the range. */
function gemm(a: usize, b: usize, out: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, packA: usize, packB: usize, packedB: usize, i0: i32 = 0, i1: i32 = m): void {
  // element strides of op(A) as [m, k] and op(B) as [k, n]
  const ai = transA ? 1 : k, ak = transA ? m : 1;
  const bk = transB ? 1 : n, bj = transB ? k : 1;
  const ldc = <usize>n << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      let pbBlock = packB;
      if (packedB) pbBlock = packedB + (blockOffset(jc, pc, nc, k) << 2);
      else packBBlock(packB, b, jc, pc, nc, kc, bk, bj);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        for (let ir = 0; ir < mc; ir += MR) {
          const src = a + (<usize>((ic + ir) * ai + pc * ak) << 2);
          packPanel(packA + <usize>(ir * kc) * 4, src, ai, ak, MR, min(MR, mc - ir), kc);
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = pbBlock + <usize>(jr * kc) * 4;
          const nr = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const c = out + <usize>(ic + ir) * ldc + (<usize>(jc + jr) << 2);
            micro(kc, packA + <usize>(ir * kc) * 4, pb, c, ldc, pc > 0, min(MR, mc - ir), nr);
          }
        }
      }
    }
  }
}

// A weight matrix used again and again is packed once: the host keeps the whole-matrix pack
// (every (jc, pc) block, in gemm's order) while the storage is unchanged and passes it back.

/** Bytes of the whole-matrix pack of op(B) ([k, n]). */
export function matmulPackedBBytes(n: i32, k: i32): i32 { return k * ((n + NR - 1) & ~(NR - 1)) * 4; }

/** Packs all of op(B) into dst (matmulPackedBBytes long) for later matmul calls. */
export function matmulPackB(b: usize, n: i32, k: i32, transB: bool, dst: usize): void {
  const bk = transB ? 1 : n, bj = transB ? k : 1;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC)
      packBBlock(dst + (blockOffset(jc, pc, nc, k) << 2), b, jc, pc, nc, min(KC, k - pc), bk, bj);
  }
}

/** Matrix-vector shapes stream the matrix instead (gemvDot / gemvAxpy below). */
@inline function isGemm(m: i32, n: i32): bool { return !(m == 1 && n >= 8) && !(n == 1 && m >= 8); }

/** A shared B with a contiguous batch of A is one tall GEMM of this many rows. */
@inline function foldsBatch(batch: i32, m: i32, k: i32, transA: bool, aBatchStride: i32, bBatchStride: i32): bool {
  return batch > 1 && bBatchStride == 0 && !transA && aBatchStride == m * k;
}

/** Whether matmul with these params would use a whole-matrix pack of B (one B, GEMM shapes). */
export function matmulPacksB(batch: i32, m: i32, n: i32, k: i32, transA: bool, aBatchStride: i32, bBatchStride: i32): bool {
  if (k == 0 || (batch > 1 && bBatchStride != 0)) return false;
  return isGemm(foldsBatch(batch, m, k, transA, aBatchStride, bBatchStride) ? m * batch : m, n);
}

// Matrix-vector products stream the matrix once; the GEMM path would pack it and pad
// the single row or column to a full MR×NR tile.

/** out[i] = dot(M[i, :], x) for `rows` contiguous rows of length k, row stride ld (elements). */
function gemvDot(mat: usize, ld: i32, x: usize, out: usize, rows: i32, k: i32): void {
  for (let i = 0; i < rows; i++) {
    const r = mat + (<usize>(i * ld) << 2);
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let p = 0;
    for (; p + 16 <= k; p += 16) {
      const q = <usize>p << 2;
      s0 = fma(v128.load(r + q), v128.load(x + q), s0);
      s1 = fma(v128.load(r + q, 16), v128.load(x + q, 16), s1);
      s2 = fma(v128.load(r + q, 32), v128.load(x + q, 32), s2);
      s3 = fma(v128.load(r + q, 48), v128.load(x + q, 48), s3);
    }
    for (; p + 4 <= k; p += 4) s0 = fma(v128.load(r + (<usize>p << 2)), v128.load(x + (<usize>p << 2)), s0);
    const s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
    let t = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
    for (; p < k; p++) t += load<f32>(r + (<usize>p << 2)) * load<f32>(x + (<usize>p << 2));
    store<f32>(out + (<usize>i << 2), t);
  }
}

/** out[0:n] = sum_p x[p] · M[p, 0:n] over k rows of stride ld (elements). */
function gemvAxpy(mat: usize, ld: i32, x: usize, out: usize, n: i32, k: i32): void {
  memory.fill(out, 0, <usize>n << 2);
  for (let p = 0; p < k; p++) {
    const r = mat + (<usize>(p * ld) << 2);
    const xs = load<f32>(x + (<usize>p << 2));
    const xv = f32x4.splat(xs);
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const q = <usize>j << 2;
      v128.store(out + q, fma(xv, v128.load(r + q), v128.load(out + q)));
      v128.store(out + q, fma(xv, v128.load(r + q, 16), v128.load(out + q, 16)), 16);
    }
    for (; j + 4 <= n; j += 4) {
      const q = <usize>j << 2;
      v128.store(out + q, fma(xv, v128.load(r + q), v128.load(out + q)));
    }
    for (; j < n; j++) { const q = <usize>j << 2; store<f32>(out + q, load<f32>(out + q) + xs * load<f32>(r + q)); }
  }
}

function product(a: usize, b: usize, out: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, packA: usize, packB: usize, packedB: usize): void {
  if (!isGemm(m, n)) {
    if (m == 1 && n >= 8) {
      if (transB) gemvDot(b, k, a, out, n, k); else gemvAxpy(b, n, a, out, n, k);
    } else {
      if (transA) gemvAxpy(a, m, b, out, m, k); else gemvDot(a, k, b, out, m, k);
    }
  } else gemm(a, b, out, m, n, k, transA, transB, packA, packB, packedB);
}

export function matmul(a: usize, b: usize, out: usize, batch: i32, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, aBatchStride: i32, bBatchStride: i32, packA: usize, packB: usize, packedB: usize): void {
  if (k == 0) { memory.fill(out, 0, <usize>batch * <usize>m * <usize>n * 4); return; }
  if (foldsBatch(batch, m, k, transA, aBatchStride, bBatchStride)) { m *= batch; batch = 1; }
  for (let t = 0; t < batch; t++) {
    product(a + (<usize>(t * aBatchStride) << 2), b + (<usize>(t * bBatchStride) << 2),
      out + <usize>t * <usize>m * <usize>n * 4, m, n, k, transA, transB, packA, packB, packedB);
  }
}

/** How many units matmulRange splits a product (batch 1) into: its output columns when it is a
 *  row vector times a matrix (streamed, not packed), else its output rows. */
export function matmulRangeUnits(m: i32, n: i32): i32 { return m == 1 && !isGemm(m, n) ? n : m; }

/** One product (batch 1) over units [r0, r1) of its output (see matmulRangeUnits). The threaded
 *  host gives each thread a range; every output element sums in the same order as in matmul. */
export function matmulRange(a: usize, b: usize, out: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  r0: i32, r1: i32, packA: usize, packB: usize, packedB: usize): void {
  if (r0 >= r1) return;
  const byCols = m == 1 && !isGemm(m, n);
  if (k == 0) { const u: usize = byCols ? 4 : <usize>n * 4; memory.fill(out + <usize>r0 * u, 0, <usize>(r1 - r0) * u); return; }
  if (isGemm(m, n)) { gemm(a, b, out, m, n, k, transA, transB, packA, packB, packedB, r0, r1); return; }
  const w = r1 - r0, o = <usize>r0 << 2;
  if (byCols) {
    if (transB) gemvDot(b + <usize>r0 * <usize>k * 4, k, a, out + o, w, k); else gemvAxpy(b + o, n, a, out + o, w, k);
  } else {
    if (transA) gemvAxpy(a + o, m, b, out + o, w, k); else gemvDot(a + <usize>r0 * <usize>k * 4, k, b, out + o, w, k);
  }
}
