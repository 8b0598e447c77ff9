// eg.quant.codebook: JLCM-style shared codebooks. Rows (neurons) are normalised by their RMS,
// ordered by a distribution statistic (kurtosis: how heavy the tails are) and cut into groups of
// similar rows; each group uses one of a few shared 2^bits-entry codebooks. Row scales,
// codes, codebooks and the group -> codebook assignment are then refined jointly by block
// coordinate descent on the reconstruction error Σ (w − s_r·c_q[code])², each step an exact
// minimisation (Lloyd's two, the scales, the assignment), so the error never increases.
// This is quantisation-time work on the host in float64; the result is a table-lookup weight
// (lut-layout.ts) that quant.linear runs with the `lut` kernel on the weight's backend.
import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import { scope } from '../memory.js';
import { Key, philox } from '../random.js';
import { QuantizedTensor } from './qtensor.js';
import { LutWeights, packCodes, packTables, type LutBits } from './lut-layout.js';

export interface CodebookOptions {
  bits: LutBits;
  /** Groups of similarly distributed rows (default min(rows, 16)). */
  groups?: number;
  /** Shared codebooks (default min(groups, 4)). */
  codebooks?: number;
  /** Refinement iterations (default 10). */
  iterations?: number;
  key: Key;
  /** [out, in], when w is a Float32Array. */
  shape?: readonly number[];
}

/** Values k-means++ seeds each codebook from. */
const SEED_SAMPLE = 4096;
/** Projected refinement rounds after the codebooks are rounded to int8. */
const INT8_ROUNDS = 4;

export class CodebookQuantized extends QuantizedTensor {
  readonly bitWidth: LutBits;
  /** @internal */
  readonly lut: LutWeights;
  /** Group of each row (groups are runs of rows sorted by kurtosis). */
  readonly rowGroup: Int32Array;
  /** Codebook of each group. */
  readonly groupCodebook: Int32Array;
  /** Mean squared reconstruction error after seeding and after each iteration (float64 codebooks). */
  readonly history: readonly number[];
  /** Mean squared error of the stored weight (int8 codebooks, float32 row scales). */
  readonly mse: number;

  /** @internal use eg.quant.codebook */
  constructor(lut: LutWeights, rowGroup: Int32Array, groupCodebook: Int32Array, history: number[], mse: number) {
    super('codebook', lut.shape, lut.codes, lut.byteLength);
    this.bitWidth = lut.bits;
    this.lut = lut;
    this.rowGroup = rowGroup;
    this.groupCodebook = groupCodebook;
    this.history = Object.freeze(history);
    this.mse = mse;
  }

  /** Bits per code (row scales, ids and codebooks not counted). */
  override get bits(): number { return this.bitWidth; }
  get groups(): number { return this.groupCodebook.length; }
  override dequantize(): Tensor { return this.lut.decode(); }
  override lutLinear(x: Tensor): Tensor { return this.lut.linear(x); }
  override dispose(): void { this.lut.dispose(); }
  override toString(): string { return `QuantizedTensor(codebook ${this.bitWidth}-bit ${this.groups} groups ${fmtShape(this.shape)} on ${this.packed.device})`; }
}

const positiveInt = (op: string, name: string, v: unknown, max: number, fix: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
    throw new EdgegradError(op, `${name} must be an integer in 1 … ${max}, got ${String(v)}`, fix);
  return v;
};

/** Index of the entry of sorted c (L entries) nearest to v. */
function nearest(c: Float64Array, L: number, v: number): number {
  let lo = 0, hi = L - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (v > (c[mid] + c[mid + 1]) / 2) lo = mid + 1; else hi = mid; }
  return lo;
}

export function codebook(w: Tensor | Float32Array, opts: CodebookOptions): CodebookQuantized {
  const op = 'quant.codebook';
  const o2 = opts ?? ({} as CodebookOptions);
  const { bits, iterations = 10, key } = o2;
  let x: Float32Array, shape: readonly number[];
  if (w instanceof Tensor) {
    if (w.dtype !== 'float32') throw new EdgegradError(op, `w must be float32, got ${w.dtype}`, "Cast with .cast('float32')");
    shape = w.shape;
    if (!w.live(op).backend.readSync) throw new EdgegradError(op, `w lives on ${w.device}, and codebooks are learned on the host`, 'Pass await w.data() with { shape: w.shape }');
    x = engine.readSync(w.live(op), op) as Float32Array;
  } else if (w instanceof Float32Array) {
    x = w;
    shape = o2.shape ?? [];
    if (shape.length !== 2 || shape[0] * shape[1] !== w.length) throw new EdgegradError(op, `a Float32Array of ${w.length} needs its [out, in] shape, got ${fmtShape(shape)}`, 'Pass { shape: [out, in] }');
  } else throw new EdgegradError(op, `w must be a float32 Tensor or Float32Array, got ${w === null ? 'null' : typeof w}`, 'Pass the [out, in] weight');
  if (shape.length !== 2 || !(shape[0] > 0 && shape[1] > 0)) throw new EdgegradError(op, `w must be a non-empty [out, in] matrix, got ${fmtShape(shape)}`, 'Reshape the weight to 2-D');
  if (![1, 2, 3, 4].includes(bits as number)) throw new EdgegradError(op, `bits must be 1, 2, 3 or 4, got ${String(bits)}`, 'Codebooks index 16-entry tables: use 4 bits or fewer');
  if (!(key instanceof Key)) throw new EdgegradError(op, 'key must be an eg.random.key', 'Pass key: eg.random.key(seed)');
  const [n, k] = shape, L = 2 ** bits;
  const G = positiveInt(op, 'groups', o2.groups ?? Math.min(n, 16), n, `groups > rows: use at most ${n} groups for ${fmtShape(shape)}`);
  const C = positiveInt(op, 'codebooks', o2.codebooks ?? Math.min(G, 4), G, `Use at most one codebook per group (${G})`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new EdgegradError(op, `iterations must be a non-negative integer, got ${String(iterations)}`, 'Pass e.g. 10');

  let counter = 0;
  const rand = () => philox(key, counter++, 0xc0de)[0] / 2 ** 32;

  // rows: RMS scales and kurtosis, sorted into groups
  const s = new Float64Array(n), kurt = new Float64Array(n), ww = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let m2 = 0, m4 = 0;
    for (let j = r * k; j < r * k + k; j++) { const v = x[j] * x[j]; m2 += v; m4 += v * v; }
    ww[r] = m2;
    s[r] = m2 > 0 ? Math.sqrt(m2 / k) : 1;
    kurt[r] = m2 > 0 ? (m4 / k) / (m2 / k) ** 2 : 0;
  }
  const order = Array.from({ length: n }, (_, r) => r).sort((a, b) => kurt[a] - kurt[b] || a - b);
  const rowGroup = new Int32Array(n), groupRows: number[][] = Array.from({ length: G }, () => []);
  order.forEach((r, i) => { const g = Math.floor((i * G) / n); rowGroup[r] = g; groupRows[g].push(r); });
  // groups are in kurtosis order, so neighbouring groups start on the same codebook
  const groupCb = Int32Array.from({ length: G }, (_, g) => Math.floor((g * C) / G));

  // k-means++ seeds per codebook from its rows' normalised values
  const c = Array.from({ length: C }, () => new Float64Array(L));
  for (let q = 0; q < C; q++) {
    const rows = groupRows.flatMap((rs, g) => (groupCb[g] === q ? rs : []));
    const sample = Float64Array.from({ length: Math.min(SEED_SAMPLE, rows.length * k) }, () => {
      const r = rows[Math.floor(rand() * rows.length)];
      return x[r * k + Math.floor(rand() * k)] / s[r];
    });
    const d2 = new Float64Array(sample.length).fill(Infinity);
    for (let l = 0; l < L; l++) {
      let pick = Math.floor(rand() * sample.length);
      if (l > 0) {
        let tot = 0;
        for (let i = 0; i < sample.length; i++) tot += d2[i];
        let t = rand() * tot;
        for (let i = 0; i < sample.length; i++) { t -= d2[i]; if (t <= 0 && d2[i] > 0) { pick = i; break; } }
      }
      c[q][l] = sample[pick];
      for (let i = 0; i < sample.length; i++) d2[i] = Math.min(d2[i], (sample[i] - c[q][l]) ** 2);
    }
  }
  const codes = new Uint8Array(n * k);
  const sortBooks = () => { for (const cb of c) cb.sort(); };

  /** Codes of row r against codebook cb at scale s[r] (written if `write`); returns the error. */
  const assignRow = (r: number, cb: Float64Array, write: boolean): number => {
    const sr = s[r];
    let e = 0;
    for (let j = r * k; j < r * k + k; j++) {
      const l = sr !== 0 ? nearest(cb, L, x[j] / sr) : 0;
      e += (x[j] - sr * cb[l]) ** 2;
      if (write) codes[j] = l;
    }
    return e;
  };
  /** Each group takes the codebook that fits it best, and its rows their nearest codes. */
  const assign = (): number => {
    sortBooks();
    let total = 0;
    for (let g = 0; g < G; g++) {
      if (C > 1) {
        let best = groupCb[g], bestE = Infinity;
        for (let q = 0; q < C; q++) {
          let e = 0;
          for (const r of groupRows[g]) e += assignRow(r, c[q], false);
          if (e < bestE) { bestE = e; best = q; }
        }
        groupCb[g] = best;
      }
      for (const r of groupRows[g]) total += assignRow(r, c[groupCb[g]], true);
    }
    return total;
  };
  /** Lloyd's centroid step with the row scales as weights: c = Σ s·w / Σ s² per cell. */
  const centroids = (): void => {
    const num = Array.from({ length: C }, () => new Float64Array(L)), den = Array.from({ length: C }, () => new Float64Array(L));
    for (let r = 0; r < n; r++) {
      const q = groupCb[rowGroup[r]], sr = s[r];
      for (let j = r * k; j < r * k + k; j++) { num[q][codes[j]] += sr * x[j]; den[q][codes[j]] += sr * sr; }
    }
    for (let q = 0; q < C; q++) for (let l = 0; l < L; l++) if (den[q][l] > 0) c[q][l] = num[q][l] / den[q][l];
  };
  /** Least-squares row scales; returns the error they leave (Σw² − (Σ w·c)² / Σ c² per row). */
  const scales = (): number => {
    let total = 0;
    for (let r = 0; r < n; r++) {
      const cb = c[groupCb[rowGroup[r]]];
      let wc = 0, cc = 0;
      for (let j = r * k; j < r * k + k; j++) { const v = cb[codes[j]]; wc += x[j] * v; cc += v * v; }
      if (cc > 0) { s[r] = wc / cc; total += Math.max(0, ww[r] - (wc * wc) / cc); }
      else total += assignRow(r, cb, false);
    }
    return total;
  };

  const history = [assign() / (n * k)];
  for (let it = 0; it < iterations; it++) {
    if (it > 0) assign();
    centroids();
    history.push(scales() / (n * k));
  }

  // store: each codebook as int8 times its scale (folded into the row scales), then a few
  // projected rounds (centroid step rounded to the int8 grid, assignment, scales) kept only
  // while they lower the error
  sortBooks();
  for (let q = 0; q < C; q++) {
    const amax = c[q].reduce((a, v) => Math.max(a, Math.abs(v)), 0), t = amax > 0 ? amax / 127 : 1;
    for (let l = 0; l < L; l++) c[q][l] = Math.round(c[q][l] / t);
    for (let r = 0; r < n; r++) if (groupCb[rowGroup[r]] === q) s[r] *= t;
  }
  assign();
  let err = scales();
  for (let round = 0; round < INT8_ROUNDS; round++) {
    const saved = { c: c.map((b) => b.slice()), s: s.slice(), codes: codes.slice(), groupCb: groupCb.slice() };
    centroids();
    for (const b of c) for (let l = 0; l < L; l++) b[l] = Math.max(-127, Math.min(127, Math.round(b[l])));
    assign();
    const e = scales();
    if (e < err) { err = e; continue; }
    saved.c.forEach((b, q) => c[q].set(b)); s.set(saved.s); codes.set(saved.codes); groupCb.set(saved.groupCb);
    break;
  }
  const tables = new Int8Array(16 * C);
  for (let q = 0; q < C; q++) for (let l = 0; l < L; l++) tables[16 * q + l] = c[q][l];
  const rowScale = Float32Array.from(s), ids = new Int32Array(n);
  let mse = 0;
  for (let r = 0; r < n; r++) {
    ids[r] = groupCb[rowGroup[r]];
    for (let j = r * k; j < r * k + k; j++) mse += (x[j] - rowScale[r] * tables[16 * ids[r] + codes[j]]) ** 2;
  }
  mse /= n * k;

  const lut = scope(() => new LutWeights([n, k], bits, k, packCodes(tensor(Float32Array.from(codes), [n, k]), bits), packTables(tables), tensor(ids, [n]), tensor(rowScale, [n])));
  return new CodebookQuantized(lut, rowGroup, Int32Array.from(groupCb), history, mse);
}
