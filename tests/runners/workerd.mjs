// workerd runner (Node side): bundles a test worker with rollup (the library's workerd entry
// + the suites + tests/harness/workerd-worker.js), writes a capnp config into a temp folder
// that serves it on 127.0.0.1:<free port> with edgegrad.wasm and edgegrad.relaxed.wasm as
// wasm modules, starts `workerd serve`, runs GET /run?backend=wasm and stops workerd.
//   node tests/runners/workerd.mjs [--suite a,b] [--grep s] [--suites path] [--dist folder]
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, basename, dirname, resolve } from 'node:path';
import http from 'node:http';
import { rollup } from 'rollup';
import { parseArgs, errorText, now } from '../harness/run-suites.js';
import { ROOT, distDir, suitesRel, emitRow, finish, freePort, waitForPort, freshTmp } from './common.mjs';

const ALL = ['wasm'];
const WASM_FILES = ['edgegrad.wasm', 'edgegrad.relaxed.wasm'];
const COMPAT_DATE = '2025-09-01';
const args = parseArgs(process.argv.slice(2));
const backends = args.backends ? ALL.filter((b) => args.backends.includes(b)) : ALL;
const totalTimeoutMs = Number(process.env.EDGEGRAD_RUNTIME_TIMEOUT_MS) || 8 * 60e3;

const failRows = (message) => {
  for (const b of backends) emitRow({ runtime: 'workerd', backend: b, passed: 0, failed: 1, ms: 0, info: '', failures: [{ suite: '(harness)', test: 'start', message }] });
};

async function bundle(dir) {
  const dist = distDir(args);
  const entryId = '\0edgegrad-test-entry';
  const seedId = '\0edgegrad-test-seed';
  const js = (p) => JSON.stringify(p);
  const build = await rollup({
    input: entryId,
    onwarn: (w, warn) => { if (w.code !== 'CIRCULAR_DEPENDENCY') warn(w); },
    plugins: [{
      name: 'edgegrad-test-worker',
      resolveId(id, importer) {
        if (id === entryId || id === seedId) return id;
        // The workerd entry imports its .wasm files as modules: keep them as module imports
        // named by file name; the capnp config declares modules with those names. The import
        // must point at a file that is really there (what a user's bundler would resolve).
        if (/\.wasm(\?module)?$/.test(id)) {
          const file = id.replace(/\?module$/, '');
          const where = importer && !importer.startsWith('\0') ? resolve(dirname(importer), file) : file;
          if (!existsSync(where)) throw new Error(`${importer} imports '${id}', but ${where} does not exist`);
          return { id: `./${basename(file)}`, external: true };
        }
        return null;
      },
      load(id) {
        if (id === seedId) return `globalThis.EG_SEED = ${Number(process.env.EG_SEED)};`;
        if (id !== entryId) return null;
        return [
          // EG_SEED (the suites' fixed seed) must be set before the suites module evaluates.
          ...(process.env.EG_SEED !== undefined ? [`import ${js(seedId)};`] : []),
          `import * as eg from ${js(join(dist, 'edgegrad.workerd.js'))};`,
          `import { suites } from ${js(join(ROOT, suitesRel(args)))};`,
          `import { makeWorker } from ${js(join(ROOT, 'tests/harness/workerd-worker.js'))};`,
          'export default makeWorker(eg, suites);',
        ].join('\n');
      },
    }],
  });
  const { output } = await build.generate({ format: 'es', inlineDynamicImports: true });
  await build.close();
  const code = output[0].code;
  writeFileSync(join(dir, 'worker.js'), code);
  const wasmImports = [...new Set([...code.matchAll(/from\s+['"]\.\/([^'"]+\.wasm)['"]/g)].map((m) => m[1]))];
  for (const f of new Set([...WASM_FILES, ...wasmImports])) {
    if (!existsSync(join(dist, f))) throw new Error(`${join(dist, f)} is missing (run npm run build)`);
    copyFileSync(join(dist, f), join(dir, f));
  }
  return { code, wasm: [...new Set([...WASM_FILES, ...wasmImports])] };
}

function config(port, wasm, flags) {
  const modules = [`(name = "worker.js", esModule = embed "worker.js")`, ...wasm.map((f) => `(name = "${f}", wasm = embed "${f}")`)];
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .testWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const testWorker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = "${COMPAT_DATE}",
  compatibilityFlags = [${flags.map((f) => `"${f}"`).join(', ')}],
);
`;
}

/** GET that streams NDJSON lines to onObj; no header/body timeouts (runs can be long). */
function getNdjson(url, onObj, timeoutMs) {
  return new Promise((res, rej) => {
    const req = http.get(url, (resp) => {
      if (resp.statusCode !== 200) {
        let body = '';
        resp.setEncoding('utf8').on('data', (c) => { body += c; }).on('end', () => rej(new Error(`HTTP ${resp.statusCode}: ${body.slice(0, 2000)}`)));
        return;
      }
      let buf = '';
      resp.setEncoding('utf8');
      resp.on('data', (c) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i); buf = buf.slice(i + 1);
          if (line.trim()) { try { onObj(JSON.parse(line)); } catch { console.log(line); } }
        }
      });
      resp.on('end', () => res());
      resp.on('error', rej);
    });
    req.on('error', rej);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
  });
}

let code = 0;
let proc = null;
try {
  if (!backends.length) throw new Error('no backend selected for workerd (it runs wasm only)');
  const dir = freshTmp('workerd');
  const { code: bundled, wasm } = await bundle(dir);
  const flags = /\bfrom\s*['"]node:|\bimport\(\s*['"]node:/.test(bundled) ? ['nodejs_compat'] : [];
  if (flags.length) console.log('workerd: the bundle imports node: modules; enabling nodejs_compat');
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), config(port, wasm, flags));
  const bin = join(ROOT, 'node_modules/.bin/workerd');
  console.log(`workerd: ${readFileSync(join(dir, 'worker.js')).length} byte worker, modules ${['worker.js', ...wasm].join(', ')}, compatibilityDate ${COMPAT_DATE}, port ${port}`);
  let exited = null;
  const log = [];
  proc = spawn(bin, ['serve', join(dir, 'config.capnp')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (c) => { for (const l of String(c).split('\n')) if (l.trim()) { log.push(l); console.log(`  [workerd] ${l}`); } };
  proc.stdout.on('data', keep); proc.stderr.on('data', keep);
  proc.on('exit', (c, s) => { exited = `workerd exited with ${c ?? s}`; });
  proc.on('error', (e) => { exited = `workerd could not start: ${e.message}`; });
  try {
    await waitForPort(port, 30000, () => !exited);
  } catch (e) {
    throw new Error(`${exited || e.message}\n${log.slice(-10).join('\n')}`);
  }
  for (const backend of backends) {
    const t0 = now();
    let row = null;
    const q = new URLSearchParams({ backend });
    if (args.suites) q.set('suite', args.suites.join(','));
    if (args.grep) q.set('grep', args.grep);
    if (args.testTimeoutMs) q.set('timeout', String(args.testTimeoutMs));
    if (args.verbose) q.set('verbose', '1');
    try {
      await getNdjson(`http://127.0.0.1:${port}/run?${q}`, (m) => {
        if (m.type === 'log') console.log(m.line);
        else if (m.type === 'row') row = m.row;
        else if (m.type === 'error') console.log(`workerd: worker error: ${m.message}`);
      }, totalTimeoutMs);
      if (!row) throw new Error(`the worker sent no result${exited ? ` (${exited})` : ''}\n${log.slice(-10).join('\n')}`);
      row.ms = Math.round(now() - t0); // workerd's clock only moves on I/O: time it from outside
    } catch (e) {
      row = { runtime: 'workerd', backend, passed: row?.passed || 0, failed: (row?.failed || 0) + 1, ms: Math.round(now() - t0), info: '', failures: [...(row?.failures || []), { suite: '(harness)', test: 'run', message: errorText(e) }] };
    }
    if (row.failed) code = 1;
    emitRow(row);
  }
} catch (e) {
  failRows(errorText(e));
  code = 1;
} finally {
  if (proc && proc.exitCode === null) proc.kill('SIGTERM');
}
finish(code);
