// Deno runner (runs inside Deno): the conformance suites on backends wasm and webgpu
// (navigator.gpu, built into Deno; on this machine lavapipe through VK_ICD_FILENAMES).
// Started by tests/run.mjs as
//   VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json XDG_RUNTIME_DIR=<tmp> \
//   node_modules/.bin/deno run --no-prompt --allow-read=<repo> tests/runners/deno.mjs [--backend ..] [--suite ..] [--suites path] [--dist folder]
// Prints one marked JSON row per backend.
import { runSuites, parseArgs, errorText, MARK, variantRuns } from '../harness/run-suites.js';

const ALL = ['wasm', 'webgpu', 'wasm-mt'];
const root = new URL('../../', import.meta.url);
const toUrl = (p) => (p.startsWith('/') ? new URL(`file://${p}`) : new URL(p, root));
const emit = (row) => console.log(`${MARK}${JSON.stringify(row)}`);

let code = 0;
let args;
try { args = parseArgs(Deno.args); } catch (e) { console.error(errorText(e)); Deno.exit(2); }
const backends = (args.backends ? ALL.filter((b) => args.backends.includes(b)) : ALL).filter((b) => variantRuns(b, { suites: args.suites }));
let eg, suites;
try {
  const dist = args.dist ? toUrl(args.dist.endsWith('/') ? args.dist : `${args.dist}/`) : new URL('dist/', root);
  eg = await import(new URL('edgegrad.deno.js', dist).href);
  ({ suites } = await import(toUrl(args.suitesModule || 'tests/conformance/index.js').href));
  if (!suites || typeof suites !== 'object') throw new Error('the suites module does not export `suites`');
} catch (e) {
  for (const b of backends) emit({ runtime: 'deno', backend: b, passed: 0, failed: 1, ms: 0, info: '', failures: [{ suite: '(harness)', test: 'start', message: `could not load the library or the suites: ${errorText(e)}` }] });
  Deno.exit(1);
}
console.log(`deno ${Deno.version.deno} (v8 ${Deno.version.v8}); navigator.gpu: ${typeof navigator.gpu}`);
await runSuites(eg, suites, {
  runtime: 'deno',
  backends,
  filter: { suites: args.suites, grep: args.grep },
  testTimeoutMs: args.testTimeoutMs || 120000,
  verbose: args.verbose,
  onRow: (row) => { if (row.failed) code = 1; emit(row); },
});
Deno.exit(code);
