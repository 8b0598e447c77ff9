#!/usr/bin/env node
// npm run fuzz: the long fuzz budget (after a build), printing counts per op.
//   node tests/fuzz/run.mjs [--runs 5000] [--seed S] [--backends wasm,webgpu] [--ops a,b] [--rounds 1]
// Each round is its own process and seed (a crash or hang in one still reports the others).
import { fuzz, countTable, failureText } from './fuzz.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const runs = Number(opt('runs', 5000));
const rounds = Number(opt('rounds', 1));
const backends = opt('backends', 'wasm,webgpu').split(',');
const ops = opt('ops', '') ? opt('ops', '').split(',') : undefined;
const first = Number(opt('seed', process.env.EG_SEED ?? Math.floor(Math.random() * 2 ** 31)));

let failed = 0;
const total = {};
for (let k = 0; k < rounds; k++) {
  const seed = (first + k) >>> 0;
  console.log(`round ${k + 1}/${rounds}: ${runs} cases on ${backends.join(', ')} vs js, seed ${seed}`);
  const r = await fuzz({ runs, seed, backends, ops, hangMs: 60000 });
  for (const [op, c] of Object.entries(r.counts ?? {})) {
    const t = (total[op] ??= { cases: 0, results: 0, errors: 0 });
    t.cases += c.cases; t.results += c.results; t.errors += c.errors;
  }
  const why = failureText(r);
  if (why) { failed++; console.log(`FAILED: ${why}`); } else console.log(`ok: ${r.numRuns} cases in ${(r.ms / 1000).toFixed(1)} s`);
}
console.log(`\n${countTable(total)}\n(results: both agree on a value; errors: every backend raised the js reference's EdgegradError)`);
console.log(`${rounds - failed} of ${rounds} round(s) passed`);
process.exitCode = failed ? 1 : 0;
