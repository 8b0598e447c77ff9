// The README's OT / multiview / graphs / completion / BCD snippet, taken from README.md as
// written and run in a child process: it must exit 0 and print the closed-form values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readmeBlocks, runBlock } from './readme.mjs';

const snippet = () => readmeBlocks('Optimal transport, multiview, graphs', { lang: 'js' })[0].code;

test('README OT/multiview/graph/completion/BCD snippet runs and prints the expected values', async () => {
  const { ok, out, log } = await runBlock('ot', snippet());
  assert.ok(ok, log);
  // 2x2 closed form at reg 0.5: off-diagonal 1/(2(1 + e²)), cost twice that
  const off = 1 / (2 * (1 + Math.exp(2)));
  const plan = /sinkhorn plan ([\d.e-]+) ([\d.e-]+) ([\d.e-]+) ([\d.e-]+) cost ([\d.]+)/.exec(out);
  assert.ok(plan, `no plan line:\n${out}`);
  assert.ok(Math.abs(+plan[2] - off) < 1e-6 && Math.abs(+plan[1] - (0.5 - off)) < 1e-6 && Math.abs(+plan[5] - 2 * off) < 1e-6, plan[0]);
  assert.match(out, /sns error true emd cost 0/);
  const dC = /dW\/dC ([\d.e-]+) ([\d.e-]+)/.exec(out);
  assert.ok(dC && Math.abs(+dC[2] - off) < 1e-5, `dW/dC line: ${dC?.[0]}`);
  const corr = /cca Float32Array\(2\) \[ ([\d.]+), ([\d.]+) \] stochastic Float32Array\(2\) \[ ([\d.]+), ([\d.]+) \]/.exec(out);
  assert.ok(corr, `no cca line:\n${out}`);
  // Y = X[:, :2] + unit noise: both canonical correlations are 1/√2 in the population
  assert.ok(Math.abs(+corr[1] - Math.SQRT1_2) < 0.1 && Math.abs(+corr[2] - Math.SQRT1_2) < 0.1, corr[0]);
  assert.ok(+corr[3] + +corr[4] >= 0.9 * (+corr[1] + +corr[2]), `stochastic captures < 90%: ${corr[0]}`);
  assert.match(out, /fastRP \[ 60, 16 \]/);
  assert.match(out, /altMin 2\.000 want 2 train RMSE true/);
  assert.match(out, /bcd true \d+ [\d.]+ -> [\d.]+/);
});

test.run();
