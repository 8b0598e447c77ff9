// An OpenAI-style completions and embeddings API over an eg.llm model, as one fetch handler
// (Request -> Response, web-standard only), shared by the workerd example (examples/worker)
// and the Deno server (examples/deno). Routes:
//   POST /v1/completions  { prompt, max_tokens = 16, temperature = 1, top_p = 1, top_k = 0,
//                           seed, stop, stream } -> one JSON, or with stream: true server-sent
//                           events `data: {chunk}` per token, then `data: [DONE]`
//   POST /v1/embeddings   { input: string | string[] } -> lm.embed of each input
//   GET  /v1/models       -> the one model
// Bad requests get 4xx and { error: { message, type, param, code } }, as OpenAI's API does.

class RequestError extends Error {
  constructor(status, message, param = null, code = null) { super(message); this.status = status; this.param = param; this.code = code; }
}

const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const errorResponse = (e) => json({ error: { message: e.message, type: 'invalid_request_error', param: e.param, code: e.code } }, e.status,
  e.status === 405 ? { allow: e.allow } : {});

const ROUTES = { '/v1/completions': 'POST', '/v1/embeddings': 'POST', '/v1/models': 'GET' };

/** The completion options of a request body, checked; `room` is how many tokens the context has after the prompt. */
function completionOptions(body, lm) {
  const { prompt } = body;
  if (typeof prompt !== 'string' || prompt.length === 0)
    throw new RequestError(400, `'prompt' must be a non-empty string, got ${prompt === undefined ? 'none' : JSON.stringify(prompt).slice(0, 60)}`, 'prompt', 'missing_prompt');
  const num = (name, dflt, ok, what) => {
    const v = body[name] ?? dflt;
    if (typeof v !== 'number' || !ok(v)) throw new RequestError(400, `'${name}' must be ${what}, got ${JSON.stringify(v)}`, name);
    return v;
  };
  const ids = lm.tokenizer.encode(prompt);
  const context = lm.config.contextLength;
  const maxTokens = num('max_tokens', 16, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  if (ids.length + maxTokens > context)
    throw new RequestError(400, `the prompt's ${ids.length} tokens + max_tokens ${maxTokens} exceed the model's context of ${context} tokens; lower max_tokens to at most ${Math.max(0, context - ids.length)}`, 'max_tokens', 'context_length_exceeded');
  const stop = body.stop ?? [];
  if (!(typeof stop === 'string' || (Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === 'string' && s))))
    throw new RequestError(400, `'stop' must be a string or up to 4 non-empty strings, got ${JSON.stringify(stop)}`, 'stop');
  if (body.seed !== undefined && !Number.isInteger(body.seed)) throw new RequestError(400, `'seed' must be an integer, got ${JSON.stringify(body.seed)}`, 'seed');
  return {
    ids, stream: body.stream === true,
    generate: {
      maxTokens, stop,
      temperature: num('temperature', 1, (v) => v >= 0 && v <= 2, 'a number in [0, 2]'),
      topP: num('top_p', 1, (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
      topK: num('top_k', 0, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0 (0: all tokens)'),
      seed: body.seed,
    },
  };
}

/**
 * The fetch handler. `load()` gives the model (a Promise of an eg.llm model); it is called on
 * the first request and its result kept for the life of the process or isolate.
 */
export function openai({ load, name = 'edgegrad' }) {
  let model;
  const getModel = () => (model ??= Promise.resolve().then(load).catch((e) => { model = undefined; throw e; }));
  let serial = 0;

  async function completions(body, lm) {
    const o = completionOptions(body, lm);
    const id = `cmpl-${Date.now().toString(36)}-${(serial++).toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (text, finish) => ({ id, object: 'text_completion', created, model: name, choices: [{ text, index: 0, logprobs: null, finish_reason: finish }] });
    const tokens = lm.generate(o.ids, o.generate);
    let count = 0;
    const finish = () => (count >= o.generate.maxTokens ? 'length' : 'stop');
    const usage = () => ({ prompt_tokens: o.ids.length, completion_tokens: count, total_tokens: o.ids.length + count });
    if (!o.stream) {
      let text = '';
      for await (const t of tokens) { text += t.text; count++; }
      return json({ ...chunk(text, finish()), usage: usage() });
    }
    const enc = new TextEncoder();
    const event = (data) => enc.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    return new Response(new ReadableStream({
      async pull(controller) {
        try {
          // a macrotask between tokens lets the server write the last event out (else the
          // whole generation can run in microtasks and reach the client in one piece)
          await new Promise((r) => setTimeout(r, 0));
          const { value, done } = await tokens.next();
          if (!done) { count++; controller.enqueue(event(chunk(value.text, null))); return; }
          controller.enqueue(event({ ...chunk('', finish()), usage: usage() }));
          controller.enqueue(event('[DONE]'));
          controller.close();
        } catch (e) {
          controller.enqueue(event({ error: { message: e.message, type: 'server_error' } }));
          controller.close();
        }
      },
      // the client went away: end the generation, which frees its KV cache
      cancel() { return tokens.return(undefined); },
    }), { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
  }

  async function embeddings(body, lm) {
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 64 || !inputs.every((s) => typeof s === 'string' && s.length > 0))
      throw new RequestError(400, `'input' must be a non-empty string or an array of up to 64 of them, got ${JSON.stringify(body.input)?.slice(0, 60) ?? 'none'}`, 'input', 'missing_input');
    const data = [];
    let tokens = 0;
    for (const [index, text] of inputs.entries()) {
      const n = lm.tokenizer.encode(text).length;
      if (n > lm.config.contextLength) throw new RequestError(400, `input ${index} has ${n} tokens, more than the model's context of ${lm.config.contextLength}`, 'input', 'context_length_exceeded');
      const v = lm.embed(text);
      data.push({ object: 'embedding', index, embedding: Array.from(await v.data()) });
      v.dispose();
      tokens += n;
    }
    return json({ object: 'list', data, model: name, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  return async function handle(request) {
    try {
      const { pathname } = new URL(request.url);
      const method = ROUTES[pathname];
      if (!method) throw new RequestError(404, `no route ${request.method} ${pathname}; this server has ${Object.entries(ROUTES).map(([p, m]) => `${m} ${p}`).join(', ')}`, null, 'unknown_url');
      if (request.method !== method) throw Object.assign(new RequestError(405, `${pathname} takes ${method}, not ${request.method}`, null, 'method_not_allowed'), { allow: method });
      if (method === 'GET') return json({ object: 'list', data: [{ id: name, object: 'model', owned_by: 'edgegrad' }] });
      let body;
      try { body = await request.json(); } catch { throw new RequestError(400, 'the body must be a JSON object', null, 'invalid_json'); }
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RequestError(400, 'the body must be a JSON object', null, 'invalid_json');
      if (body.model !== undefined && body.model !== name) throw new RequestError(404, `model '${body.model}' is not served here; this server has '${name}'`, 'model', 'model_not_found');
      const lm = await getModel();
      return pathname === '/v1/completions' ? await completions(body, lm) : await embeddings(body, lm);
    } catch (e) {
      if (e instanceof RequestError) return errorResponse(e);
      return json({ error: { message: e?.message ?? String(e), type: 'server_error', param: null, code: null } }, 500);
    }
  };
}
