// Quantune-style search over a discrete configuration space: evaluate(config) is measured at
// most once per config; 'gbt' fits a boosted-tree surrogate to what was measured and
// measures its predicted best next, in batches.
import { EdgegradError } from '../../runtime/errors.js';
import { Key, philox } from '../random.js';
import { fitGbt } from './gbt.js';

export type Config = Record<string, unknown>;
export interface AutotuneOptions {
  space: Record<string, readonly unknown[]>;
  budget: number;
  key: Key;
  strategy?: 'gbt' | 'random' | 'grid' | 'genetic';
}
export interface Trial { config: Config; score: number }
export interface AutotuneResult { best: Trial; history: Trial[] }

const STRATEGIES = ['gbt', 'random', 'grid', 'genetic'] as const;
/** Configs the surrogate ranks per round; larger spaces are sampled down to this many. */
const POOL = 4096;
/** The surrogate's proposals measured per round (Quantune's batch). */
const BATCH = 5;

export async function autotune(evaluate: (config: Config) => number | Promise<number>, opts: AutotuneOptions): Promise<AutotuneResult> {
  const op = 'quant.autotune';
  if (typeof evaluate !== 'function') throw new EdgegradError(op, 'evaluate must be a function config => score', 'Pass an (async) function returning a number, higher better');
  const { space, budget, key, strategy = 'gbt' } = opts ?? ({} as AutotuneOptions);
  const names = space && typeof space === 'object' ? Object.keys(space) : [];
  if (names.length === 0 || names.some((n) => !Array.isArray(space[n]) || space[n].length === 0))
    throw new EdgegradError(op, 'space must be { name: values[] } with at least one non-empty list', "e.g. { bits: [2, 4, 8], grid: ['minmax', 'mse'] }");
  if (!Number.isInteger(budget) || budget < 1) throw new EdgegradError(op, `budget must be a positive integer, got ${String(budget)}`, 'Pass the number of evaluations allowed');
  if (!(key instanceof Key)) throw new EdgegradError(op, 'key must be an eg.random.key', 'Pass key: eg.random.key(seed)');
  if (!STRATEGIES.includes(strategy)) throw new EdgegradError(op, `unknown strategy ${String(strategy)}`, `Use one of ${STRATEGIES.join(', ')}`);

  let counter = 0;
  const rand = () => philox(key, counter++, 0x71a7)[0] / 2 ** 32;
  const randInt = (n: number) => Math.floor(rand() * n);
  const sizes = names.map((n) => space[n].length);
  const total = sizes.reduce((a, b) => a * b, 1);
  const limit = Math.min(budget, total);
  const seen = new Set<string>();
  const history: Trial[] = [];
  const X: number[][] = [];
  const toConfig = (ix: number[]): Config => Object.fromEntries(names.map((n, i) => [n, space[n][ix[i]]]));
  // features: a numeric value as itself, anything else by its position in the list
  const features = (ix: number[]) => ix.map((j, i) => (typeof space[names[i]][j] === 'number' ? (space[names[i]][j] as number) : j));
  const randomIx = () => sizes.map((s) => randInt(s));
  const fromFlat = (f: number) => { const ix: number[] = []; for (let i = sizes.length - 1; i >= 0; i--) { ix[i] = f % sizes[i]; f = Math.floor(f / sizes[i]); } return ix; };

  async function measure(ix: number[]): Promise<void> {
    const id = ix.join(',');
    if (seen.has(id) || history.length >= limit) return;
    seen.add(id);
    const config = toConfig(ix);
    const score = await evaluate(config);
    if (typeof score !== 'number' || Number.isNaN(score)) throw new EdgegradError(op, `evaluate returned ${String(score)} for ${JSON.stringify(config)}`, 'Return a number (higher is better)');
    history.push({ config, score });
    X.push(features(ix));
  }
  /** An unmeasured config: `ix` itself, else a random one (rejection, then a scan). */
  function unseen(ix: number[]): number[] {
    for (let t = 0; t < 64 && seen.has(ix.join(',')); t++) ix = randomIx();
    if (!seen.has(ix.join(','))) return ix;
    for (let f = 0; f < total; f++) { const c = fromFlat(f); if (!seen.has(c.join(','))) return c; }
    return ix;
  }
  const randomOrder = () => {
    // a lazy Fisher–Yates over flat indices: a uniform order without listing the space
    const swapped = new Map<number, number>();
    let n = total;
    return () => { const j = randInt(n--); const v = swapped.get(j) ?? j; swapped.set(j, swapped.get(n) ?? n); return fromFlat(v); };
  };

  if (strategy === 'grid') {
    for (let f = 0; history.length < limit; f++) await measure(fromFlat(Math.floor((f * total) / limit)));
  } else if (strategy === 'random') {
    const next = randomOrder();
    while (history.length < limit) await measure(next());
  } else if (strategy === 'genetic') {
    const pop = Math.min(limit, 8);
    const next = randomOrder();
    while (history.length < pop) await measure(next());
    while (history.length < limit) {
      const pick = () => { const a = history[randInt(history.length)], b = history[randInt(history.length)]; return a.score >= b.score ? a : b; };
      const [p, q] = [pick(), pick()];
      const child = names.map((n, i) => {
        const from = rand() < 0.5 ? p : q;
        const j = space[n].indexOf(from.config[n]);
        return rand() < 0.2 ? randInt(sizes[i]) : j;
      });
      await measure(unseen(child));
    }
  } else {
    // gbt: a random start (a quarter of the budget, at least 8), then the surrogate's top BATCH per round
    const start = Math.min(limit, Math.max(8, Math.ceil(limit / 4)));
    const next = randomOrder();
    while (history.length < start) await measure(next());
    while (history.length < limit) {
      const predict = fitGbt(X, history.map((h) => h.score));
      const pool: number[][] = [];
      if (total <= POOL) { for (let f = 0; f < total; f++) { const c = fromFlat(f); if (!seen.has(c.join(','))) pool.push(c); } }
      else for (let t = 0; t < POOL; t++) { const c = randomIx(); if (!seen.has(c.join(','))) pool.push(c); }
      if (pool.length === 0) break;
      const ranked = pool.map((c) => ({ c, p: predict(features(c)) })).sort((a, b) => b.p - a.p);
      for (const { c } of ranked.slice(0, BATCH)) await measure(c);
    }
  }
  const best = history.reduce((a, h) => (h.score > a.score ? h : a), history[0]);
  return { best, history };
}
