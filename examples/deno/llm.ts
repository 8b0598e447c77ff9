// The byte-level llama of examples/llm served from Deno over an OpenAI-style API (the same
// handler as the workerd example): `npm run build`, then
//   deno run --allow-read --allow-net examples/deno/llm.ts [--port 8789] [--model file.gguf]
// and POST to http://127.0.0.1:8789/v1/completions. WebGPU when Deno finds a GPU, else wasm.
import { parseArgs } from 'node:util';
import * as eg from '../../dist/edgegrad.deno.js';
import { openai } from '../llm/openai.js';

const { values } = parseArgs({ args: Deno.args, options: { port: { type: 'string', default: '8789' }, model: { type: 'string' }, backend: { type: 'string', default: 'auto' } } });
const file = values.model ?? new URL('../llm/kjv-bytes-q8_0.gguf', import.meta.url).pathname;
const handler = openai({
  name: 'kjv-bytes-q8_0',
  load: async () => {
    const info = await eg.init({ backend: values.backend as 'auto' | 'wasm' | 'webgpu' | 'js' });
    console.log(`model ${file} on ${info.selected}`);
    return eg.llm.load(file, { contextLength: 256 });
  },
});
Deno.serve({ port: Number(values.port), hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}/v1/completions`) }, handler);
