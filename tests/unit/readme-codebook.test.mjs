// The README's "Codebooks, packed low-bit codes, export to GGUF" snippet, taken from README.md as
// written and run in a child process inside the package.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readmeBlocks, runBlock } from './readme.mjs';

test('README "Codebooks" snippet runs and prints what it says', async () => {
  const [{ code }] = readmeBlocks('Codebooks, packed', { lang: 'js' });
  const { ok, out, log } = await runBlock('codebook', code);
  assert.ok(ok, log);
  // 3-bit codes: 64·256·3/8 = 6144 bytes + one table (16) + an id and a scale per row (512)
  assert.match(out, /^3 true \[ 8, 64 \]\ntrue 6672\nQ4_K \[ 8, 64 \]\n/);
});

test.run();
