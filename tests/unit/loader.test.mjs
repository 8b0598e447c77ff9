// The wasm-pack-compatible loader: every source init({ wasm }) and initSync({ wasm }) accept,
// against the built bundle (dist/). Each load is checked by running an op on random data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative, join } from 'node:path';
import * as eg from '../../dist/edgegrad.node.js';
import { SEED } from '../conformance/seeded.js';

const wasmUrl = new URL('../../dist/edgegrad.wasm', import.meta.url);
const wasmPath = fileURLToPath(wasmUrl);
const bytes = readFileSync(wasmPath);

async function worksOnWasm(info, what) {
  assert.is(info.selected, 'wasm', `${what}: selected ${info.selected} (${info.backends.wasm.reason})`);
  assert.ok(info.backends.wasm.simd, `${what}: simd reported`);
  const x = eg.random.normal(eg.random.key(SEED), [257]);
  const want = Array.from(x.dataSync(), (v) => Math.exp(v) * 2);
  const got = eg.exp(x).mul(2).dataSync();
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * Math.abs(want[i]) + 1e-6, `${what}: [${i}] ${got[i]} vs ${want[i]} (seed ${SEED})`);
  assert.ok(eg.stats().launches.wasm >= 2, `${what}: ran on wasm`);
}

test('default: the .wasm next to the bundle', async () => { await worksOnWasm(await eg.init({ backend: 'wasm' }), 'default'); });
test('URL', async () => { await worksOnWasm(await eg.init({ backend: 'wasm', wasm: wasmUrl }), 'URL'); });
test('string path and file: URL string', async () => {
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: wasmPath }), 'absolute path');
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: wasmUrl.href }), 'file: URL string');
  // A relative path is relative to the working directory, as Node's fs would take it.
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: relative(process.cwd(), wasmPath) }), 'relative path');
  const missing = join(process.cwd(), 'no-such-dir', 'edgegrad.wasm');
  const r = await eg.init({ backend: 'auto', gpu: null, wasm: 'no-such-dir/edgegrad.wasm' });
  assert.is(r.selected, 'js');
  assert.is(r.backends.wasm.reason.split('. ')[0], `init: not found at ${pathToFileURL(missing).href}`);
  assert.is(r.backends.wasm.simd, null);
});
test('BufferSource: Uint8Array and ArrayBuffer', async () => {
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: new Uint8Array(bytes) }), 'Uint8Array');
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }), 'ArrayBuffer');
});
test('WebAssembly.Module and a promise of one', async () => {
  const m = await WebAssembly.compile(bytes);
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: m }), 'Module');
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: Promise.resolve(m) }), 'Promise<Module>');
});
test('Response (with and without the wasm MIME type), Request and http URL over fetch', async () => {
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: new Response(bytes, { headers: { 'content-type': 'application/wasm' } }) }), 'Response application/wasm');
  await worksOnWasm(await eg.init({ backend: 'wasm', wasm: Promise.resolve(new Response(bytes)) }), 'Promise<Response> without MIME');
  const server = createServer((req, res) => {
    if (req.url === '/edgegrad.wasm') { res.writeHead(200, { 'content-type': 'application/wasm' }); res.end(bytes); } else { res.writeHead(404); res.end(); }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    await worksOnWasm(await eg.init({ backend: 'wasm', wasm: `${base}/edgegrad.wasm` }), 'http URL string');
    await worksOnWasm(await eg.init({ backend: 'wasm', wasm: new Request(`${base}/edgegrad.wasm`) }), 'Request');
    const bad = await eg.init({ backend: 'auto', wasm: `${base}/missing.wasm` });
    // auto goes on without wasm (to webgpu where Dawn finds a driver, else js)
    assert.ok(bad.selected !== 'wasm' && bad.backends.wasm.ok === false, `a 404 rejects wasm under auto (selected ${bad.selected})`);
    assert.is(bad.backends.wasm.reason.split('. ')[0], `init: not found at ${base}/missing.wasm (HTTP 404)`);
    assert.is(bad.backends.wasm.simd, null, 'simd is unknown when no module was loaded');
    assert.is(bad.backends.wasm.relaxedSimd, null);
    try { await eg.init({ backend: 'wasm', wasm: `${base}/missing.wasm` }); assert.unreachable('explicit wasm must throw'); }
    catch (e) { assert.is(e.name, 'EdgegradError'); assert.match(e.message, /init: backend 'wasm' is not available: init: not found at http:\/\/127\.0\.0\.1:\d+\/missing\.wasm \(HTTP 404\)/); }
  } finally { server.close(); }
});
test('initSync with bytes and with a Module; no wasm means js', () => {
  worksOnWasm(eg.initSync({ wasm: new Uint8Array(bytes) }), 'initSync bytes');
  worksOnWasm(eg.initSync({ wasm: new WebAssembly.Module(bytes) }), 'initSync Module');
  assert.is(eg.initSync({}).selected, 'js');
  assert.match(eg.initSync({}).backends.webgpu.reason, /initSync\(\) does not start WebGPU/);
});
test('bad sources and options get errors naming init', async () => {
  const r = await eg.init({ wasm: 42 });
  assert.match(r.backends.wasm.reason, /init: unsupported wasm source \(\[object Number\]\)/);
  const junk = await eg.init({ wasm: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) });
  assert.is(junk.selected === 'wasm', false, 'junk bytes are rejected');
  assert.ok(junk.backends.wasm.reason.length > 0);
  for (const [o, re] of [[{ backend: 'cuda' }, /init: unknown backend 'cuda'/], [{ fallback: 'maybe' }, /init: unknown fallback policy 'maybe'/]]) {
    try { await eg.init(o); assert.unreachable(); } catch (e) { assert.match(e.message, re); }
  }
});
test('tensors made before a re-init are refused with a clear error', async () => {
  await eg.init({ backend: 'wasm' });
  const t = eg.ones([3]);
  await eg.init({ backend: 'wasm' });
  try { eg.add(t, 1); assert.unreachable(); } catch (e) { assert.match(e.message, /add: tensor was created before eg.init\(\) switched backends/); }
});
test.run();
