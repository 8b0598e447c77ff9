// Runtime-agnostic conformance driver. Plain ESM with no imports and no platform globals,
// so the same file runs in Node, Deno, workerd (bundled) and Chromium (served as-is).
//
// A suites module exports `suites`: { [suiteName]: (test, ctx) => void }, where
// test(name, async () => {...}) registers a test and ctx = { eg, backend, runtime }.
// A test fails by throwing.

/** Wall clock that works everywhere (workerd freezes it between I/O; callers may time outside). */
export const now = () => (typeof performance !== 'undefined' && performance.now ? performance.now() : Date.now());

/**
 * Backend variants a runner may list beside js/wasm/webgpu: the backend they init, the extra
 * init options, and the suites they run. The threaded wasm run (2 threads; Node and Deno)
 * covers a representative subset, to keep CI short. Suites see ctx.backend = the base backend
 * and ctx.threads = the thread count.
 */
export const VARIANTS = {
  // split threshold 0: every call with 2+ rows or blocks is split, small test shapes included
  'wasm-mt': { backend: 'wasm', init: { threads: 2, thresholds: { threads: 0 } }, suites: ['elementwise', 'reduce', 'matmul', 'optim', 'nn', 'llm', 'decode', 'threads'] },
};

/** Whether a backend (or variant) has tests left under the --suite filter. */
export function variantRuns(backend, filter = {}) {
  const v = VARIANTS[backend];
  return !v || !filter.suites || !filter.suites.length || filter.suites.some((s) => v.suites.includes(s));
}

/** Collects the tests of `suites` for one backend, honouring the filters.
 *  filter: { suites?: string[], grep?: string } -> [{ suite, name, fn }] */
export function listTests(suites, ctx, filter = {}) {
  const out = [];
  let wanted = filter.suites && filter.suites.length ? new Set(filter.suites) : null;
  const v = VARIANTS[ctx.backend];
  if (v) {
    ctx = { ...ctx, backend: v.backend, threads: v.init.threads };
    const subset = v.suites.filter((s) => s in suites && (!wanted || wanted.has(s)));
    if (wanted) for (const s of wanted) if (!(s in suites)) throw new Error(`unknown suite '${s}' (have: ${Object.keys(suites).join(', ')})`);
    wanted = new Set(subset);
  }
  const grep = filter.grep ? String(filter.grep).toLowerCase() : '';
  for (const [suite, register] of Object.entries(suites)) {
    if (wanted && !wanted.has(suite)) continue;
    if (typeof register !== 'function') throw new Error(`suite '${suite}' is not a function (got ${typeof register})`);
    const test = (name, fn) => {
      if (typeof fn !== 'function') throw new Error(`suite '${suite}': test '${name}' has no function`);
      if (grep && !`${suite} ${name}`.toLowerCase().includes(grep)) return;
      out.push({ suite, name: String(name), fn });
    };
    // uvu-style conveniences some suites may use; both keep the test in the run.
    test.only = test; test.skip = () => {};
    register(test, ctx);
  }
  if (wanted) {
    for (const s of wanted) if (!(s in suites)) throw new Error(`unknown suite '${s}' (have: ${Object.keys(suites).join(', ')})`);
  }
  return out;
}

/** Short human description of a capability report entry. */
export function describeInfo(info, backend) {
  backend = VARIANTS[backend]?.backend ?? backend;
  const b = info && info.backends && info.backends[backend];
  if (!b) return '';
  if (backend === 'wasm') return [b.simd ? 'simd' : 'no-simd', b.relaxedSimd ? 'relaxed' : '', b.threads ? `threads×${b.threadCount}` : ''].filter(Boolean).join(',');
  if (backend === 'webgpu') {
    const a = b.adapter;
    if (!a) return '';
    if (typeof a === 'string') return a;
    return [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ').trim();
  }
  return '';
}

/** init() one backend; throws a descriptive Error when the library picked another one. */
export async function initBackend(eg, name, initOptions = {}) {
  const v = VARIANTS[name];
  const backend = v ? v.backend : name;
  const opts = { ...initOptions, ...(v ? v.init : {}), backend };
  // Force every op onto the GPU when the GPU backend is under test.
  if (backend === 'webgpu') opts.thresholds = { ...(initOptions.thresholds || {}), webgpu: 0 };
  let info;
  try {
    info = await eg.init(opts);
  } catch (e) {
    throw new Error(`init({ backend: '${backend}' }) threw: ${errorText(e)}`);
  }
  if (!info || info.selected !== backend) {
    const entry = info && info.backends && info.backends[backend];
    const reason = entry ? (entry.reason || (entry.ok ? 'reported ok but was not selected' : 'not available')) : 'no entry in the capability report';
    throw new Error(`init({ backend: '${backend}' }) selected '${info && info.selected}': ${reason}`);
  }
  if (v && v.init.threads && !info.backends.wasm.threads)
    throw new Error(`init(${JSON.stringify(opts)}) ran no threads: ${info.backends.wasm.threadsReason}`);
  return info;
}

export function errorText(e) {
  if (e == null) return String(e);
  if (typeof e !== 'object') return String(e);
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e.message ?? String(e)}`;
}

/** Runs one test function with a timeout; resolves to null on success or an error message. */
export async function runOne(fn, timeoutMs) {
  let timer;
  try {
    const timeout = new Promise((_, reject) => {
      if (timeoutMs > 0) timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([Promise.resolve().then(fn), timeout]);
    return null;
  } catch (e) {
    return errorText(e);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * runSuites(eg, suites, { runtime, backends, initOptions, filter, testTimeoutMs, log, onTest, onRow, verbose })
 * -> [{ runtime, backend, passed, failed, failures: [{ suite, test, message }], ms, info }]
 * initOptions: object, or (backend) => object. log: (line) => void (default console.log).
 */
export async function runSuites(eg, suites, opts = {}) {
  const {
    runtime = 'unknown', backends = ['js'], initOptions = {}, filter = {},
    testTimeoutMs = 120000, log = (s) => console.log(s), onTest = null, onRow = null, verbose = false,
  } = opts;
  const rows = [];
  for (const backend of backends) {
    const row = { runtime, backend, passed: 0, failed: 0, failures: [], ms: 0, info: '' };
    const t0 = now();
    const fail = (suite, test, message) => {
      row.failed++;
      row.failures.push({ suite, test, message });
      log(`  ✗ ${runtime}/${backend} ${suite} > ${test}\n      ${String(message).split('\n').join('\n      ')}`);
    };
    let tests = null;
    try {
      const io = typeof initOptions === 'function' ? await initOptions(backend) : initOptions;
      const info = await initBackend(eg, backend, io);
      row.info = describeInfo(info, backend);
      log(`${runtime}/${backend}: init ok${row.info ? ` (${row.info})` : ''}`);
    } catch (e) {
      fail('(harness)', `init ${backend}`, errorText(e));
    }
    if (!row.failed) {
      try {
        tests = listTests(suites, { eg, backend, runtime }, filter);
        if (tests.length === 0) fail('(harness)', 'select tests', 'no tests matched the filters');
      } catch (e) {
        fail('(harness)', 'select tests', errorText(e));
      }
    }
    // One line per suite (every test with verbose); failures always in full.
    let cur = null;
    const endSuite = () => {
      if (cur) log(`  ${cur.failed ? '✗' : '✓'} ${runtime}/${backend} ${cur.name}: ${cur.passed}/${cur.passed + cur.failed} passed (${(now() - cur.t0).toFixed(0)} ms)`);
      cur = null;
    };
    for (const t of tests || []) {
      if (!cur || cur.name !== t.suite) { endSuite(); cur = { name: t.suite, passed: 0, failed: 0, t0: now() }; }
      const ts = now();
      const message = await runOne(t.fn, testTimeoutMs);
      const ms = now() - ts;
      if (message === null) {
        row.passed++; cur.passed++;
        if (verbose) log(`    ✓ ${t.suite} > ${t.name} (${ms.toFixed(0)} ms)`);
      } else {
        cur.failed++;
        fail(t.suite, t.name, message);
      }
      if (onTest) await onTest({ runtime, backend, suite: t.suite, test: t.name, ok: message === null, message, ms });
    }
    endSuite();
    row.ms = Math.round(now() - t0);
    log(`${runtime}/${backend}: ${row.passed} passed, ${row.failed} failed, ${row.ms} ms`);
    rows.push(row);
    if (onRow) await onRow(row);
  }
  return rows;
}

/** The marker the runners print in front of each JSON result row on stdout. */
export const MARK = '##edgegrad-result##';

/** Parses harness arguments (same flags everywhere): --backend a,b --suite x,y --grep s
 *  --suites <module path from repo root> --test-timeout <ms> --dist <folder>. */
export function parseArgs(argv) {
  const out = { backends: null, suites: null, grep: '', suitesModule: '', testTimeoutMs: 0, runtimes: null, unit: true, verbose: false, dist: '' };
  const list = (v) => String(v || '').split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i], v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const take = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case '--backend': case '--backends': out.backends = list(take()); break;
      case '--suite': case '--suites-filter': out.suites = list(take()); break;
      case '--runtime': case '--runtimes': out.runtimes = list(take()); break;
      case '--grep': out.grep = take(); break;
      case '--suites': out.suitesModule = take(); break;
      case '--test-timeout': out.testTimeoutMs = Number(take()); break;
      case '--no-unit': out.unit = false; break;
      case '--dist': out.dist = take(); break;
      case '--verbose': case '-v': out.verbose = true; break;
      default: throw new Error(`unknown argument '${argv[i]}'`);
    }
  }
  return out;
}
