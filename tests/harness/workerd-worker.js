// The test worker for workerd. tests/runners/workerd.mjs bundles a tiny entry that does
//   import * as eg from '<dist>/edgegrad.workerd.js'; import { suites } from '<suites>';
//   export default makeWorker(eg, suites);
// GET /run?backend=wasm[&suite=a,b][&grep=s][&timeout=ms] runs the suites in the worker and
// streams NDJSON: {"type":"log","line":...} while running, then {"type":"row","row":{...}}.
import { runSuites, errorText } from './run-suites.js';

export function makeWorker(eg, suites) {
  let busy = false;
  return {
    async fetch(request, env, ctx) {
      const url = new URL(request.url);
      if (url.pathname === '/health') return new Response('ok');
      if (url.pathname !== '/run') return new Response('not found', { status: 404 });
      if (busy) return new Response('a run is already in progress', { status: 409 });
      busy = true;
      const list = (k) => (url.searchParams.get(k) || '').split(',').map((s) => s.trim()).filter(Boolean);
      const backends = list('backend');
      const { readable, writable } = new TransformStream();
      const writer = writable.getWriter();
      const enc = new TextEncoder();
      const send = (obj) => writer.write(enc.encode(`${JSON.stringify(obj)}\n`));
      const work = (async () => {
        try {
          await runSuites(eg, suites, {
            runtime: 'workerd',
            backends: backends.length ? backends : ['wasm'],
            // asked for, and refused: workerd has no workers, so the report must say why (suite threads)
            initOptions: { threads: 2 },
            filter: { suites: list('suite'), grep: url.searchParams.get('grep') || '' },
            testTimeoutMs: Number(url.searchParams.get('timeout')) || 120000,
            verbose: url.searchParams.get('verbose') === '1',
            log: (line) => send({ type: 'log', line }),
            onRow: (row) => send({ type: 'row', row }),
          });
        } catch (e) {
          await send({ type: 'error', message: errorText(e) });
        } finally {
          busy = false;
          await writer.close();
        }
      })();
      if (ctx && ctx.waitUntil) ctx.waitUntil(work);
      return new Response(readable, { headers: { 'content-type': 'application/x-ndjson' } });
    },
  };
}
