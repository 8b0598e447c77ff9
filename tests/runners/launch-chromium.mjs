// Starting Debian's Chromium headless with WebGPU on SwiftShader: the flags that work on this
// machine, shared by the chromium runner, the webapp/bundler tests and `npm run webapp:shots`.
import puppeteer from 'puppeteer-core';
import { existsSync } from 'node:fs';
import { freshTmp, vulkanEnv, SWIFTSHADER_ICD } from './common.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox', // needed as root; harmless otherwise
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** A fresh headless Chromium with its own profile (so no service worker or cache survives a run). */
export async function launchChromium({ protocolTimeout = 180e3, extraArgs = [] } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${freshTmp('chromium-profile')}`, ...extraArgs],
    env: { ...process.env, ...vulkanEnv(SWIFTSHADER_ICD) },
    protocolTimeout,
    timeout: 60e3,
  });
}
