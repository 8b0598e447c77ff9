// One fuzz run, in its own process (tests/fuzz/fuzz.mjs watches it for hangs and crashes).
// Every case runs in a library instance per backend (the bundle imported once per backend, so
// each has its own engine) and is compared with the js reference instance: same shape, dtype
// and values (NaN/Inf where the reference has them), or, where the reference throws an
// EdgegradError, an EdgegradError on every backend. After each case a canary computation
// checks that nothing was left corrupted, and the live-tensor count that nothing leaked.
//   node tests/fuzz/driver.mjs --runs N --seed S --backends wasm,webgpu [--ops a,b]
import fc from 'fast-check';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { opsFor, NOT_FUZZED, REGRESSIONS } from './ops.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : dflt; };
const runs = Number(opt('runs', 300));
const seed = Number(opt('seed', Date.now() % 2 ** 31));
const backends = opt('backends', 'wasm,webgpu').split(',').filter(Boolean);
const only = opt('ops', '') ? opt('ops', '').split(',') : null;
const send = (m, then) => { if (process.send) process.send(m, then); else { console.log(JSON.stringify(m)); then?.(); } };

const url = pathToFileURL(join(import.meta.dirname, '../../dist/edgegrad.node.js')).href;
let gpu; // held for the life of the process: Dawn aborts when its GPU object is collected
const instance = async (backend) => {
  const eg = await import(`${url}?backend=${backend}`);
  const opts = { backend };
  if (backend === 'webgpu') Object.assign(opts, { gpu: (gpu ??= (await import('webgpu')).create([])), thresholds: { webgpu: 0 } });
  const info = await eg.init(opts);
  if (info.selected !== backend) throw new Error(`init({ backend: '${backend}' }) selected ${info.selected}: ${info.backends[backend]?.reason}`);
  return eg;
};
const ref = await instance('js');
const OPS = opsFor(ref.opTable);
const targets = {};
for (const b of backends) targets[b] = await instance(b);

// every function or namespace the package exports is fuzzed or listed as left out, with why
const listed = new Set([...Object.keys(OPS), ...Object.values(NOT_FUZZED).flat()]);
const unlisted = Object.keys(ref).filter((k) => !listed.has(k));
if (unlisted.length) {
  send({ type: 'done', error: `exports neither fuzzed nor listed in NOT_FUZZED (tests/fuzz/ops.mjs): ${unlisted.join(', ')}` }, () => process.exit(0));
  await new Promise(() => {}); // until the message is out and the process exits
}

const TYPED = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array };

async function run(eg, name, args) {
  const made = [];
  const build = (v) => {
    if (v && v.tensor === true) { const t = eg.tensor(TYPED[v.dtype].from(v.data), v.shape, v.dtype); made.push(t); return t; }
    return Array.isArray(v) ? v.map(build) : v;
  };
  const before = eg.memory().tensors;
  let out, res;
  try {
    out = OPS[name].call(eg, args.map(build));
    res = { ok: true, shape: [...out.shape], dtype: out.dtype, data: Array.from(await out.data()) };
  } catch (e) {
    res = { ok: false, name: e?.name, message: String(e?.message ?? e) };
  } finally {
    if (out instanceof eg.Tensor) out.dispose();
    for (const t of made) t.dispose();
  }
  const leaked = eg.memory().tensors - before;
  if (leaked) res.leaked = leaked;
  return res;
}

/** Largest finite input magnitude below 1e6: the scale of rounding errors in the result. */
function scaleOf(args) {
  let m = 1, n = 1;
  const visit = (v) => {
    if (v && v.tensor === true) { n += v.data.length; for (const x of v.data) if (Number.isFinite(x) && Math.abs(x) < 1e6) m = Math.max(m, Math.abs(x)); }
    else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'number' && Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  };
  visit(args);
  return { m, n };
}

const FLT_MIN = 1.1754943508222875e-38;

function mismatch(name, args, r, g) {
  if (!r.ok) {
    if (r.name !== 'EdgegradError') return `the js reference threw ${r.name} (${r.message}), not a named EdgegradError`;
    if (g.ok) return `the js reference rejects it (${r.message}) but this backend returned ${g.dtype} [${g.shape}]`;
    if (g.name !== 'EdgegradError' || g.message !== r.message) return `error differs: js says "${r.message}", this backend ${g.name}: "${g.message}"`;
    return null;
  }
  if (!g.ok) return `the js reference returned ${r.dtype} [${r.shape}] but this backend threw ${g.name}: ${g.message}`;
  if (g.shape.join() !== r.shape.join() || g.dtype !== r.dtype) return `result ${g.dtype} [${g.shape}] vs js ${r.dtype} [${r.shape}]`;
  const { m, n } = scaleOf(args);
  const fam = OPS[name].family;
  const rtol = fam ? 2e-4 : 0, atol = fam === 'reduce' ? 2e-6 * m * m * n : fam ? 2e-5 * m : 0;
  for (let i = 0; i < r.data.length; i++) {
    const a = r.data[i], b = g.data[i];
    if (Number.isNaN(a) ? Number.isNaN(b) : a === b || Math.abs(a - b) <= atol + rtol * Math.abs(a)) continue;
    // GPUs may flush subnormal floats to zero (WGSL allows it)
    if (r.dtype === 'float32' && Math.abs(a) < FLT_MIN && Math.abs(b) < FLT_MIN) continue;
    return `element ${i}: ${b} vs js ${a} (rtol ${rtol}, atol ${atol.toExponential(2)})`;
  }
  return null;
}

// The canary: a fixed computation through matmul, softmax and a reduction; each backend must
// give the reference's numbers after every case.
const CANARY = Float32Array.from({ length: 15 }, (_, i) => Math.sin(i * 1.7) * 3);
const canary = async (eg) => {
  const x = eg.tensor(CANARY, [3, 5]);
  const y = eg.scope(() => eg.softmax(eg.matmul(x, x, { transposeB: true })).sum(0));
  const d = Array.from(await y.data());
  x.dispose(); y.dispose();
  return d;
};
const want = await canary(ref);

const names = only ?? Object.keys(OPS);
const counts = Object.fromEntries(names.map((n) => [n, { cases: 0, results: 0, errors: 0 }]));
let failing = false; // once a case fails, fast-check shrinks it: those runs are not counted
let index = 0;

const property = fc.asyncProperty(fc.constantFrom(...names).chain((name) => OPS[name].args.map((args) => [name, args])), async ([name, args]) => {
  send({ type: 'case', index: index++, op: name, args: fc.stringify(args).slice(0, 2000) });
  try { await check(name, args); } catch (e) { failing = true; throw e; }
});

async function check(name, args) {
  const r = await run(ref, name, args);
  if (r.leaked) throw new Error(`js: ${r.leaked} tensor(s) left alive by ${name}${r.ok ? '' : ` after "${r.message}"`}`);
  for (const [b, eg] of Object.entries(targets)) {
    const g = await run(eg, name, args);
    const why = mismatch(name, args, r, g);
    if (why) throw new Error(`${b}: ${why}`);
    if (g.leaked) throw new Error(`${b}: ${g.leaked} tensor(s) left alive by ${name}`);
    const c = await canary(eg);
    if (c.some((v, i) => Math.abs(v - want[i]) > 1e-4)) throw new Error(`${b}: after ${name}, the canary gives ${c} instead of ${want}`);
  }
  if (!failing) { counts[name].cases++; counts[name][r.ok ? 'results' : 'errors']++; }
}

const t0 = performance.now();
const examples = REGRESSIONS.filter(([name]) => names.includes(name)).map((c) => [c]);
const out = await fc.check(property, { numRuns: runs, seed, examples }).catch((e) => ({ failed: true, error: e }));
send({
  type: 'done', seed, backends, ms: Math.round(performance.now() - t0), counts,
  numRuns: out.numRuns, failed: out.failed, numShrinks: out.numShrinks,
  counterexample: out.counterexample ? fc.stringify(out.counterexample[0]) : undefined,
  error: out.failed ? String(out.errorInstance?.message ?? out.error ?? '') : undefined,
}, () => process.exit(0));
