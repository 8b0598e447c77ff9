// Loaded by tests/harness/loader.html (served by tests/runners/chromium.mjs, which maps
// /assets/edgegrad-<hash>.wasm to dist/edgegrad.wasm as a bundler's asset loader would, and
// serves /nowasm/ as dist/ without its .wasm files). window.__egLoader() -> [{ name, error }].
import { SEED, mulberry32 } from '../conformance/seeded.js';

const rand = mulberry32(SEED);
const checks = [];
const check = (name, fn) => checks.push({ name, fn });
const expect = (cond, msg) => { if (!cond) throw new Error(msg); };

/** softmax of fresh random numbers against a float64 reference, on the selected backend. */
async function softmaxWorks(eg, what) {
  const xs = Array.from({ length: 7 }, () => rand() * 6 - 3);
  const got = await eg.softmax(eg.tensor(xs), -1).data();
  const m = Math.max(...xs);
  const s = xs.reduce((a, v) => a + Math.exp(v - m), 0);
  xs.forEach((v, i) => expect(Math.abs(got[i] - Math.exp(v - m) / s) <= 1e-6, `${what}: softmax[${i}] = ${got[i]}, want ${Math.exp(v - m) / s} (seed ${SEED})`));
  expect(eg.stats().launches.wasm >= 1, `${what}: the op did not run on wasm`);
}

const lib = () => import('/dist/edgegrad.browser.js');

for (const [what, path] of [
  ['root-relative bundle asset path', '/assets/edgegrad-3f9c2a71.wasm'],
  ['page-relative path', '../../dist/edgegrad.wasm'],
]) {
  check(`init({ wasm: '${path}' }) (${what}) loads from the page's origin and selects wasm`, async () => {
    const eg = await lib();
    const r = await eg.init({ wasm: path, gpu: null });
    expect(r.selected === 'wasm', `selected ${r.selected}: ${r.backends.wasm.reason}`);
    expect(r.backends.wasm.simd === true, `simd: ${r.backends.wasm.simd}`);
    await softmaxWorks(eg, what);
  });
}

check('a missing default .wasm: the report says "not found at URL" and simd is unknown', async () => {
  const eg = await import('/nowasm/edgegrad.browser.js');
  const r = await eg.init({ gpu: null });
  const w = r.backends.wasm;
  expect(r.selected === 'js', `selected ${r.selected}`);
  const re = new RegExp(`^init: not found at ${location.origin.replace(/\./g, '\\.')}/nowasm/edgegrad(\\.relaxed)?\\.wasm \\(HTTP 404\\)`);
  expect(w.ok === false && re.test(w.reason), `wasm report: ${JSON.stringify(w)}`);
  expect(w.simd === null && w.relaxedSimd === null, `simd ${w.simd}, relaxedSimd ${w.relaxedSimd}: should be null (unknown)`);
  let threw = null;
  try { await eg.init({ backend: 'wasm', gpu: null }); } catch (e) { threw = e; }
  expect(threw && threw.name === 'EdgegradError' && /backend 'wasm' is not available: init: not found at /.test(threw.message), `explicit wasm: ${threw && threw.message}`);
});

window.__egLoader = async () => {
  const out = [];
  for (const c of checks) {
    try { await c.fn(); out.push({ name: c.name, error: null }); } catch (e) { out.push({ name: c.name, error: `${e && e.name}: ${e && e.message}` }); }
  }
  return out;
};
