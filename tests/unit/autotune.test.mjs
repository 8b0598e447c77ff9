// eg.quant.autotune on a synthetic objective with one known optimum: every strategy finds it
// with the whole space as budget, none measures a config twice, and the boosted-tree
// surrogate reaches the optimum in fewer trials than random search, averaged over seeds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as eg from '../../dist/edgegrad.node.js';

const space = { a: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], b: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], scheme: ['asym', 'sym', 'pow2'], bits: [1, 2, 4, 8] };
const TOTAL = 10 * 10 * 3 * 4;
const objective = (c) => -((c.a - 7) ** 2) - (c.b - 2) ** 2 - (c.scheme === 'sym' ? 0 : 3) - Math.abs(Math.log2(c.bits) - 2);
const isOptimum = (c) => c.a === 7 && c.b === 2 && c.scheme === 'sym' && c.bits === 4;

async function run(strategy, seed, budget) {
  const calls = new Set();
  const res = await eg.quant.autotune(async (c) => {
    const id = JSON.stringify(c);
    assert.not.ok(calls.has(id), `${strategy}: ${id} evaluated twice`);
    calls.add(id);
    return objective(c);
  }, { space, budget, key: eg.random.key(seed), strategy });
  assert.ok(res.history.length <= budget && res.history.length === calls.size);
  return res;
}

test('every strategy finds the optimum (the whole space as budget; gbt a sixth of it), never repeating a config', async () => {
  for (const strategy of ['gbt', 'random', 'grid', 'genetic']) {
    const budget = strategy === 'gbt' ? TOTAL / 6 : TOTAL;
    const res = await run(strategy, 1, budget);
    assert.ok(isOptimum(res.best.config), `${strategy}: best ${JSON.stringify(res.best)}`);
    assert.is(res.best.score, 0);
    assert.is(res.history.length, budget, `${strategy}: history ${res.history.length}`);
  }
});

test("'gbt' needs fewer trials than 'random' to reach the optimum (mean over 10 seeds)", async () => {
  const trials = { gbt: [], random: [] };
  for (let seed = 0; seed < 10; seed++) for (const strategy of ['gbt', 'random']) {
    // gbt gets a sixth of the space; not reaching the optimum would count as the whole space
    const res = await run(strategy, 100 + seed, strategy === 'gbt' ? TOTAL / 6 : TOTAL);
    const at = res.history.findIndex((h) => isOptimum(h.config));
    trials[strategy].push(at < 0 ? TOTAL : at + 1);
  }
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  const ratio = mean(trials.random) / mean(trials.gbt);
  console.log(`autotune: trials to the optimum of ${TOTAL} configs, mean over 10 seeds: gbt ${mean(trials.gbt)}, random ${mean(trials.random)} (random / gbt = ${ratio.toFixed(1)}x)`);
  assert.ok(ratio > 2, `gbt ${trials.gbt} vs random ${trials.random}: ratio ${ratio}`);
});

async function rejects(fn, pattern) {
  try { await fn(); } catch (e) { assert.match(String(e.message), pattern); return; }
  assert.unreachable(`no error matching ${pattern}`);
}

test('autotune: errors name the problem', async () => {
  const key = eg.random.key(0);
  const f = () => 0;
  await rejects(() => eg.quant.autotune(f, { space: {}, budget: 3, key }), /quant\.autotune.*space must be/);
  await rejects(() => eg.quant.autotune(f, { space: { a: [1] }, budget: 0, key }), /budget must be a positive integer/);
  await rejects(() => eg.quant.autotune(f, { space: { a: [1] }, budget: 2, key, strategy: 'anneal' }), /unknown strategy anneal/);
  await rejects(() => eg.quant.autotune(() => 'x', { space: { a: [1, 2] }, budget: 2, key }), /evaluate returned x/);
  const res = await eg.quant.autotune(f, { space: { a: [1, 2] }, budget: 10, key });
  assert.is(res.history.length, 2, 'budget beyond the space stops at the space');
});

test.run();
