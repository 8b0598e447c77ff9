// llama.cpp for the tests and the bench: node-llama-cpp 3.21.1 (installed apart from the root
// package, see .ci/run), its prebuilt CPU binary, one thread, no GPU, never built from source.
import { existsSync } from 'node:fs';

const pkg = new URL('./node_modules/node-llama-cpp/dist/index.js', import.meta.url);
if (!existsSync(pkg)) throw new Error('node-llama-cpp is not installed: run (cd tests/llama && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --omit=optional)');
const { getLlama } = await import(pkg.href);

/** The llama.cpp instance (one thread, CPU). */
export const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error', maxThreads: 1 });
