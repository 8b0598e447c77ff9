// Block coordinate descent (Nutini et al., "Let's make block coordinate descent go fast"),
// in float64 on the host: A and b are read once, the residual r = Ax − b is kept up to date
// per block, and the greedy rules price every block from the full gradient Aᵀ(·) each step.
//   leastSquares  ½‖Ax − b‖² + (λ/2)‖x‖²      exact block minimisation
//   logistic      Σ log(1 + exp(−bᵢaᵢᵀx)) + (λ/2)‖x‖²   step on the quadratic majoriser ¼A_bᵀA_b + λI
//   lasso         ½‖Ax − b‖² + λ‖x‖₁         proximal step with L_b = λmax(A_bᵀA_b)
// Every update minimises a majoriser of the objective on its block, so the objective
// never increases. Rules: cyclic, random (uniform, from `key`), gs (largest ‖g_b‖), gsl
// (largest ‖g_b‖/√L_b), gsq (largest g_bᵀH_b⁻¹g_b, H_b the block's update matrix).
import { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import * as random from '../random.js';
import { eighHost } from '../linalg/eigh.js';

export interface BCDProblem { kind: 'leastSquares' | 'logistic' | 'lasso'; A: Tensor | number[][]; b: Tensor | ArrayLike<number>; lambda?: number }
export interface BCDOptions { rule?: 'cyclic' | 'random' | 'gs' | 'gsl' | 'gsq'; blockSize?: number; maxIter?: number; tol?: number; key?: random.Key }
export interface BCDResult { x: Tensor; objective: number[]; iterations: number; converged: boolean }

const RULES = ['cyclic', 'random', 'gs', 'gsl', 'gsq'];

/** Cholesky factor (lower, row-major) of a small SPD matrix, or null when it is not. */
function cholesky(M: Float64Array, d: number): Float64Array | null {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
    let s = M[i * d + j];
    for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
    if (i === j) { if (!(s > 0)) return null; L[i * d + i] = Math.sqrt(s); } else L[i * d + j] = s / L[j * d + j];
  }
  return L;
}
function cholSolve(L: Float64Array, d: number, rhs: Float64Array): Float64Array {
  const y = Float64Array.from(rhs);
  for (let i = 0; i < d; i++) { for (let k = 0; k < i; k++) y[i] -= L[i * d + k] * y[k]; y[i] /= L[i * d + i]; }
  for (let i = d - 1; i >= 0; i--) { for (let k = i + 1; k < d; k++) y[i] -= L[k * d + i] * y[k]; y[i] /= L[i * d + i]; }
  return y;
}

const log1pexp = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

async function hostMatrix(op: string, A: Tensor | number[][], b: Tensor | ArrayLike<number>) {
  let a: Float64Array, m: number, n: number;
  if (A instanceof Tensor) {
    if (A.rank !== 2) throw new EdgegradError(op, `A must be a matrix [m, n], got ${fmtShape(A.shape)}`, 'Pass a 2-D tensor');
    [m, n] = A.shape; a = Float64Array.from(await A.data());
  } else if (Array.isArray(A)) {
    m = A.length; n = m ? A[0].length : 0; a = Float64Array.from(A.flat());
    if (a.length !== m * n) throw new EdgegradError(op, 'A has rows of different lengths', 'Pass a rectangular array');
  } else throw new EdgegradError(op, 'A must be a Tensor or an array of rows', 'Pass eg.tensor(...)');
  const bv = b instanceof Tensor ? Float64Array.from(await b.data()) : Float64Array.from(b as ArrayLike<number>);
  if (bv.length !== m || (b instanceof Tensor && b.rank !== 1)) throw new EdgegradError(op, `b must be a vector of ${m} entries (the rows of A), got ${b instanceof Tensor ? fmtShape(b.shape) : bv.length}`, 'Pass b [m]');
  if ([...a, ...bv].some((v) => !Number.isFinite(v))) throw new EdgegradError(op, 'A or b contains NaN or infinite values', 'Clean the data first');
  return { a, bv, m, n };
}

export async function bcd(problem: BCDProblem, opts: BCDOptions = {}): Promise<BCDResult> {
  const op = 'optim.bcd';
  const kind = problem?.kind;
  if (kind !== 'leastSquares' && kind !== 'logistic' && kind !== 'lasso') throw new EdgegradError(op, `unknown problem kind '${String(kind)}'`, "Use 'leastSquares', 'logistic' or 'lasso'");
  const lambda = problem.lambda ?? 0;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new EdgegradError(op, `lambda must be a finite number >= 0, got ${lambda}`, 'Pass { lambda: 0.1 } or leave it out');
  const rule = opts.rule ?? 'cyclic';
  if (!RULES.includes(rule)) throw new EdgegradError(op, `unknown rule '${rule}'`, `Use one of ${RULES.join(', ')}`);
  const { a, bv, m, n } = await hostMatrix(op, problem.A, problem.b);
  const bs = opts.blockSize ?? 1;
  if (!(Number.isInteger(bs) && bs >= 1 && bs <= n)) throw new EdgegradError(op, `blockSize must be an integer in 1..${n}, got ${bs}`, 'Pass a block size no larger than the number of unknowns');
  if (kind === 'logistic' && bv.some((v) => v !== 1 && v !== -1)) throw new EdgegradError(op, 'logistic labels b must be -1 or 1', 'Map labels {0, 1} to {-1, 1}');
  const maxIter = opts.maxIter ?? 1000, tol = opts.tol ?? 1e-6;

  // blocks: contiguous index ranges; per block its update matrix H_b (Cholesky) and L_b
  const nb = Math.ceil(n / bs);
  const blocks = Array.from({ length: nb }, (_, k) => { const s = k * bs; return { s, d: Math.min(bs, n - s) }; });
  const curv = kind === 'logistic' ? 0.25 : 1;
  const chol: (Float64Array | null)[] = [], Lb: number[] = [];
  for (const { s, d } of blocks) {
    const H = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let v = 0;
      for (let r = 0; r < m; r++) v += a[r * n + s + i] * a[r * n + s + j];
      H[i * d + j] = curv * v + (kind === 'lasso' ? 0 : i === j ? lambda : 0);
    }
    const L = eighHost(Float64Array.from(H), d, 'optim.bcd').values[d - 1]; // largest
    Lb.push(L > 0 ? L : 1e-300);
    chol.push(kind === 'lasso' ? null : cholesky(H, d));
  }

  const x = new Float64Array(n), r = new Float64Array(m); // r = Ax (linear predictor)
  const objective = (): number => {
    let f = 0;
    if (kind === 'logistic') for (let i = 0; i < m; i++) f += log1pexp(-bv[i] * r[i]);
    else for (let i = 0; i < m; i++) f += 0.5 * (r[i] - bv[i]) ** 2;
    let reg = 0;
    for (let j = 0; j < n; j++) reg += kind === 'lasso' ? Math.abs(x[j]) : 0.5 * x[j] * x[j];
    return f + lambda * reg;
  };
  /** Gradient of the smooth part (+ the ridge) at x. */
  const gradient = (): Float64Array => {
    const w = new Float64Array(m);
    for (let i = 0; i < m; i++) w[i] = kind === 'logistic' ? -bv[i] * sigmoid(-bv[i] * r[i]) : r[i] - bv[i];
    const g = new Float64Array(n);
    for (let i = 0; i < m; i++) { const wi = w[i]; if (wi !== 0) for (let j = 0; j < n; j++) g[j] += wi * a[i * n + j]; }
    if (kind !== 'lasso') for (let j = 0; j < n; j++) g[j] += lambda * x[j];
    return g;
  };
  /** The block's step (new x_b − x_b). */
  const step = (k: number, g: Float64Array): Float64Array => {
    const { s, d } = blocks[k];
    if (kind === 'lasso') {
      const L = Lb[k], t = lambda / L;
      return Float64Array.from({ length: d }, (_, i) => {
        const z = x[s + i] - g[s + i] / L;
        return Math.sign(z) * Math.max(Math.abs(z) - t, 0) - x[s + i];
      });
    }
    const gb = Float64Array.from({ length: d }, (_, i) => -g[s + i]);
    const L = chol[k];
    return L ? cholSolve(L, d, gb) : gb.map((v) => v / Lb[k]);
  };
  const measure = (k: number, g: Float64Array): number => {
    const { s, d } = blocks[k];
    if (kind === 'lasso') { const st = step(k, g); return Math.hypot(...st); }
    let n2 = 0;
    for (let i = 0; i < d; i++) n2 += g[s + i] ** 2;
    return Math.sqrt(n2);
  };
  const score = (k: number, g: Float64Array): number => {
    if (rule === 'gs') return measure(k, g);
    if (rule === 'gsl') return measure(k, g) / Math.sqrt(Lb[k]);
    // gsq: the decrease the block's quadratic model promises, g_bᵀH_b⁻¹g_b (lasso: L_b·‖step‖²)
    const st = step(k, g), { s, d } = blocks[k];
    if (kind === 'lasso') return Lb[k] * st.reduce((q, v) => q + v * v, 0);
    let q = 0;
    for (let i = 0; i < d; i++) q -= g[s + i] * st[i];
    return q;
  };

  const objs = [objective()];
  let it = 0, converged = false;
  const key = opts.key ?? random.key(0);
  let stream = random.bits(key, 1024), used = 0, refill = 0;
  const randomBlock = () => {
    if (used === stream.length) { stream = random.bits(random.foldIn(key, ++refill), 1024); used = 0; }
    return stream[used++] % nb;
  };
  while (true) {
    const g = gradient();
    let worst = 0;
    for (let k = 0; k < nb; k++) worst = Math.max(worst, measure(k, g));
    if (worst <= tol) { converged = true; break; }
    if (it >= maxIter) break;
    let k = 0;
    if (rule === 'cyclic') k = it % nb;
    else if (rule === 'random') k = randomBlock();
    else { let best = -1; for (let c = 0; c < nb; c++) { const v = score(c, g); if (v > best) { best = v; k = c; } } }
    const st = step(k, g), { s, d } = blocks[k];
    for (let i = 0; i < d; i++) {
      const dx = st[i];
      if (dx === 0) continue;
      x[s + i] += dx;
      for (let row = 0; row < m; row++) r[row] += a[row * n + s + i] * dx;
    }
    objs.push(objective());
    it++;
  }
  return { x: tensor(Float32Array.from(x), [n]), objective: objs, iterations: it, converged };
}
