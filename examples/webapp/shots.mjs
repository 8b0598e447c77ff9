// npm run webapp:shots: builds the playground, opens each page in headless Chromium (a short
// training run on Train, a generation on Generate; calibration and the benchmark on About) and
// writes one screenshot per page into build/webapp-shots/.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildWebapp } from './build.mjs';
import { startServer } from './serve.mjs';
import { waitReady, train, generate } from './drive.mjs';
import { launchChromium } from '../../tests/runners/launch-chromium.mjs';

const OUT = fileURLToPath(new URL('../../build/webapp-shots/', import.meta.url));
mkdirSync(OUT, { recursive: true });
const built = await buildWebapp();
const { server, url } = await startServer({ root: built.out });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 760 });
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[console.error] ${m.text()}`); });
  const shot = async (name, opts = {}) => { const path = `${OUT}${name}.png`; await page.screenshot({ path, ...opts }); console.log(`wrote ${path}`); };

  await page.goto(`${url}#train`);
  const report = await waitReady(page);
  const s = await train(page, { dataset: 'spiral', optimizer: 'adam', backend: 'wasm', steps: 1500 });
  console.log(`train: ${s.steps} steps on wasm, loss ${s.losses[0].toFixed(3)} -> ${s.losses.at(-1).toFixed(3)}, ${s.frames} frames`);
  await shot('train');
  await page.goto(`${url}#transport`);
  await waitReady(page);
  await page.waitForFunction(() => window.__webapp.transport, { timeout: 120e3 });
  await shot('transport');
  await page.goto(`${url}#generate`);
  await waitReady(page);
  const g = await generate(page, { backend: 'wasm', maxTokens: 200, temperature: 0.7 });
  console.log(`generate: ${g.ids.length} tokens on wasm at ${g.tokensPerSec.toFixed(0)} tokens/s`);
  await shot('generate');
  await page.goto(`${url}#about`);
  await waitReady(page);
  if (report.backends.webgpu.ok) {
    await page.click('#calibrate');
    await page.waitForFunction(() => window.__webapp.calibration || /error/.test(document.querySelector('#cal-status').textContent), { timeout: 180e3 });
  }
  await page.click('#bench');
  await page.waitForFunction(() => window.__webapp.bench || /error/.test(document.querySelector('#bench-status').textContent), { timeout: 300e3 });
  await shot('about', { fullPage: true });
} finally {
  await browser.close();
  server.close();
}
