// The packed package in a fresh web project, three ways: a Vite build, an esbuild bundle (with
// the README's commands) and a plain import map. Each page runs softmax(a @ b) on wasm in
// Chromium; the result is checked against a float64 reference, and the .wasm must have been
// found where the bundler put it, with no manual step beyond the README's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build as viteBuild, createServer as viteServer } from 'vite';
import { startServer } from '../../examples/webapp/serve.mjs';
import { launchChromium } from '../runners/launch-chromium.mjs';
import { ROOT } from '../runners/common.mjs';
import { freshProject } from './package-fixture.mjs';
import { readmeBlocks } from './readme.mjs';

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const [M, K, N] = [5, 16, 7];

// the app: plain user code, no top-level await (Vite's default target has none)
const APP = `import * as eg from 'edgegrad';
async function main() {
  const seed = Number(new URLSearchParams(location.search).get('seed'));
  const info = await eg.init({ backend: 'wasm' });
  const key = eg.random.key(seed);
  const a = eg.random.normal(key, [${M}, ${K}]), b = eg.random.normal(eg.random.foldIn(key, 1), [${K}, ${N}]);
  const y = eg.softmax(eg.matmul(a, b), -1);
  window.__result = { selected: info.selected, launches: eg.stats().launches.wasm, a: Array.from(await a.data()), b: Array.from(await b.data()), y: Array.from(await y.data()) };
}
main().catch((e) => { window.__result = { error: String(e && e.stack || e) }; });
`;
const HTML = (head) => `<!doctype html><html><head><meta charset="utf-8">${head}</head><body></body></html>`;

let browser;
test.before(async () => { browser = await launchChromium(); });
test.after(async () => { await browser?.close(); });

/** Serves `root` (or opens `url`) in Chromium, checks the result; returns the .wasm URL paths fetched. */
async function runPage(root, what, url) {
  const server = url ? null : (await startServer({ root })).server;
  url ??= `http://127.0.0.1:${server.address().port}/`;
  const page = await browser.newPage();
  const wasm = [], problems = [];
  page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasm.push(`${r.status()} ${new URL(r.url()).pathname}`); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  try {
    await page.goto(`${url}?seed=${SEED}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__result, { timeout: 60e3 });
    const r = await page.evaluate(() => window.__result);
    assert.not.ok(r.error, `${what}: ${r.error}`);
    assert.is(r.selected, 'wasm', `${what}: selected`);
    assert.ok(r.launches >= 2, `${what}: the ops ran on wasm`);
    for (let i = 0; i < M; i++) {
      const z = Array.from({ length: N }, (_, j) => { let s = 0; for (let k = 0; k < K; k++) s += r.a[i * K + k] * r.b[k * N + j]; return s; });
      const mx = Math.max(...z), e = z.map((v) => Math.exp(v - mx)), tot = e.reduce((p, q) => p + q);
      e.forEach((v, j) => { const want = v / tot, got = r.y[i * N + j]; assert.ok(Math.abs(got - want) <= 1e-5 * want + 1e-6, `${what}: y[${i},${j}] = ${got}, want ${want} (seed ${SEED})`); });
    }
    assert.equal(problems, [], `${what}: page problems`);
    return wasm;
  } finally {
    await page.close();
    server?.closeAllConnections();
    server?.close();
  }
}

test('Vite: vite build, no configuration; the .wasm is emitted into assets/ and found there', async () => {
  const dir = freshProject('vite-app', { 'index.html': HTML('<script type="module" src="/main.js"></script>'), 'main.js': APP });
  await viteBuild({ root: dir, configFile: false, logLevel: 'warn', build: { outDir: join(dir, 'dist') } });
  const assets = readdirSync(join(dir, 'dist/assets'));
  assert.ok(assets.some((f) => /^edgegrad-[\w-]+\.wasm$/.test(f)) && assets.some((f) => /^edgegrad\.relaxed-[\w-]+\.wasm$/.test(f)), `both .wasm files emitted: ${assets.join(', ')}`);
  const fetched = await runPage(join(dir, 'dist'), 'vite');
  assert.ok(fetched.length === 1 && /^200 \/assets\/edgegrad(\.relaxed)?-[\w-]+\.wasm$/.test(fetched[0]), `fetched ${fetched.join(', ')}`);
});

test('Vite dev server: the dependency optimizer keeps the .wasm reachable', async () => {
  const dir = freshProject('vite-dev', { 'index.html': HTML('<script type="module" src="/main.js"></script>'), 'main.js': APP });
  const server = await viteServer({ root: dir, configFile: false, logLevel: 'warn', server: { host: '127.0.0.1', port: 0, watch: null } });
  await server.listen();
  try {
    const fetched = await runPage(null, 'vite dev', server.resolvedUrls.local[0]);
    assert.ok(fetched.length === 1 && /^200 \/node_modules\/edgegrad\/dist\/edgegrad(\.relaxed)?\.wasm$/.test(fetched[0]), `fetched ${fetched.join(', ')}`);
  } finally {
    await server.close();
  }
});

test("esbuild: the README's two commands", async () => {
  const dir = freshProject('esbuild-app', { 'index.html': HTML('<script type="module" src="app.js"></script>'), 'app.js': APP });
  const [{ code }] = readmeBlocks('esbuild', { lang: 'sh' });
  // the README says `npx esbuild`; here esbuild is the repository's (npx would ask the registry)
  execFileSync('bash', ['-euo', 'pipefail', '-c', code.replace(/\bnpx /g, '')], { cwd: dir, env: { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` }, stdio: 'pipe' });
  copyFileSync(join(dir, 'index.html'), join(dir, 'public/index.html'));
  const fetched = await runPage(join(dir, 'public'), 'esbuild');
  assert.ok(fetched.length === 1 && /^200 \/edgegrad(\.relaxed)?\.wasm$/.test(fetched[0]), `fetched ${fetched.join(', ')}`);
});

test("plain <script type=module> with the README's import map, no bundler", async () => {
  const [{ code }] = readmeBlocks('Plain `<script type="module">`', { lang: 'html' });
  const importMap = code.split('\n').find((l) => l.includes('type="importmap"'));
  assert.ok(importMap, 'the README block has an import map');
  const dir = freshProject('plain-app', { 'index.html': HTML(`${importMap}<script type="module" src="app.js"></script>`), 'app.js': APP });
  const fetched = await runPage(dir, 'import map');
  assert.ok(fetched.length === 1 && /^200 \/node_modules\/edgegrad\/dist\/edgegrad(\.relaxed)?\.wasm$/.test(fetched[0]), `fetched ${fetched.join(', ')}`);
});

test('the README block itself, as a page: it logs the backend and softmax([1, 2, 3])', async () => {
  const [{ code }] = readmeBlocks('Plain `<script type="module">`', { lang: 'html' });
  const dir = freshProject('readme-page', { 'index.html': HTML(code) });
  const { server, url } = await startServer({ root: dir });
  const page = await browser.newPage();
  try {
    const logged = new Promise((ok) => page.on('console', (m) => { if (m.type() === 'log') ok(m); }));
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    let timer;
    const m = await Promise.race([logged, new Promise((_, no) => { timer = setTimeout(() => no(new Error(`nothing logged; errors: ${errors.join('; ')}`)), 60e3); })]).finally(() => clearTimeout(timer));
    const [selected, y] = await Promise.all(m.args().map((a) => a.jsonValue()));
    assert.ok(['webgpu', 'wasm', 'js'].includes(selected), `logged backend ${selected}`);
    const e = [1, 2, 3].map(Math.exp), tot = e[0] + e[1] + e[2];
    e.forEach((v, i) => assert.ok(Math.abs(y[i] - v / tot) <= 1e-5, `softmax[${i}] = ${y[i]}, want ${v / tot}`));
    assert.equal(errors, []);
  } finally {
    await page.close();
    server.closeAllConnections();
    server.close();
  }
});

test.run();
