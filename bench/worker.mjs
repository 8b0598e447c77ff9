// One benchmark process: sets up the requested libraries, then times every requested case with
// all of them interleaved. bench/run.mjs starts it (several times, with different node flags and
// environments) and merges what each writes to --out. Usable alone too:
//   node --expose-gc bench/worker.mjs --libs edgegrad-wasm,tfjs-wasm --cases matmul512 --out /tmp/r.json
import { writeFileSync } from 'node:fs';
import { CASES, caseById, makeInputs, exactReference, relError, rate } from './lib/cases.mjs';
import { measure, median } from './lib/measure.mjs';
import { createTfjs, createOrt } from './lib/peers.mjs';
import { createEdgegrad } from './lib/edgegrad.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const list = (v, dflt) => (typeof v === 'string' ? v.split(',').filter(Boolean) : dflt);

const libNames = list(args.libs, ['edgegrad-wasm', 'edgegrad-js', 'tfjs-wasm', 'ort-wasm']);
const cases = list(args.cases, CASES.map((c) => c.id)).map(caseById);
const modes = list(args.modes, ['readback', 'oponly']);
const budgetMs = 1000 * Number(args.budget ?? 8);
const maxRunMs = 1000 * Number(args['max-run'] ?? 3);
const quick = !!args.quick;
const stub = !!args.stub;
const label = typeof args.label === 'string' ? args.label : null; // rename edgegrad-wasm (relaxed run)
const outFile = args.out;

const factories = {
  'edgegrad-wasm': () => createEdgegrad('wasm', { stub, label: label ?? 'edgegrad-wasm' }),
  'edgegrad-js': () => createEdgegrad('js', { stub }),
  'edgegrad-webgpu': () => createEdgegrad('webgpu', { stub }),
  'tfjs-wasm': createTfjs,
  'ort-wasm': createOrt,
};

const report = { pid: process.pid, node: process.version, execArgv: process.execArgv, libs: {}, results: [] };
const save = () => outFile && writeFileSync(outFile, JSON.stringify(report, null, 1));
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

// Each edgegrad adapter calls eg.init(), which switches the global backend: one per process.
const egCount = libNames.filter((n) => n.startsWith('edgegrad-')).length;
if (egCount > 1) throw new Error('worker: at most one edgegrad backend per process');

const libs = [];
for (const name of libNames) {
  try {
    const lib = await factories[name]();
    libs.push(lib);
    report.libs[lib.name] = { ...lib.info, ok: true };
  } catch (e) {
    report.libs[label && name === 'edgegrad-wasm' ? label : name] = { ok: false, error: String(e?.message ?? e).split('\n')[0] };
    log(`  ${name}: unavailable: ${String(e?.message ?? e).split('\n')[0]}`);
  }
}
save();

const history = {}; // lib -> op -> { work, ms } of the last readback measurement: predicts skips
const work = (c) => c.flops ?? c.bytes;

for (const c of cases) {
  const inputs = makeInputs(c);
  const exact = exactReference(c, inputs);
  const set = [];
  for (const lib of libs) {
    try { set.push({ name: lib.name, inst: await lib.setup(c, inputs) }); }
    catch (e) { report.results.push({ case: c.id, lib: lib.name, mode: 'setup', error: String(e?.message ?? e).split('\n')[0] }); }
  }
  let firsts = {};
  for (const mode of modes) {
    const k = mode === 'oponly' ? c.chain : 1;
    const res = await measure(set, {
      mode, k, budgetMs, maxRunMs,
      warmup: quick ? 1 : 2, minReps: quick ? 3 : 5, maxReps: quick ? 15 : 60,
      predictMs: (name) => {
        const h = history[name]?.[c.op];
        return h ? h.ms * (work(c) / h.work) * k : null;
      },
    });
    for (const [name, r] of Object.entries(res)) {
      const row = { case: c.id, lib: name, mode, k };
      if (r.times?.length) {
        const med = median(r.times);
        Object.assign(row, { ms: med / k, minMs: Math.min(...r.times) / k, reps: r.times.length, rate: rate(c, med / k) });
        if (mode === 'readback') (history[name] ??= {})[c.op] = { work: work(c), ms: med };
      }
      if (r.skipped) row.skipped = r.skipped;
      if (r.error) row.error = r.error;
      if (mode === 'readback' && r.first) firsts[name] = r.first;
      report.results.push(row);
      log(`  ${c.id.padEnd(17)} ${mode.padEnd(8)} ${name.padEnd(22)} ${row.ms != null ? `${row.ms.toFixed(3)} ms  ${row.rate.toFixed(2)} ${c.unit}  (${row.reps} runs)` : row.skipped ?? row.error}`);
    }
  }
  // Accuracy of each library's first result: against float64 where cheap (sum), else against a peer.
  const refName = exact ? 'float64' : ['tfjs-wasm', 'ort-wasm'].find((n) => firsts[n]);
  const ref = exact ?? firsts[refName];
  for (const row of report.results) {
    if (row.case === c.id && row.mode === 'readback' && firsts[row.lib] && ref) {
      row.err = relError(firsts[row.lib], ref);
      row.errRef = refName;
    }
  }
  for (const s of set) await s.inst.dispose?.();
  firsts = null;
  save();
}
save();
log(`  worker ${label ?? libNames.join(',')}: done`);
