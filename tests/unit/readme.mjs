// Code blocks of README.md by section, so tests run what the README shows.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../runners/common.mjs';

/**
 * The fenced blocks under the heading whose text starts with `title` (up to the next heading of
 * the same or a higher level), as [{ lang, code }]. Throws when the section or a block is missing.
 */
export function readmeBlocks(title, { file = join(ROOT, 'README.md'), lang } = {}) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^#{2,4} /.test(l) && l.replace(/^#+ /, '').startsWith(title));
  if (start < 0) throw new Error(`README: no section '${title}'`);
  const level = lines[start].match(/^#+/)[0].length;
  const blocks = [];
  let cur = null;
  for (const l of lines.slice(start + 1)) {
    if (!cur && /^#{1,6} /.test(l) && l.match(/^#+/)[0].length <= level) break;
    const fence = l.match(/^```(\w*)/);
    if (fence && !cur) cur = { lang: fence[1], code: [] };
    else if (fence && cur) { blocks.push({ lang: cur.lang, code: cur.code.join('\n') }); cur = null; }
    else if (cur) cur.code.push(l);
  }
  const found = lang ? blocks.filter((b) => b.lang === lang) : blocks;
  if (!found.length) throw new Error(`README: section '${title}' has no ${lang ?? ''} code block`);
  return found;
}

/**
 * Runs one README block as written, in a fresh Node process inside the package (build/readme/),
 * so `import 'edgegrad'` resolves through package.json's exports. A block that continues the
 * Usage example (it uses `eg` without importing it) gets that example's two first lines: the
 * import and `await eg.init()`. `files` are written next to it first. Resolves to
 * { ok, out, log }: stdout alone (to parse) and stdout + stderr (for messages); never rejects.
 */
export async function runBlock(name, code, { files = {}, timeoutMs = 120e3 } = {}) {
  const dir = join(ROOT, 'build', 'readme');
  mkdirSync(dir, { recursive: true });
  for (const [f, bytes] of Object.entries(files)) writeFileSync(join(dir, f), bytes);
  const prelude = /import \* as eg from 'edgegrad'/.test(code) ? '' : "import * as eg from 'edgegrad';\nawait eg.init();\n";
  const file = join(dir, `${name.replace(/[^\w-]+/g, '-')}.mjs`);
  writeFileSync(file, prelude + code);
  return new Promise((resolve) => execFile(process.execPath, [file], { cwd: dir, timeout: timeoutMs }, (err, stdout, stderr) =>
    resolve({ ok: !err, out: stdout, log: `${err ? `${err.message}\n` : ''}${stdout}${stderr}` })));
}

/** Every number printed on a line (Node's inspect format for typed arrays, arrays and objects). */
export const numbersIn = (line) => [...line.replace(/\w*Array\(\d+\)/g, '').matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));
