// A Cloudflare Worker serving the byte-level llama of examples/llm (trained with edgegrad) over
// an OpenAI-style API: POST /v1/completions (stream: true -> server-sent events) and
// POST /v1/embeddings. The weights are a data module of the bundle (1.5 MB of Q8_0), loaded
// once per isolate on the first request and kept.
import * as eg from './edgegrad.js';
import weights from './model.gguf';
import { openai } from './openai.js';

export default {
  fetch: openai({
    name: 'kjv-bytes-q8_0',
    load: async () => {
      await eg.init({ backend: 'wasm' });
      return eg.llm.load(new Uint8Array(weights), { contextLength: 256 });
    },
  }),
};
