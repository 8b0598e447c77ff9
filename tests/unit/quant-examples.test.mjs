// examples/quant/codebook.mjs and export.mjs, run as written (wasm): the claims the README's
// codebook section makes from their tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { ROOT } from '../runners/common.mjs';

const run = (file) => new Promise((resolve) => execFile(process.execPath, [file], { cwd: ROOT, timeout: 240e3 }, (e, stdout, stderr) => resolve({ err: e, out: stdout + stderr })));

test('codebook example: at every bit width the codebooks reconstruct better than both uniform per-row grids', async () => {
  const { err, out } = await run('examples/quant/codebook.mjs');
  assert.ok(!err, `example failed: ${err?.message}\n${out}`);
  for (const bits of [4, 3, 2, 1]) {
    const row = (name) => Number(out.match(new RegExp(`^${bits}\\s+${name}\\s+(\\S+)`, 'm'))?.[1]);
    const cb = row('codebook'), mse = row('uniform mse'), gauss = row('uniform gaussianMse');
    assert.ok(cb > 0 && cb < mse && cb < gauss, `${bits} bits: codebook ${cb}, uniform mse ${mse}, gaussianMse ${gauss}\n${out}`);
  }
});

test('export example: the GGUF model serves within 0.5% accuracy of the in-memory 4-bit model', async () => {
  const { err, out } = await run('examples/quant/export.mjs');
  assert.ok(!err, `example failed (it exits 1 past 0.5%): ${err?.message}\n${out}`);
  const acc = (label) => Number(out.match(new RegExp(`${label}\\s+([\\d.]+)%`))?.[1]);
  const mem = acc('in memory, packed 4-bit \\(lut\\)'), file = acc('from the GGUF file \\(Q4_K, qmatmul\\)');
  assert.ok(mem > 80 && Math.abs(mem - file) <= 0.5, `in memory ${mem}%, from the file ${file}%\n${out}`);
});

test.run();
