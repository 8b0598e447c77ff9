// Driving the playground from puppeteer (used by `npm run webapp:shots` and the browser
// test): set the Train form, press Train, wait for the run to end.

/** Waits until the worker reported its capabilities (the page's status leaves 'starting'). */
export async function waitReady(page, timeout = 60e3) {
  await page.waitForFunction(() => window.__webapp && window.__webapp.status !== 'starting', { timeout });
  const s = await page.evaluate(() => ({ status: window.__webapp.status, error: window.__webapp.error, report: window.__webapp.report }));
  if (s.status === 'error') throw new Error(`the page failed to start: ${s.error}`);
  return s.report;
}

/** One training run with the given form values; resolves with the page's state when it ends. */
export async function train(page, settings, timeout = 180e3) {
  await page.evaluate((settings) => {
    const form = document.querySelector('#train-form');
    for (const [k, v] of Object.entries(settings)) {
      form[k].value = String(v);
      form[k].dispatchEvent(new Event('change'));
    }
  }, settings);
  await page.click('#train');
  await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(window.__webapp.status), { timeout, polling: 100 });
  const s = await page.evaluate(() => ({ ...window.__webapp, report: undefined }));
  if (s.status === 'error') throw new Error(`training failed: ${s.error}`);
  return s;
}

/** One run of the Generate form with the given values; resolves with the page's state.generate and the text shown. */
export async function generate(page, settings, timeout = 180e3) {
  await page.waitForFunction(() => !document.querySelector('#generate').disabled, { timeout: 60e3 });
  await page.evaluate((settings) => {
    const form = document.querySelector('#gen-form');
    for (const [k, v] of Object.entries(settings)) form[k].value = String(v);
  }, settings);
  await page.click('#generate');
  await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(window.__webapp.generate.status), { timeout, polling: 100 });
  const g = await page.evaluate(() => ({ ...window.__webapp.generate, shown: document.querySelector('#gen-out').textContent }));
  if (g.status === 'error') throw new Error(`generation failed: ${g.error}`);
  return g;
}
