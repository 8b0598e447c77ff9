#!/usr/bin/env node
// npm test (after the build): runs the conformance suites on every runtime x backend and the
// Node unit tests, prints a table and the failures, and ends with one line "N passed, N failed".
//
//   node tests/run.mjs [--runtime node,deno,workerd,chromium] [--backend js,wasm,webgpu,wasm-mt]
//                      [--suite name,...] [--grep text] [--suites tests/harness/smoke-suite.js]
//                      [--test-timeout ms] [--dist folder] [--no-unit] [--verbose]
//
// Each runtime runs in its own child process (tests/runners/*), sequentially. A runtime or
// backend that cannot start is counted as a failure, in CI and outside it: never a silent skip.
// Env: EDGEGRAD_RUNTIME_TIMEOUT_MS (default 480000 per runtime), CHROMIUM_PATH, EDGEGRAD_KEEP_TMP.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, errorText, variantRuns } from './harness/run-suites.js';
import { ROOT, distDir, suitesRel, runChild, vulkanEnv, SWIFTSHADER_ICD, LAVAPIPE_ICD } from './runners/common.mjs';

let args;
try { args = parseArgs(process.argv.slice(2)); } catch (e) { console.error(`tests/run.mjs: ${errorText(e)}`); process.exit(2); }

const RUNTIME_TIMEOUT_MS = Number(process.env.EDGEGRAD_RUNTIME_TIMEOUT_MS) || 8 * 60e3;
const filtered = !!(args.backends || args.suites || args.grep);
const withUnit = args.unit && !filtered;
const dist = distDir(args);

const pass = [];
if (args.backends) pass.push('--backend', args.backends.join(','));
if (args.suites) pass.push('--suite', args.suites.join(','));
if (args.grep) pass.push('--grep', args.grep);
if (args.suitesModule) pass.push('--suites', args.suitesModule);
if (args.testTimeoutMs) pass.push('--test-timeout', String(args.testTimeoutMs));
if (args.verbose) pass.push('--verbose');
if (dist !== join(ROOT, 'dist')) pass.push('--dist', dist); // EDGEGRAD_DIST or --dist (Deno cannot read the env)

const RUNTIMES = {
  node: {
    backends: ['js', 'wasm', 'webgpu', 'wasm-mt'],
    extra: withUnit ? ['unit'] : [],
    cmd: () => [process.execPath, ['tests/runners/node.mjs', ...pass, ...(withUnit ? [] : ['--no-unit'])], vulkanEnv(SWIFTSHADER_ICD)],
    // the node runner also runs every tests/unit file: give it more room
    timeoutMs: RUNTIME_TIMEOUT_MS + (withUnit ? 5 * 60e3 : 0),
  },
  deno: {
    backends: ['wasm', 'webgpu', 'wasm-mt'],
    cmd: () => [join(ROOT, 'node_modules/.bin/deno'), [
      // EG_SEED: the suites read it through process.env (Deno asks for env permission)
      'run', '--no-prompt', '--cached-only', `--allow-read=${[ROOT, dist].join(',')}`, '--allow-env=EG_SEED',
      'tests/runners/deno.mjs', ...pass,
    ], { ...vulkanEnv(LAVAPIPE_ICD), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }],
    timeoutMs: RUNTIME_TIMEOUT_MS,
  },
  workerd: {
    backends: ['wasm'],
    cmd: () => [process.execPath, ['tests/runners/workerd.mjs', ...pass], {}],
    timeoutMs: RUNTIME_TIMEOUT_MS + 60e3,
  },
  chromium: {
    backends: ['wasm', 'webgpu', 'wasm-mt'],
    extra: withUnit ? ['loader'] : [],
    cmd: () => [process.execPath, ['tests/runners/chromium.mjs', ...pass, ...(withUnit ? [] : ['--no-unit'])], {}],
    timeoutMs: RUNTIME_TIMEOUT_MS + 60e3,
  },
};

const runtimes = args.runtimes || Object.keys(RUNTIMES);
for (const r of runtimes) if (!RUNTIMES[r]) { console.error(`tests/run.mjs: unknown runtime '${r}' (have ${Object.keys(RUNTIMES).join(', ')})`); process.exit(2); }
if (args.backends) for (const b of args.backends) if (!['js', 'wasm', 'webgpu', 'wasm-mt'].includes(b)) { console.error(`tests/run.mjs: unknown backend '${b}'`); process.exit(2); }

const ci = /^(1|true|yes)$/i.test(process.env.CI || '');
console.log(`edgegrad tests: runtimes ${runtimes.join(', ')}; suites ${suitesRel(args)}; library ${dist}${ci ? '; CI' : ''}`);
console.log(process.env.EG_SEED !== undefined ? `EG_SEED=${process.env.EG_SEED} (fixed for every runtime)` : 'seeds: fresh per runtime (printed on failure; rerun with EG_SEED=<seed> to repeat)');
for (const f of ['edgegrad.node.js', 'edgegrad.deno.js', 'edgegrad.workerd.js', 'edgegrad.browser.js', 'edgegrad.wasm']) {
  if (!existsSync(join(dist, f))) console.log(`warning: ${join(dist, f)} is missing; run \`npm run build\` first`);
}
if (!existsSync(join(ROOT, suitesRel(args)))) console.log(`warning: ${suitesRel(args)} is missing`);

const rows = [];
const stderrLines = new Map(); // runtime -> lines written to stderr (Dawn prints WebGPU validation errors there)
const t00 = Date.now();
for (const name of runtimes) {
  const rt = RUNTIMES[name];
  const expected = [...rt.backends.filter((b) => (!args.backends || args.backends.includes(b)) && variantRuns(b, { suites: args.suites })), ...(rt.extra || [])];
  if (!expected.length) { console.log(`\n=== ${name}: no selected backend runs here ===`); continue; }
  console.log(`\n=== ${name}: ${expected.join(', ')} ===`);
  const [cmd, argv, env] = rt.cmd();
  const t0 = Date.now();
  const r = await runChild(cmd, argv, {
    env: { ...env, EDGEGRAD_RUNTIME_TIMEOUT_MS: String(RUNTIME_TIMEOUT_MS) },
    timeoutMs: rt.timeoutMs,
    prefix: '',
    onLine: (line, isErr) => {
      if (isErr && line.trim()) stderrLines.set(name, (stderrLines.get(name) || 0) + 1);
      (isErr ? process.stderr : process.stdout).write(`${isErr ? `[${name} stderr] ` : ''}${line}\n`);
    },
  });
  const got = new Map();
  for (const row of r.rows) {
    if (row && row.runtime === name && expected.includes(row.backend) && !got.has(row.backend)) got.set(row.backend, row);
    else console.log(`[${name}] ignoring an unexpected result row: ${JSON.stringify(row).slice(0, 200)}`);
  }
  const how = r.spawnError ? `could not be started: ${r.spawnError}`
    : r.timedOut ? `timed out after ${Math.round(rt.timeoutMs / 1000)} s`
    : `exited with ${r.code ?? r.signal}`;
  for (const b of expected) {
    if (got.has(b)) { rows.push(got.get(b)); continue; }
    const message = `${name} runner produced no result for ${b}: it ${how}\n${r.tail.slice(-12).join('\n')}`.trim();
    rows.push({ runtime: name, backend: b, passed: 0, failed: 1, ms: Date.now() - t0, info: 'did not run', failures: [{ suite: '(harness)', test: 'start', message }] });
  }
  const clean = r.code === 0 && !r.timedOut && !r.spawnError;
  const reported = expected.reduce((n, b) => n + (got.get(b)?.failed || 0), 0);
  if (!clean && got.size && reported === 0) {
    // every backend reported success but the process failed: do not let that pass
    const last = got.get(expected.filter((b) => got.has(b)).pop());
    last.failed++;
    last.failures.push({ suite: '(harness)', test: 'exit', message: `${name} runner ${how} after reporting no failure\n${r.tail.slice(-12).join('\n')}`.trim() });
  }
}

// Table.
const head = ['runtime', 'backend', 'passed', 'failed', 'ms', 'info'];
const body = rows.map((r) => [r.runtime, r.backend, String(r.passed), String(r.failed), String(r.ms), r.info || '']);
const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
const fmt = (cells) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
console.log(`\n${fmt(head)}\n${w.map((n) => '-'.repeat(n)).join('  ')}`);
for (const b of body) console.log(fmt(b));

const failures = rows.flatMap((r) => r.failures.map((f) => ({ ...f, where: `${r.runtime}/${r.backend}` })));
if (failures.length) {
  console.log(`\nFailures (${failures.length}):`);
  for (const f of failures) {
    const lines = String(f.message).split('\n');
    const msg = lines.slice(0, 16).join('\n      ') + (lines.length > 16 ? `\n      ... (${lines.length - 16} more lines)` : '');
    console.log(`  ${f.where}  ${f.suite} > ${f.test}\n      ${msg}`);
  }
}
if (stderrLines.size) {
  console.log(`\nnote: stderr output (not counted as failures; look for WebGPU validation errors): ${[...stderrLines].map(([k, n]) => `${k} ${n} line(s)`).join(', ')}`);
}
// Rows that never got to run a test: the runtime or backend could not start (no result, no
// browser, init picked another backend, ...). Counted as failures, in CI or not.
const notRun = rows.filter((r) => r.backend !== 'unit' && r.passed === 0 && r.failures.length && r.failures.every((f) => f.suite === '(harness)'));
if (notRun.length) {
  console.log(`\nnote: ${notRun.map((r) => `${r.runtime}/${r.backend}`).join(', ')} could not start or produced no result; counted as failures (${ci ? 'CI=true' : 'outside CI too'}: a runtime that cannot start is never skipped).`);
}
const passed = rows.reduce((n, r) => n + r.passed, 0);
const failed = rows.reduce((n, r) => n + r.failed, 0);
console.log(`\n(${((Date.now() - t00) / 1000).toFixed(1)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
