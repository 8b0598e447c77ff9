// The README's "Quantize" snippet, taken from README.md as written and run in a child process
// (runBlock: inside the package, so `import 'edgegrad'` resolves through package.json's exports).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readmeBlocks, runBlock } from './readme.mjs';

test('README "Quantize" snippet runs and prints what it says', async () => {
  const [{ code }] = readmeBlocks('Quantize', { lang: 'js' });
  const { ok, out, log } = await runBlock('quant', code);
  assert.ok(ok, log);
  // 4-bit rows: about 10% relative error of the product; the gradient has w's shape; 8 bits wins
  assert.match(out, /^4 \[ 8, 64 \] true\n\[ 64, 256 \]\n8 9\n/);
});

test.run();
