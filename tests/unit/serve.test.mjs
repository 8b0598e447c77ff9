// The model of examples/llm served by the REAL workerd (examples/worker/llm.capnp) and Deno
// (examples/deno/llm.ts) servers, started with the commands the README shows (on free ports):
// the README's curl reads a streamed completion, and it and a streamed request parsed here as
// server-sent events equal the same greedy generation computed in-process; the non-streamed
// answer too; /v1/embeddings equals lm.embed and has unit length; bad requests get named 4xx
// errors. The servers are killed at the end (and if this process dies).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePort, waitForPort } from '../runners/common.mjs';
import { readmeBlocks } from './readme.mjs';

const SECTION = 'Serve it: a Worker, Deno, a web page';
const [{ code: shell }] = readmeBlocks(SECTION, { lang: 'sh' });
const commands = shell.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
const command = (re) => { const c = commands.find((l) => re.test(l)); assert.ok(c, `the README shows a command matching ${re}`); return c; };
const curl = command(/^curl /);
const request = JSON.parse(/-d '([^']*)'/.exec(curl)[1]);
const PROMPT = request.prompt, N = request.max_tokens;

const eg = await import('../../build/tsc/runtime/entry/node.js');
await eg.init({ backend: 'wasm', wasm: new URL('../../build/edgegrad.wasm', import.meta.url) });
const MODEL = join(ROOT, 'examples/llm/kjv-bytes-q8_0.gguf');
const lm = await eg.llm.load(readFileSync(MODEL), { contextLength: 256 });
const expected = [];
for await (const t of lm.generate(PROMPT, { temperature: 0, maxTokens: N })) expected.push(t);
const expectedText = expected.map((t) => t.text).join('');

test('the README shows the Worker as it is in examples/worker/llm.js, and commands that build, serve and ask', () => {
  const [{ code }] = readmeBlocks(SECTION, { lang: 'js' });
  const file = readFileSync(join(ROOT, 'examples/worker/llm.js'), 'utf8').split('\n').filter((l) => !l.startsWith('//')).join('\n');
  assert.is(code.trim(), file.trim());
  assert.is(commands[0], 'npm run build');
  assert.is(request.stream, true);
  assert.is(request.temperature, 0);
});

const procs = [];
process.on('exit', () => { for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL'); });

/** Starts a server, resolves { url, log } once it listens. */
async function start(name, cmd, args, port, env = {}) {
  const log = [];
  const p = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(p);
  let exited = null;
  p.on('exit', (c, s) => { exited = `${name} exited with ${c ?? s}`; });
  for (const s of [p.stdout, p.stderr]) s.setEncoding('utf8').on('data', (c) => log.push(...c.split('\n').filter(Boolean)));
  try { await waitForPort(port, 60e3, () => !exited); }
  catch (e) { throw new Error(`${name}: ${exited ?? e.message}\n${log.slice(-20).join('\n')}`); }
  return { url: `http://127.0.0.1:${port}`, log };
}

const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** The data of each event of a server-sent-event stream, read as they arrive. */
async function readSSE(res) {
  const events = [];
  const dec = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body) {
    buf += dec.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const ev = buf.slice(0, i); buf = buf.slice(i + 2);
      assert.ok(ev.startsWith('data: '), `an SSE event that is not 'data: ...': ${JSON.stringify(ev)}`);
      events.push(ev.slice(6));
    }
  }
  assert.is(buf, '', 'bytes after the last event');
  return { events };
}

/** The events of the README's curl command, pointed at this server. */
function curlEvents(url) {
  const out = execFileSync('bash', ['-c', curl.replace('http://127.0.0.1:8788', url)], { encoding: 'utf8', timeout: 60e3 });
  return out.split('\n\n').filter(Boolean).map((e) => { assert.ok(e.startsWith('data: '), `curl printed ${JSON.stringify(e)}`); return e.slice(6); });
}

async function checkServer(name, url) {
  // the README's curl: the streamed tokens, then the final chunk and [DONE]
  const viaCurl = curlEvents(url);
  assert.is(viaCurl.at(-1), '[DONE]');
  assert.is(viaCurl.slice(0, -2).map((e) => JSON.parse(e).choices[0].text).join(''), expectedText, `${name}: the README's curl`);
  // streamed: one event per token, a final one with finish_reason, then [DONE]
  const t0 = performance.now();
  const res = await post(`${url}/v1/completions`, { prompt: PROMPT, max_tokens: N, temperature: 0, stream: true });
  assert.is(res.status, 200, `${name}: status ${res.status}: ${res.status !== 200 ? await res.text() : ''}`);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const { events } = await readSSE(res);
  const ms = performance.now() - t0;
  assert.is(events.at(-1), '[DONE]', `${name}: the stream ends with [DONE]`);
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
  assert.is(chunks.length, N + 1, `${name}: ${N} token events and a final one`);
  assert.ok(chunks.every((c) => c.object === 'text_completion' && c.choices.length === 1));
  assert.equal(chunks.slice(0, -1).map((c) => c.choices[0].text), expected.map((t) => t.text), `${name}: streamed tokens`);
  assert.is(chunks.at(-1).choices[0].finish_reason, 'length');
  assert.equal(chunks.at(-1).usage, { prompt_tokens: lm.tokenizer.encode(PROMPT).length, completion_tokens: N, total_tokens: lm.tokenizer.encode(PROMPT).length + N });
  console.log(`  ${name}: streamed ${N} tokens ${JSON.stringify(expectedText)}, ${(N / (ms / 1000)).toFixed(0)} tok/s seen by the client (request to [DONE])`);

  // not streamed: one JSON with the same text
  const one = await (await post(`${url}/v1/completions`, { prompt: PROMPT, max_tokens: N, temperature: 0 })).json();
  assert.is(one.choices[0].text, expectedText, `${name}: non-streamed text`);
  assert.is(one.choices[0].finish_reason, 'length');

  // a stop string ends the text before it (finish_reason 'stop')
  const stop = expectedText.slice(5, 8);
  const stopped = await (await post(`${url}/v1/completions`, { prompt: PROMPT, max_tokens: N, temperature: 0, stop })).json();
  assert.is(stopped.choices[0].text, expectedText.slice(0, expectedText.indexOf(stop)), `${name}: text up to the stop string ${JSON.stringify(stop)}`);
  assert.is(stopped.choices[0].finish_reason, 'stop');

  // embeddings: lm.embed, unit length
  const text = 'In the beginning was the Word';
  const emb = await (await post(`${url}/v1/embeddings`, { input: [text, 'and the Word was with God'] })).json();
  assert.is(emb.data.length, 2);
  const v = emb.data[0].embedding;
  const ref = lm.embed(text), want = await ref.data();
  ref.dispose();
  assert.is(v.length, lm.config.dim);
  const norm = Math.hypot(...v);
  assert.ok(Math.abs(norm - 1) < 1e-5, `${name}: |embedding| = ${norm}`);
  const diff = Math.max(...v.map((x, i) => Math.abs(x - want[i])));
  assert.ok(diff < 1e-6, `${name}: embedding differs from lm.embed by ${diff}`);
  assert.ok(emb.data[1].embedding.some((x, i) => x !== v[i]), 'two inputs, two embeddings');

  // errors: 4xx JSON naming the problem
  const err = async (res, status, re) => {
    assert.is(res.status, status, `${name}: status of a bad request`);
    const b = await res.json();
    assert.match(b.error.message, re);
    assert.is(b.error.type, 'invalid_request_error');
  };
  await err(await post(`${url}/v1/completions`, { max_tokens: 4 }), 400, /'prompt' must be a non-empty string/);
  await err(await post(`${url}/v1/completions`, { prompt: PROMPT, max_tokens: 1000 }), 400, /exceed the model's context of 256 tokens/);
  await err(await post(`${url}/v1/completions`, { prompt: PROMPT, temperature: -1 }), 400, /'temperature' must be a number in \[0, 2\]/);
  await err(await post(`${url}/v1/completions`, '{not json'), 400, /JSON object/);
  await err(await post(`${url}/v1/embeddings`, { input: '' }), 400, /'input' must be/);
  await err(await fetch(`${url}/v1/completions`), 405, /takes POST, not GET/);
  await err(await post(`${url}/v2/chat`, {}), 404, /no route POST \/v2\/chat/);
  // a client that goes away mid-stream (the server ends that generation)
  const abort = new AbortController();
  const gone = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ prompt: PROMPT, max_tokens: 200, stream: true }), signal: abort.signal });
  const reader = gone.body.getReader();
  assert.ok(new TextDecoder().decode((await reader.read()).value).startsWith('data: {'));
  abort.abort();
  await reader.read().catch(() => {});
  // the server still answers after the errors and the abort
  const models = await (await fetch(`${url}/v1/models`)).json();
  assert.is(models.data[0].id, 'kjv-bytes-q8_0');
}

test('workerd serves the model (the README command): streamed and plain completions, embeddings, errors', async () => {
  const port = await freePort();
  const [bin, ...args] = command(/^node_modules\/\.bin\/workerd serve /).split(/\s+/);
  const s = await start('workerd', join(ROOT, bin), [...args, '--socket-addr', `http=127.0.0.1:${port}`], port);
  await checkServer('workerd', s.url);
});

test('Deno serves the model (the README command): streamed and plain completions, embeddings, errors', async () => {
  const port = await freePort();
  const [bin, run, ...args] = command(/^deno run /).split(/\s+/);
  assert.is(`${bin} ${run}`, 'deno run');
  // the installed binary, offline and without prompts; wasm, as the in-process generation
  const s = await start('deno', join(ROOT, 'node_modules/.bin/deno'), ['run', '--no-prompt', '--cached-only', ...args, '--port', String(port), '--backend', 'wasm'], port, { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' });
  await checkServer('deno', s.url);
});

test.after(async () => {
  lm.dispose();
  await Promise.all(procs.filter((p) => p.exitCode === null).map((p) => new Promise((r) => { p.once('exit', r); p.kill('SIGTERM'); setTimeout(() => p.kill('SIGKILL'), 3000).unref(); })));
});
test.run();
