// The README's "Quantize" snippet, taken from README.md as written and run in a child process
// inside the package (so `import 'edgegrad'` resolves through package.json's exports).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { ROOT } from '../runners/common.mjs';
import { readmeBlocks } from './readme.mjs';

test('README "Quantize" snippet runs and prints what it says', async () => {
  const [{ code }] = readmeBlocks('Quantize', { lang: 'js' });
  const dir = join(ROOT, 'build', 'readme-quant');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'snippet.mjs');
  writeFileSync(file, code);
  const { err, out } = await new Promise((resolve) => execFile(process.execPath, [file], { cwd: dir, timeout: 120e3 }, (e, stdout, stderr) => resolve({ err: e, out: stdout + stderr })));
  assert.ok(!err, `snippet failed: ${err?.message}\n${out}`);
  // 4-bit rows: about 10% relative error of the product; the gradient has w's shape; 8 bits wins
  assert.match(out, /^4 \[ 8, 64 \] true\n\[ 64, 256 \]\n8 9\n/);
});

test.run();
