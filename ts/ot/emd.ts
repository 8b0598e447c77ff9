// Exact optimal transport (the earth mover's distance) by the transportation simplex, a
// network simplex on the bipartite graph rows -> columns, in float64 on the host: a
// north-west-corner basis of n + m − 1 cells (a spanning tree), potentials from the tree,
// Dantzig pricing, and a pivot around the cycle the entering cell closes. For small problems.
import type { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import { EdgegradError } from '../../runtime/errors.js';
import { problem, type Hist } from './validate.js';

export interface EmdResult { plan: Tensor; cost: number; iterations: number; converged: boolean }

/** One problem: a [n], b [m] (same mass), c [n*m] row-major. Returns the plan and pivots used. */
export function transportSimplex(a: Float64Array, b: Float64Array, c: Float64Array, n: number, m: number, maxPivots = 100 * (n + m) * (n + m)) {
  const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
  const ra = Float64Array.from(a), rb = Float64Array.from(b, (v) => (v * sa) / sb);
  const flow = new Float64Array(n * m);
  const basic = new Uint8Array(n * m);
  // north-west corner: a spanning tree, with zero-flow cells where a row and column run out together
  let i = 0, j = 0;
  while (i < n && j < m) {
    const q = Math.min(ra[i], rb[j]);
    flow[i * m + j] = q; basic[i * m + j] = 1;
    ra[i] -= q; rb[j] -= q;
    if (i === n - 1 && j === m - 1) break;
    if ((ra[i] <= rb[j] && i < n - 1) || j === m - 1) i++; else j++;
  }
  const u = new Float64Array(n), v = new Float64Array(m);
  const scale = c.reduce((s, x) => Math.max(s, Math.abs(x)), 0) || 1;
  const eps = 1e-12 * scale;
  // adjacency of the tree: node k < n is row k, node n + l is column l
  const adj: number[][] = Array.from({ length: n + m }, () => []);
  const rebuild = () => {
    for (const l of adj) l.length = 0;
    for (let q = 0; q < n * m; q++) if (basic[q]) { const r = (q / m) | 0, s = q % m; adj[r].push(n + s); adj[n + s].push(r); }
  };
  const parent = new Int32Array(n + m);
  const seen = new Uint8Array(n + m);
  /** Potentials (u_i + v_j = c_ij on the tree) and parent links from root row 0. */
  const potentials = () => {
    seen.fill(0); parent.fill(-1);
    const stack = [0]; seen[0] = 1; u[0] = 0;
    while (stack.length) {
      const x = stack.pop()!;
      for (const y of adj[x]) {
        if (seen[y]) continue;
        seen[y] = 1; parent[y] = x;
        if (y >= n) v[y - n] = c[x * m + (y - n)] - u[x];
        else u[y] = c[y * m + (x - n)] - v[x - n];
        stack.push(y);
      }
    }
  };
  const depth = (x: number) => { let d = 0; while (parent[x] >= 0) { x = parent[x]; d++; } return d; };
  let pivots = 0, converged = false;
  rebuild();
  while (pivots < maxPivots) {
    potentials();
    let best = -eps, enter = -1;
    for (let q = 0; q < n * m; q++) {
      if (basic[q]) continue;
      const rc = c[q] - u[(q / m) | 0] - v[q % m];
      if (rc < best) { best = rc; enter = q; }
    }
    if (enter < 0) { converged = true; break; }
    // the cycle: tree path from row r to column s, closed by the entering cell
    const r = (enter / m) | 0, s = enter % m;
    let x = r, y = n + s, dx = depth(x), dy = depth(y);
    const left: number[] = [x], right: number[] = [y];
    while (dx > dy) { x = parent[x]; left.push(x); dx--; }
    while (dy > dx) { y = parent[y]; right.push(y); dy--; }
    while (x !== y) { x = parent[x]; left.push(x); y = parent[y]; right.push(y); }
    const path = [...left, ...right.slice(0, -1).reverse()]; // r ... lca ... col s
    const cells: number[] = [];
    for (let k = 0; k + 1 < path.length; k++) {
      const p0 = path[k], p1 = path[k + 1];
      cells.push(p0 < n ? p0 * m + (p1 - n) : p1 * m + (p0 - n));
    }
    // entering cell gets +θ; along the path from r the signs alternate starting with −
    let theta = Infinity, leave = -1;
    for (let k = 0; k < cells.length; k += 2) if (flow[cells[k]] < theta) { theta = flow[cells[k]]; leave = cells[k]; }
    for (let k = 0; k < cells.length; k++) flow[cells[k]] += k % 2 === 0 ? -theta : theta;
    flow[enter] = theta;
    basic[enter] = 1; basic[leave] = 0; flow[leave] = 0;
    rebuild();
    pivots++;
  }
  return { flow, pivots, converged };
}

/** Exact OT plan and cost ⟨plan, C⟩ for one problem (a [n], b [m], C [n, m]). */
export async function emd(a: Hist, b: Hist, C: Tensor | number[][]): Promise<EmdResult> {
  const op = 'ot.emd';
  const p = await problem(op, a, b, C);
  try {
    if (p.lead.length) throw new EdgegradError(op, 'batched problems are not supported', 'Call emd once per problem');
    const c = Float64Array.from(await p.C.data());
    if (c.some((x) => !Number.isFinite(x))) throw new EdgegradError(op, 'C must be finite for the exact solver', 'Replace infinite costs by a large finite cost');
    const { flow, pivots, converged } = transportSimplex(p.ha, p.hb, c, p.n, p.m);
    let cost = 0;
    for (let q = 0; q < flow.length; q++) cost += flow[q] * c[q];
    return { plan: tensor(Float32Array.from(flow), [p.n, p.m]), cost, iterations: pivots, converged };
  } finally {
    for (const t of p.temps) t.dispose();
  }
}
