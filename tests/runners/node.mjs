// Node runner: the conformance suites under uvu on backends js, wasm and webgpu (the `webgpu`
// npm package = Dawn, on SwiftShader's Vulkan driver), then tests/unit/*.test.mjs, each file in
// its own `node` process, as the row node/unit. Prints one marked JSON row per backend.
//   node tests/runners/node.mjs [--backend js,wasm,webgpu] [--suite a,b] [--grep s] [--suites path] [--no-unit]
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, initBackend, describeInfo, listTests, errorText, now, variantRuns } from '../harness/run-suites.js';
import { ROOT, distDir, suitesRel, fileUrl, emitRow, finish, runChild, vulkanEnv, SWIFTSHADER_ICD } from './common.mjs';

const ALL = ['js', 'wasm', 'webgpu', 'wasm-mt'];
const args = parseArgs(process.argv.slice(2));
const backends = (args.backends ? ALL.filter((b) => args.backends.includes(b)) : ALL).filter((b) => variantRuns(b, { suites: args.suites }));
const filter = { suites: args.suites, grep: args.grep };
const testTimeoutMs = args.testTimeoutMs || 120000;
const filtered = !!(args.backends || args.suites || args.grep);

// Dawn finds SwiftShader through these; set before the webgpu module loads.
if (!process.env.VK_ICD_FILENAMES || !process.env.XDG_RUNTIME_DIR) Object.assign(process.env, vulkanEnv(SWIFTSHADER_ICD));

// uvu: defer its auto-run and drive exec() ourselves, one queue per backend.
globalThis.UVU_DEFER = 1;
globalThis.UVU_QUEUE = [];
const { suite: uvuSuite, exec: uvuExec } = await import('uvu');

let failedAny = false;
const fatal = (backendsLeft, message) => {
  for (const b of backendsLeft) {
    emitRow({ runtime: 'node', backend: b, passed: 0, failed: 1, ms: 0, info: '', failures: [{ suite: '(harness)', test: 'start', message }] });
  }
  failedAny = true;
};

let eg, suites;
try {
  eg = await import(fileUrl(join(distDir(args), 'edgegrad.node.js')));
  ({ suites } = await import(fileUrl(join(ROOT, suitesRel(args)))));
  if (!suites || typeof suites !== 'object') throw new Error(`${suitesRel(args)} does not export 'suites'`);
} catch (e) {
  fatal(backends, `could not load the library or the suites: ${errorText(e)}`);
  eg = null;
}

let gpu = null;
async function initOptions(backend) {
  if (backend !== 'webgpu') return {};
  if (!gpu) {
    const { create } = await import('webgpu');
    gpu = create([]);
  }
  return { gpu };
}

async function runBackend(backend) {
  const row = { runtime: 'node', backend, passed: 0, failed: 0, failures: [], ms: 0, info: '' };
  const t0 = now();
  const fail = (suite, test, message) => { row.failed++; row.failures.push({ suite, test, message }); };
  let tests = [];
  try {
    const info = await initBackend(eg, backend, await initOptions(backend));
    row.info = describeInfo(info, backend);
    console.log(`node/${backend}: init ok${row.info ? ` (${row.info})` : ''}`);
  } catch (e) {
    fail('(harness)', `init ${backend}`, errorText(e));
    console.log(`node/${backend}: ${errorText(e)}`);
  }
  if (!row.failed) {
    try {
      tests = listTests(suites, { eg, backend, runtime: 'node' }, filter);
      if (!tests.length) fail('(harness)', 'select tests', 'no tests matched the filters');
    } catch (e) {
      tests = [];
      fail('(harness)', 'select tests', errorText(e));
      console.log(`node/${backend}: ${errorText(e)}`);
    }
  }
  if (tests.length) {
    globalThis.UVU_QUEUE = [[`node/${backend}`]];
    globalThis.UVU_INDEX = 0;
    const groups = new Map();
    for (const t of tests) {
      if (!groups.has(t.suite)) groups.set(t.suite, []);
      groups.get(t.suite).push(t);
    }
    for (const [name, list] of groups) {
      const s = uvuSuite(`${backend}/${name}`);
      for (const t of list) {
        s(t.name, async () => {
          let timer;
          try {
            await Promise.race([
              Promise.resolve().then(t.fn),
              new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${testTimeoutMs} ms`)), testTimeoutMs); }),
            ]);
            row.passed++;
          } catch (e) {
            fail(t.suite, t.name, errorText(e));
            // uvu's reporter needs an Error-like value (a thrown string would stop the suite)
            throw e && typeof e === 'object' && typeof e.name === 'string' && typeof e.message === 'string' ? e : new Error(errorText(e));
          } finally {
            clearTimeout(timer);
          }
        });
      }
      s.run();
    }
    await uvuExec();
    const ran = row.passed + row.failed;
    if (ran < tests.length) fail('(harness)', 'uvu', `${tests.length - ran} of ${tests.length} tests did not run (uvu stopped a suite early)`);
  }
  row.ms = Math.round(now() - t0);
  if (row.failed) failedAny = true;
  emitRow(row);
}

// tests/unit/*.test.mjs: uvu files, one `node` process each; counts from uvu's summary.
async function runUnit() {
  const dir = join(ROOT, 'tests', 'unit');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort() : [];
  const row = { runtime: 'node', backend: 'unit', passed: 0, failed: 0, failures: [], ms: 0, info: `${files.length} files` };
  const t0 = now();
  for (const f of files) {
    const rel = `tests/unit/${f}`;
    const r = await runChild(process.execPath, [rel], { prefix: `  [${f}] `, timeoutMs: Number(process.env.EDGEGRAD_UNIT_TIMEOUT_MS) || 5 * 60e3 });
    const text = r.tail.join('\n').replace(/\x1b\[[0-9;]*m/g, '');
    const last = (re) => [...text.matchAll(re)].pop(); // uvu's summary is the last one printed
    const total = last(/Total:\s+(\d+)/g), passed = last(/Passed:\s+(\d+)/g), skipped = last(/Skipped:\s+(\d+)/g);
    if (total && passed) {
      const t = +total[1], p = +passed[1], sk = skipped ? +skipped[1] : 0;
      row.passed += p;
      const failed = Math.max(0, t - p);
      row.failed += failed;
      if (failed) row.failures.push({ suite: 'unit', test: f, message: `${failed} of ${t} tests failed (see the log above)` });
      if (sk) console.log(`  [${f}] ${sk} skipped`);
      if (!failed && (r.code !== 0 || r.timedOut)) {
        row.failed++;
        row.failures.push({ suite: 'unit', test: f, message: r.timedOut ? 'timed out after its summary' : `exited with ${r.code ?? r.signal} although uvu reported no failure` });
      }
    } else {
      row.failed++;
      const why = r.spawnError || (r.timedOut ? 'timed out' : `exited with ${r.code ?? r.signal} before printing a uvu summary`);
      row.failures.push({ suite: 'unit', test: f, message: `${why}\n${r.tail.slice(-8).join('\n')}` });
    }
  }
  row.ms = Math.round(now() - t0);
  if (row.failed) failedAny = true;
  emitRow(row);
}

if (eg) {
  for (const b of backends) {
    try { await runBackend(b); } catch (e) { fatal([b], `runner error: ${errorText(e)}`); }
  }
}
if (args.unit && !filtered) await runUnit();
finish(failedAny ? 1 : 0);
