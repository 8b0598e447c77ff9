# workerd config for the language-model worker: `npm run build`, then from the repository root
#   node_modules/.bin/workerd serve examples/worker/llm.capnp
# and POST to http://127.0.0.1:8788/v1/completions (see llm.js). The model is a data module:
# the bundle carries its bytes, so nothing is fetched at run time.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .llmWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8788", http = (), service = "main") ],
);

const llmWorker :Workerd.Worker = (
  modules = [
    (name = "llm.js", esModule = embed "llm.js"),
    (name = "openai.js", esModule = embed "../llm/openai.js"),
    (name = "model.gguf", data = embed "../llm/kjv-bytes-q8_0.gguf"),
    (name = "edgegrad.js", esModule = embed "../../dist/edgegrad.workerd.js"),
    (name = "edgegrad.wasm", wasm = embed "../../dist/edgegrad.wasm"),
    (name = "edgegrad.relaxed.wasm", wasm = embed "../../dist/edgegrad.relaxed.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
