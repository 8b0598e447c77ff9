// Helpers shared by the Node-side runners and the orchestrator (Node only).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import net from 'node:net';
import { MARK } from '../harness/run-suites.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const LAVAPIPE_ICD = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';
export const DEFAULT_SUITES = 'tests/conformance/index.js';

/** dist/ of the repo, or EDGEGRAD_DIST (a folder with the same file names) for harness work. */
export const distDir = (args = {}) => resolve(ROOT, args.dist || process.env.EDGEGRAD_DIST || 'dist');

/** The suites module as a path relative to the repo root (always with forward slashes). */
export function suitesRel(args) {
  const abs = resolve(ROOT, args.suitesModule || process.env.EDGEGRAD_SUITES || DEFAULT_SUITES);
  const rel = relative(ROOT, abs);
  if (rel.startsWith('..')) throw new Error(`the suites module must be inside the repository: ${abs}`);
  return rel.split(sep).join('/');
}

export const fileUrl = (p) => pathToFileURL(p).href;

let tmpRoot = null;
/** A fresh folder under one per-process temp root (removed at exit unless EDGEGRAD_KEEP_TMP). */
export function freshTmp(prefix) {
  if (!tmpRoot) {
    tmpRoot = mkdtempSync(join(tmpdir(), 'edgegrad-test-'));
    process.on('exit', () => { if (!process.env.EDGEGRAD_KEEP_TMP) try { rmSync(tmpRoot, { recursive: true, force: true }); } catch {} });
  }
  const d = mkdtempSync(join(tmpRoot, `${prefix}-`));
  return d;
}

/** XDG_RUNTIME_DIR must exist, be private and writable (Dawn and Chromium use it). */
export function xdgRuntimeDir() {
  const d = freshTmp('xdg');
  mkdirSync(d, { recursive: true, mode: 0o700 });
  return d;
}

export function vulkanEnv(icd) {
  const env = { XDG_RUNTIME_DIR: xdgRuntimeDir() };
  if (icd && existsSync(icd)) env.VK_ICD_FILENAMES = icd;
  return env;
}

/** Prints one result row for the orchestrator. */
export function emitRow(row) {
  process.stdout.write(`${MARK}${JSON.stringify(row)}\n`);
}

/** Flushes stdout/stderr, then exits (Dawn and puppeteer can keep the loop alive). */
export function finish(code) {
  let pending = 2;
  const done = () => { if (--pending === 0) process.exit(code); };
  process.stdout.write('', done);
  process.stderr.write('', done);
  setTimeout(() => process.exit(code), 2000).unref();
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

export async function waitForPort(port, timeoutMs, isAlive = () => true) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!isAlive()) throw new Error('process exited before it listened');
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); res(true); });
      c.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Spawns a command, streams its output line by line (prefixed), collects marked rows.
 * Resolves { code, signal, rows, timedOut, tail } and never rejects.
 */
export function runChild(cmd, argv, { env = {}, timeoutMs = 8 * 60e3, prefix = '', cwd = ROOT, onLine = null } = {}) {
  return new Promise((res) => {
    const rows = [];
    const tail = [];
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (e) {
      res({ code: null, signal: null, rows, timedOut, tail: [String(e.message)], spawnError: e.message });
      return;
    }
    const pipe = (stream, isErr) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) { handle(buf.slice(0, i), isErr); buf = buf.slice(i + 1); }
      });
      stream.on('end', () => { if (buf) handle(buf, isErr); });
    };
    const handle = (line, isErr) => {
      const m = line.indexOf(MARK);
      if (m >= 0) {
        try { rows.push(JSON.parse(line.slice(m + MARK.length))); return; } catch { /* fall through: print it */ }
      }
      tail.push(line); if (tail.length > 40) tail.shift();
      if (onLine) onLine(line, isErr);
      else (isErr ? process.stderr : process.stdout).write(`${prefix}${line}\n`);
    };
    pipe(child.stdout, false);
    pipe(child.stderr, true);
    const kill = (sig) => { try { process.kill(-child.pid, sig); } catch { try { child.kill(sig); } catch {} } };
    const timer = setTimeout(() => { timedOut = true; kill('SIGTERM'); setTimeout(() => kill('SIGKILL'), 5000).unref(); }, timeoutMs);
    let spawnError = null;
    child.on('error', (e) => { spawnError = e.message; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever the child started in its own process group goes with it.
      kill('SIGKILL');
      res({ code, signal, rows, timedOut, tail, spawnError });
    });
  });
}
