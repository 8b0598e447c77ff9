// The playground (examples/webapp) in Chromium: trains the spiral for 200 Adam steps on wasm
// (and WebGPU where the browser has it) and sees the loss fall and both pictures change; then,
// with the server stopped and the page offline, reloads and trains again from the service
// worker's cache; finally a new build is served and the page moves to it on request. The
// Transport page's Sinkhorn plan is checked against a float64 solve, before and after a drag.
// The Generate page's greedy tokens are edgegrad's in Node on the same model file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildWebapp } from '../../examples/webapp/build.mjs';
import { startServer } from '../../examples/webapp/serve.mjs';
import { waitReady, train, generate } from '../../examples/webapp/drive.mjs';
import { launchChromium } from '../runners/launch-chromium.mjs';
import { freshTmp, ROOT } from '../runners/common.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 1000));
const out = freshTmp('webapp');
let built, srv, browser, page, port;
let requests = [];
const problems = [];

const serve = async () => {
  srv = await startServer({ root: out, port: port ?? 0, onRequest: (req) => requests.push(req.url) });
  port = srv.server.address().port;
};
const stop = () => new Promise((r) => { srv.server.closeAllConnections(); srv.server.close(r); });
// pixels of a canvas, to see that a picture changed
const pixels = (sel) => page.$eval(sel, (c) => c.toDataURL());
const settings = (backend, steps) => ({ dataset: 'spiral', optimizer: 'adam', backend, steps });

function assertLearned(s, steps, what) {
  assert.is(s.status, 'done', `${what}: status`);
  assert.is(s.losses.length, steps, `${what}: one loss per step`);
  assert.ok(s.losses.every(Number.isFinite), `${what}: finite losses`);
  const mean = (xs) => xs.reduce((a, b) => a + b) / xs.length;
  const head = mean(s.losses.slice(0, 5)), tail = mean(s.losses.slice(-5));
  // 3 balanced classes start near ln 3 = 1.10; full-batch Adam (lr 0.01) brings it to ~0.1 in
  // 200 steps and to ~0.6 in 30 (measured over seeds)
  assert.ok(head > 0.7 && head < 2, `${what}: initial loss ${head} is far from ln 3 (seed ${SEED})`);
  const [ratio, acc] = steps >= 200 ? [0.3, 0.85] : [0.8, 0.4];
  assert.ok(tail < ratio * head, `${what}: loss fell only from ${head} to ${tail} in ${steps} steps (seed ${SEED})`);
  assert.ok(s.accuracy > acc, `${what}: train accuracy ${s.accuracy} after ${steps} steps (chance is 1/3; seed ${SEED})`);
  assert.ok(s.frames >= 1, `${what}: no frame drawn`);
}

async function trainAndWatch(backend, steps) {
  const t0 = performance.now();
  const before = { boundary: await pixels('#boundary'), plot: await pixels('#loss-plot canvas') };
  const s = await train(page, settings(backend, steps));
  assertLearned(s, steps, backend);
  console.log(`  webapp: ${backend}: ${steps} steps, loss ${s.losses[0].toFixed(3)} -> ${s.losses.at(-1).toFixed(3)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  assert.is.not(await pixels('#boundary'), before.boundary, `${backend}: the decision picture did not change`);
  assert.is.not(await pixels('#loss-plot canvas'), before.plot, `${backend}: the loss plot did not change`);
  return s;
}

test.before(async () => {
  const t0 = performance.now();
  built = await buildWebapp({ out });
  await serve();
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  await page.goto(`${srv.url}?seed=${SEED}#train`);
  console.log(`  webapp: built, served and opened in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${SEED})`);
});

test.after(async () => {
  await browser?.close();
  if (srv?.server.listening) await stop();
});

let report, wasmRun;
test('online: 200 Adam steps on wasm lower the loss and redraw both pictures', async () => {
  report = await waitReady(page);
  assert.ok(report.backends.wasm.ok, `wasm unavailable: ${report.backends.wasm.reason}`);
  wasmRun = await trainAndWatch('wasm', 200);
  assert.equal(problems, []);
});

test('online: WebGPU (where the browser has it) trains the same model along the same loss curve', async () => {
  if (!report.backends.webgpu.ok) { console.log(`  webapp: no webgpu in this browser (${report.backends.webgpu.reason}): wasm only`); return; }
  // SwiftShader (software Vulkan) runs ~45 dispatches a step at ~1-2 steps/s: 30 steps there, 200 on a GPU
  const soft = /swiftshader|llvmpipe|lavapipe/i.test(JSON.stringify(report.backends.webgpu.adapter ?? {}));
  const steps = Number(process.env.EG_WEBAPP_GPU_STEPS) || (soft ? 30 : 200);
  const s = await trainAndWatch('webgpu', steps);
  // same data, seed and initial parameters: float32 on either backend follows the wasm run
  s.losses.forEach((l, i) => assert.ok(Math.abs(l - wasmRun.losses[i]) <= 1e-4 * wasmRun.losses[i], `webgpu loss at step ${i + 1}: ${l} vs wasm ${wasmRun.losses[i]} (seed ${SEED})`));
  assert.equal(problems, []);
});

test('Stop ends an unbounded run (steps 0) while it trains', async () => {
  await page.evaluate(() => {
    const form = document.querySelector('#train-form');
    form.steps.value = '0';
    form.backend.value = 'wasm';
    document.querySelector('#train').click();
  });
  // the worker only hears Stop if it yields between steps: two frames drawn, then Stop
  await page.waitForFunction(() => window.__webapp.status === 'training' && window.__webapp.frames >= 2, { timeout: 60e3 });
  const framesBefore = await page.evaluate(() => window.__webapp.frames);
  await page.click('#stop');
  await page.waitForFunction(() => window.__webapp.status !== 'training', { timeout: 30e3 });
  const s = await page.evaluate(() => ({ status: window.__webapp.status, steps: window.__webapp.steps, n: window.__webapp.losses.length, frames: window.__webapp.frames }));
  assert.is(s.status, 'stopped');
  assert.ok(s.steps > 0 && s.n === s.steps, `steps ${s.steps}, losses ${s.n}`);
  assert.ok(s.frames > framesBefore, 'a final frame after Stop');
  assert.equal(problems, []);
});

/** Entropic OT in float64, log domain, uniform weights: the plan exp((f_i + g_j - C_ij)/reg). */
function sinkhorn64(x, y, reg) {
  const n = x.length / 2, k = y.length / 2;
  const C = Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => (x[2 * i] - y[2 * j]) ** 2 + (x[2 * i + 1] - y[2 * j + 1]) ** 2));
  const lse = (v) => { const m = Math.max(...v); return m + Math.log(v.reduce((s, t) => s + Math.exp(t - m), 0)); };
  let f = new Array(n).fill(0), g = new Array(k).fill(0);
  for (let it = 0; it < 20000; it++) {
    f = f.map((_, i) => reg * Math.log(1 / n) - reg * lse(g.map((gj, j) => (gj - C[i][j]) / reg)));
    g = g.map((_, j) => reg * Math.log(1 / k) - reg * lse(f.map((fi, i) => (fi - C[i][j]) / reg)));
  }
  const P = C.map((row, i) => row.map((c, j) => Math.exp((f[i] + g[j] - c) / reg)));
  return { P, cost: P.reduce((s, row, i) => s + row.reduce((t, p, j) => t + p * C[i][j], 0), 0) };
}

function assertPlan(t, what) {
  assert.ok(t && !t.error, `${what}: ${t?.error}`);
  const ref = sinkhorn64(t.x, t.y, t.reg);
  const max = Math.max(...ref.P.flat());
  ref.P.forEach((row, i) => row.forEach((p, j) => assert.ok(Math.abs(t.plan[i * t.k + j] - p) <= 1e-3 * max, `${what}: plan[${i},${j}] = ${t.plan[i * t.k + j]}, float64 ${p}`)));
  assert.ok(Math.abs(t.cost - ref.cost) <= 1e-3 * ref.cost, `${what}: cost ${t.cost}, float64 ${ref.cost}`);
}

test('Transport: the Sinkhorn plan matches a float64 solve, and follows a dragged point', async () => {
  await page.goto(`${srv.url}?seed=${SEED}#transport`);
  await waitReady(page);
  await page.waitForFunction(() => window.__webapp.transport, { timeout: 60e3 });
  const first = await page.evaluate(() => window.__webapp.transport);
  assertPlan(first, 'initial clouds');
  // drag source point 0 across the canvas (CSS size = canvas size here)
  const box = await (await page.$('#ot-canvas')).boundingBox();
  const s = Math.min(box.width, box.height) / 2.4;
  const at = (px, py) => [box.x + box.width / 2 + px * s, box.y + box.height / 2 - py * s];
  await page.mouse.move(...at(first.x[0], first.x[1]));
  await page.mouse.down();
  await page.mouse.move(...at(0.9, 0.8), { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction((n) => window.__webapp.transport.solves > n && !window.__webapp.transportBusy, { timeout: 60e3 }, first.solves);
  const moved = await page.evaluate(() => window.__webapp.transport);
  assert.ok(Math.abs(moved.x[0] - 0.9) < 0.02 && Math.abs(moved.x[1] - 0.8) < 0.02, `point 0 at ${moved.x[0]}, ${moved.x[1]}`);
  assert.is.not(moved.cost, first.cost);
  assertPlan(moved, 'after the drag');
  assert.equal(problems, []);
});

const generatePage = async (backend, prompt, maxTokens) => {
  const g = await generate(page, { backend, prompt, maxTokens, temperature: 0 });
  assert.is(g.status, 'done', backend);
  return g;
};

test('Generate: greedy tokens in the page equal edgegrad in Node (wasm; on WebGPU up to near-ties)', async () => {
  const eg = await import('../../build/tsc/runtime/entry/node.js');
  await eg.init({ backend: 'wasm', wasm: new URL('../../build/edgegrad.wasm', import.meta.url) });
  const lm = await eg.llm.load(readFileSync(join(ROOT, 'examples/llm/kjv-bytes-q8_0.gguf')), { contextLength: 256 });
  const prompt = 'And the LORD spake unto Moses';
  try {
    await page.goto(`${srv.url}?seed=${SEED}#generate`);
    await waitReady(page);
    const want = [];
    for await (const t of lm.generate(prompt, { temperature: 0, maxTokens: 24 })) want.push(t.id);
    const g = await generatePage('wasm', prompt, 24);
    assert.equal(g.ids, want, `wasm: page ${JSON.stringify(g.text)}, node ${JSON.stringify(lm.tokenizer.decode(want))}`);
    assert.is(g.shown, prompt + lm.tokenizer.decode(want), 'the page shows the prompt and the generated text');
    console.log(`  webapp: generate on wasm: ${JSON.stringify(g.text)} at ${g.tokensPerSec.toFixed(0)} tokens/s`);
    if (!report.backends.webgpu.ok) { console.log(`  webapp: no webgpu for Generate (${report.backends.webgpu.reason})`); return; }
    // WebGPU decodes the Q8_0 blocks in float32 where wasm quantizes the activations to 8 bits:
    // along the page's own path, each token must be Node's argmax up to a near-tie (0.05)
    // (SwiftShader: a short prompt and 3 tokens; most of the time is compiling the pipelines)
    const n = 3, short = 'And God';
    const t0 = performance.now();
    const gpu = await generatePage('webgpu', short, n);
    assert.is(gpu.ids.length, n);
    const ids = lm.tokenizer.encode(short);
    const logits = lm.forward([...ids, ...gpu.ids.slice(0, -1)]);
    const all = await logits.data();
    logits.dispose();
    const V = lm.config.vocabSize;
    gpu.ids.forEach((id, k) => {
      const row = all.subarray((ids.length - 1 + k) * V, (ids.length + k) * V);
      const max = Math.max(...row);
      assert.ok(row[id] >= max - 0.05, `webgpu token ${k} (${id}) has logit ${row[id]}, Node's best ${max}`);
    });
    console.log(`  webapp: generate on webgpu: ${JSON.stringify(gpu.text)} at ${gpu.tokensPerSec.toFixed(1)} tokens/s, ${((performance.now() - t0) / 1000).toFixed(1)} s with loading`);
  } finally {
    lm.dispose();
  }
  assert.equal(problems, []);
});

test('the service worker precaches every file of the build under the build version', async () => {
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, { timeout: 30e3 });
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const c = await caches.open(keys.find((k) => k.startsWith('edgegrad-webapp-')));
    return { keys, urls: (await c.keys()).map((r) => new URL(r.url).pathname) };
  });
  assert.equal(cached.keys, [`edgegrad-webapp-${built.version}`]);
  assert.equal(cached.urls.sort(), built.files.map((f) => `/${f === './' ? '' : f}`).sort());
  assert.ok(built.files.includes('edgegrad.wasm') && built.files.includes('edgegrad.relaxed.wasm') && built.files.includes('worker.js'));
});

test('offline: the server is gone, the page reloads and trains again from the cache', async () => {
  await stop();
  await page.setOfflineMode(true);
  requests = [];
  const network = [];
  const onResponse = (r) => { if (!r.fromServiceWorker() && !r.url().startsWith('data:')) network.push(r.url()); };
  page.on('response', onResponse);
  await page.evaluate(() => { location.hash = '#train'; });
  await page.reload({ waitUntil: 'load' });
  await waitReady(page);
  const s = await train(page, settings('wasm', 200));
  assertLearned(s, 200, 'offline wasm');
  // the same run as online, bit for bit: the same code and data, now from the cache
  assert.equal(s.losses, wasmRun.losses);
  page.off('response', onResponse);
  assert.equal(network, [], 'responses that did not come from the service worker');
  assert.equal(requests, [], 'requests that reached the server');
  assert.equal(problems, []);
  await page.setOfflineMode(false);
});

test('a new build is installed next to the old one and taken on request; the old cache goes', async () => {
  const next = await buildWebapp({ out, minify: false }); // different bytes, so a different version
  assert.is.not(next.version, built.version);
  await serve();
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.__webapp.updateReady === true, { timeout: 60e3 });
  const navigated = page.waitForNavigation({ waitUntil: 'load' });
  await page.click('#reload');
  await navigated;
  await waitReady(page);
  await page.waitForFunction((v) => window.__webapp.version === v, { timeout: 30e3 }, next.version);
  assert.equal(await page.evaluate(() => caches.keys()), [`edgegrad-webapp-${next.version}`]);
  assert.equal(problems, []);
});

test.run();
