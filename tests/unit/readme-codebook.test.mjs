// The README's "Codebooks, packed low-bit codes, export to GGUF" snippet, taken from README.md as
// written and run in a child process inside the package.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { ROOT } from '../runners/common.mjs';
import { readmeBlocks } from './readme.mjs';

test('README "Codebooks" snippet runs and prints what it says', async () => {
  const [{ code }] = readmeBlocks('Codebooks, packed', { lang: 'js' });
  const dir = join(ROOT, 'build', 'readme-codebook');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'snippet.mjs');
  writeFileSync(file, code);
  const { err, out } = await new Promise((resolve) => execFile(process.execPath, [file], { cwd: dir, timeout: 120e3 }, (e, stdout, stderr) => resolve({ err: e, out: stdout + stderr })));
  assert.ok(!err, `snippet failed: ${err?.message}\n${out}`);
  // 3-bit codes: 64·256·3/8 = 6144 bytes + one table (16) + an id and a scale per row (512)
  assert.match(out, /^3 true \[ 8, 64 \]\ntrue 6672\nQ4_K \[ 8, 64 \]\n/);
});

test.run();
