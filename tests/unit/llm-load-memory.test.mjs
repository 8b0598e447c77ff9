// Peak memory while eg.llm.load reads a model from a path (issue 12: ≤ 1.3x the file). A
// fresh Node process loads a ~50 MB F32 GGUF on the wasm backend; its resident high-water mark
// (VmHWM, reset through /proc/self/clear_refs just before the load) is compared with the file
// size, for the streamed path load(path) and, for contrast, load(bytes) of a file read whole.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { rng } from '../conformance/_util.js';
import { tinyLlama, writeTiny } from '../conformance/_llama.js';

const eg = await import('../../build/tsc/runtime/entry/node.js');
const dir = mkdtempSync(join(tmpdir(), 'eg-load-'));
const dist = new URL('../../dist/edgegrad.node.js', import.meta.url).href;

const child = (mode, file) => `
import { readFileSync, writeFileSync } from 'node:fs';
import * as eg from '${dist}';
await eg.init({ backend: 'wasm' });
const status = (k) => Number(new RegExp(k + ':\\\\s+(\\\\d+)').exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
globalThis.gc();
writeFileSync('/proc/self/clear_refs', '5'); // VmHWM := VmRSS
const base = status('VmHWM');
const lm = await eg.llm.load(${mode === 'path' ? `${JSON.stringify(file)}` : `readFileSync(${JSON.stringify(file)})`});
const logits = lm.forward([1, 2, 3]);
const ok = (await logits.data()).every(Number.isFinite);
console.log(JSON.stringify({ peak: status('VmHWM') - base, ok }));
`;

async function peak(mode, file) {
  const script = join(dir, `${mode}.mjs`);
  writeFileSync(script, child(mode, file));
  const { err, out } = await new Promise((resolve) => execFile(process.execPath, ['--expose-gc', script], { timeout: 120e3 }, (e, stdout, stderr) => resolve({ err: e, out: stdout + stderr })));
  assert.ok(!err, `${mode} load failed: ${err?.message}\n${out}`);
  return JSON.parse(out.trim().split('\n').pop());
}

test('load(path) streams: peak resident memory ≤ 1.3x the file (load(bytes) of a whole read shown beside it)', async () => {
  await eg.init({ backend: 'js' });
  const spec = tinyLlama(rng(17), { dim: 512, ffn: 1024, layers: 8, heads: 8, kvHeads: 8, ctx: 64 });
  const file = join(dir, 'model.gguf');
  writeFileSync(file, await writeTiny(eg, spec, 'F32'));
  const size = statSync(file).size;
  assert.ok(size > 40e6, `model file of ${size} bytes`);
  const streamed = await peak('path', file), whole = await peak('bytes', file);
  console.log(`  peak while loading ${(size / 1e6).toFixed(1)} MB: streamed ${(streamed.peak / size).toFixed(2)}x, whole-file ${(whole.peak / size).toFixed(2)}x`);
  assert.ok(streamed.ok && whole.ok, 'finite logits after both loads');
  assert.ok(streamed.peak <= 1.3 * size, `streamed load peaked at ${(streamed.peak / size).toFixed(2)}x the file`);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
