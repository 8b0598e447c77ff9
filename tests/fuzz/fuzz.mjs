// Runs tests/fuzz/driver.mjs in a child process and watches it: a case that does not finish
// within `hangMs` is a hang (the child is killed and the case reported), a child that dies
// is a crash. Resolves to the driver's summary plus { hang, crash, last }.
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fuzz({ runs, seed, backends = ['wasm', 'webgpu'], ops, hangMs = 30000 }) {
  const argv = ['--runs', String(runs), '--seed', String(seed), '--backends', backends.join(',')];
  if (ops) argv.push('--ops', ops.join(','));
  const env = { ...process.env };
  env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json'; // Dawn finds SwiftShader through these
  env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'eg-fuzz-xdg-'));
  return new Promise((resolve) => {
    const child = fork(join(import.meta.dirname, 'driver.mjs'), argv, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let last = null, summary = null, timer;
    const arm = () => { clearTimeout(timer); timer = setTimeout(() => { summary = { hang: true, last }; child.kill('SIGKILL'); }, hangMs); };
    arm();
    child.on('message', (m) => {
      if (m.type === 'case') { last = m; arm(); }
      if (m.type === 'done') summary = m;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!summary) summary = { crash: true, code, signal, last };
      resolve({ seed, last, ...summary });
    });
  });
}

/** Cases, results and named errors per op, as table rows. */
export function countTable(counts) {
  const rows = Object.entries(counts).map(([op, c]) => `${op.padEnd(14)} ${String(c.cases).padStart(6)} ${String(c.results).padStart(8)} ${String(c.errors).padStart(7)}`);
  const tot = Object.values(counts).reduce((a, c) => ({ cases: a.cases + c.cases, results: a.results + c.results, errors: a.errors + c.errors }), { cases: 0, results: 0, errors: 0 });
  return [`${'op'.padEnd(14)} ${'cases'.padStart(6)} ${'results'.padStart(8)} ${'errors'.padStart(7)}`, ...rows, `${'total'.padEnd(14)} ${String(tot.cases).padStart(6)} ${String(tot.results).padStart(8)} ${String(tot.errors).padStart(7)}`].join('\n');
}

/** One paragraph saying what went wrong, or null. */
export function failureText(r) {
  if (r.hang) return `hang: no progress for the case ${r.last?.op} ${r.last?.args} (seed ${r.seed})`;
  if (r.crash) return `the fuzz process died (exit ${r.code ?? r.signal}) during ${r.last?.op} ${r.last?.args} (seed ${r.seed})`;
  if (r.failed || r.error) return `${r.error}\n  smallest failing case: ${r.counterexample}\n  (seed ${r.seed}; rerun with EG_SEED=${r.seed})`;
  return null;
}
