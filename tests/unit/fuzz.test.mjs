// The short fuzz budget of `npm test`: every op on wasm and webgpu against the js reference
// (tests/fuzz/). `npm run fuzz` runs the long one. EG_SEED repeats a run; FUZZ_RUNS resizes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzz, countTable, failureText } from '../fuzz/fuzz.mjs';

const seed = Number(process.env.EG_SEED ?? Math.floor(Math.random() * 2 ** 31));
const runs = Number(process.env.FUZZ_RUNS ?? 400);

test(`fuzz: ${runs} random cases on wasm and webgpu vs js (seed ${seed})`, async () => {
  const r = await fuzz({ runs, seed, backends: ['wasm', 'webgpu'] });
  if (r.counts) console.log(`${countTable(r.counts)}\n${r.numRuns} cases in ${r.ms} ms (seed ${seed})`);
  const why = failureText(r);
  assert.ok(!why, why ?? '');
  assert.is(r.numRuns, runs, 'every case ran');
});

test.run();
