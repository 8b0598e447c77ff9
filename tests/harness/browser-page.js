// Loaded by tests/harness/browser.html. Query: ?lib=/dist/edgegrad.browser.js&suites=/tests/conformance/index.js
// Exposes window.__egRun({ backends, filter, testTimeoutMs }) -> rows (see run-suites.js);
// progress lines go to window.__egLog (exposed by the runner) or the console.
import { runSuites } from './run-suites.js';

const q = new URLSearchParams(location.search);
const ready = (async () => {
  const eg = await import(q.get('lib') || '/dist/edgegrad.browser.js');
  const { suites } = await import(q.get('suites') || '/tests/conformance/index.js');
  if (!suites || typeof suites !== 'object') throw new Error('the suites module does not export `suites`');
  return { eg, suites };
})();
ready.catch(() => {}); // reported through __egRun

window.__egRun = async (opts) => {
  const { eg, suites } = await ready;
  const log = (line) => (typeof window.__egLog === 'function' ? window.__egLog(line) : console.log(line));
  return runSuites(eg, suites, { runtime: 'chromium', ...opts, log });
};
window.__egEnv = () => ({
  userAgent: navigator.userAgent,
  gpu: typeof navigator.gpu,
  secure: window.isSecureContext,
  crossOriginIsolated: window.crossOriginIsolated,
});
