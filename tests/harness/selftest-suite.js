// Deliberately failing suites for checking the harness itself: every runner must report these
// failures (thrown Error, thrown string, a hang cut by the per-test timeout, a late rejection)
// and the orchestrator must turn a crashed runner into failures, e.g.
//   node tests/run.mjs --suites tests/harness/selftest-suite.js --test-timeout 2000 --suite bad
//     -> per backend: 1 passed, 4 failed
//   node tests/run.mjs --suites tests/harness/selftest-suite.js --runtime node --suite crash
//     -> the Node runner exits mid-run; every Node row is a failure "produced no result"
export const suites = {
  bad(test, { backend, runtime }) {
    test('passes', () => {});
    test('throws Error', () => { throw new Error(`expected failure on ${runtime}/${backend}`); });
    test('throws string', () => { throw 'a thrown string'; });
    test('hangs', () => new Promise(() => {}));
    test('rejects async', async () => { await null; throw new TypeError('late rejection'); });
  },
  crash(test, { runtime }) {
    test('exits the process (Node only)', () => { if (runtime === 'node' && globalThis.process) globalThis.process.exit(5); });
  },
};
