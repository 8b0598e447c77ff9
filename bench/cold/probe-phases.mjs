// One cold process: the phases edgegrad's init() goes through, timed one by one on fresh state
// (which build the probe picks, reading the .wasm, compiling, instantiating). Node and Deno.
//   node|deno run bench/cold/probe-phases.mjs <dist folder>
import { relaxedSimdProbe, simdProbe } from '../../build/tsc/runtime/backends/wasm/probe.js';

const readFile = globalThis.Deno ? (u) => Deno.readFile(u) : (await import('node:fs/promises')).readFile;
const t0 = performance.now();
const relaxed = WebAssembly.validate(relaxedSimdProbe) && WebAssembly.validate(simdProbe);
const t1 = performance.now();
const dist = new URL(`file://${globalThis.Deno ? Deno.args[0] : process.argv[2]}/`);
const file = new URL(relaxed ? 'edgegrad.relaxed.wasm' : 'edgegrad.wasm', dist);
const bytes = await readFile(file);
const t2 = performance.now();
const module = await WebAssembly.compile(bytes);
const t3 = performance.now();
const instance = await WebAssembly.instantiate(module, { env: { abort() {} } });
const t4 = performance.now();
instance.exports.features();
console.log(JSON.stringify({ probeMs: t1 - t0, readMs: t2 - t1, compileMs: t3 - t2, instantiateMs: t4 - t3, relaxed }));
