// The published package: what `npm pack` holds and how big it is, publint and
// arethetypeswrong (npm run check:package), `npm publish --dry-run`, and the packed tarball
// installed into fresh Node, Deno and workerd projects running the README's snippets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, freePort, waitForPort } from '../runners/common.mjs';
import { pack, freshProject } from './package-fixture.mjs';
import { readmeBlocks } from './readme.mjs';

const run = (cmd, args, opts = {}) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe', timeout: 120e3, ...opts });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.status ?? e.signal}):\n${e.stdout ?? ''}\n${e.stderr ?? ''}`.slice(0, 4000));
  }
};

// The README's first example trains for 100 steps and prints "step loss" every 20 steps.
function assertUsageOutput(out, where) {
  const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number)).filter((r) => r.length === 2 && r.every(Number.isFinite));
  assert.equal(rows.map((r) => r[0]), [0, 20, 40, 60, 80], `${where}: printed steps\n${out}`);
  // softmax regression on random labels: Adam must drive the loss down from about ln 10
  assert.ok(rows[0][1] > 1.5 && rows[0][1] < 4, `${where}: first loss ${rows[0][1]}`);
  assert.ok(rows[4][1] < 0.8 * rows[0][1], `${where}: loss ${rows[0][1]} -> ${rows[4][1]}\n${out}`);
}

test('npm pack: dist/, README, LICENSE and package.json only; types included; at most 1 MB', () => {
  const p = pack();
  const stray = p.files.filter((f) => !f.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(f));
  assert.equal(stray, [], 'files outside dist/');
  for (const f of ['LICENSE', 'README.md', 'dist/edgegrad.wasm', 'dist/edgegrad.relaxed.wasm', 'dist/edgegrad.threads.wasm', 'dist/edgegrad.threads.relaxed.wasm', 'dist/edgegrad.worker.js', 'dist/edgegrad.worker.node.js', 'dist/types/ts/index.d.ts', 'dist/edgegrad.browser.js', 'dist/edgegrad.node.js'])
    assert.ok(p.files.includes(f), `${f} is packed`);
  assert.not.ok(p.files.some((f) => f.endsWith('.map') || f.includes('/test')), 'no maps or tests');
  console.log(`  package: ${(p.size / 1024).toFixed(0)} KiB packed, ${(p.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${p.files.length} files`);
  assert.ok(p.size <= 1024 * 1024, `packed size ${p.size} > 1 MB`);
});

test('publint --strict and arethetypeswrong pass on the tarball', () => {
  const bin = (n) => join(ROOT, 'node_modules/.bin', n);
  const lint = run(bin('publint'), ['run', pack().tarball, '--strict'], { cwd: ROOT });
  assert.match(lint, /All good/, lint);
  // ESM only: node10 and require() resolution are out of scope; the .wasm subpaths are not modules
  run(bin('attw'), [pack().tarball, '--profile', 'esm-only', '--exclude-entrypoints', 'edgegrad.wasm', 'edgegrad.relaxed.wasm', 'edgegrad.threads.wasm', 'edgegrad.threads.relaxed.wasm', '--format', 'ascii'], { cwd: ROOT });
});

test('npm publish --dry-run: no warning about the package', () => {
  const out = run('bash', ['-c', 'npm publish --dry-run --offline "$0" 2>&1', pack().tarball], { cwd: ROOT });
  // the login notice is about this machine, not the package
  const warnings = out.split('\n').filter((l) => /npm (warn|ERR)/i.test(l) && !/requires you to be logged in/.test(l));
  assert.equal(warnings, [], out);
  assert.match(out, /\+ edgegrad@/);
});

test("Node: npm install <tarball> in a fresh project; the README's usage example runs", () => {
  const [{ code }] = readmeBlocks('Usage', { lang: 'js' });
  const dir = freshProject('node-app', { 'usage.mjs': code });
  assertUsageOutput(run(process.execPath, ['usage.mjs'], { cwd: dir }), 'node');
});

test("Deno: the same project through its node_modules; the README's usage example runs", () => {
  const [{ code }] = readmeBlocks('Usage', { lang: 'js' });
  const dir = freshProject('deno-app', { 'usage.mjs': code });
  const deno = join(ROOT, 'node_modules/.bin/deno');
  const out = run(deno, ['run', '--cached-only', '--node-modules-dir=manual', `--allow-read=${dir}`, 'usage.mjs'], { cwd: dir, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } });
  assertUsageOutput(out, 'deno');
});

test("workerd: the README's Worker, bundled as Wrangler does (esbuild, workerd condition, .wasm as modules)", async () => {
  const block = readmeBlocks('Per-runtime setup', { lang: 'js' }).find((b) => /export default\s*{/.test(b.code));
  assert.ok(block, 'the README has a Worker example');
  const dir = freshProject('worker-app', { 'src/index.js': block.code });
  await build({
    absWorkingDir: dir, entryPoints: ['src/index.js'], bundle: true, format: 'esm', platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'], external: ['*.wasm'], outfile: 'out/worker.js', logLevel: 'warning',
  });
  const wasm = ['edgegrad.wasm', 'edgegrad.relaxed.wasm'];
  for (const f of wasm) copyFileSync(join(dir, 'node_modules/edgegrad/dist', f), join(dir, 'out', f));
  const port = await freePort();
  writeFileSync(join(dir, 'out/config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js"), ${wasm.map((f) => `(name = "${f}", wasm = embed "${f}")`).join(', ')} ],
  compatibilityDate = "2025-09-01",
);
`);
  const proc = spawn(join(ROOT, 'node_modules/.bin/workerd'), ['serve', 'config.capnp'], { cwd: join(dir, 'out'), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (c) => { log += c; });
  proc.stderr.on('data', (c) => { log += c; });
  let exited = null;
  proc.on('exit', (c, s) => { exited = `workerd exited with ${c ?? s}`; });
  try {
    await waitForPort(port, 30e3, () => !exited);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    const body = await res.text();
    assert.is(res.status, 200, `${body}\n${log}`);
    const [y] = JSON.parse(body); // softmax([[1, 2, 3]])
    const e = [1, 2, 3].map(Math.exp), tot = e[0] + e[1] + e[2];
    e.forEach((v, i) => assert.ok(Math.abs(y[i] - v / tot) <= 1e-6, `softmax[${i}] = ${y[i]}, want ${v / tot}`));
  } finally {
    proc.kill();
  }
});

const t0 = new Map();
test.before.each((ctx) => { t0.set(ctx.__test__, performance.now()); });
test.after.each((ctx) => { console.log(`  package: ${ctx.__test__.split(':')[0]}: ${((performance.now() - t0.get(ctx.__test__)) / 1000).toFixed(1)} s`); });

test.run();
