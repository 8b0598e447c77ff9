# workerd config for the example: `npm run build`, then from the repository root
#   node_modules/.bin/workerd serve examples/worker/config.capnp
# and open http://127.0.0.1:8787/?n=64. The .wasm files are wasm modules: Workers refuse to
# compile WebAssembly from bytes, so edgegrad's workerd build imports them.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .exampleWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const exampleWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "edgegrad.js", esModule = embed "../../dist/edgegrad.workerd.js"),
    (name = "edgegrad.wasm", wasm = embed "../../dist/edgegrad.wasm"),
    (name = "edgegrad.relaxed.wasm", wasm = embed "../../dist/edgegrad.relaxed.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
