// The public API. Everything here is written against runtime/ and never touches a
// platform global; runtime/entry/* picks the platform and re-exports this module.
export { init, initSync, backend, capabilities } from '../runtime/init.js';
export { calibrate } from '../runtime/calibrate.js';
export type { CalibrationResult } from '../runtime/calibrate.js';
export type { InitOptions, CapabilityReport } from '../runtime/init.js';
export type { DType, BackendName, TypedArray } from '../runtime/types.js';
export { EdgegradError } from '../runtime/errors.js';
export { opTable } from '../runtime/ops-table.js';
export type { Stats } from '../runtime/stats.js';
export { Tensor } from './tensor.js';
export { print } from './print.js';
export type { NestedArray } from './tensor.js';
export * from './creation.js';
export * from './ops/index.js';
export { scope, dispose, keep, memory, stats, resetStats, sync } from './memory.js';
export type { MemoryReport, LiveTensor } from './memory.js';
export * as random from './random.js';
export { grad, valueAndGrad, vjp, jvp, hvp, stopGradient } from './autodiff/grad.js';
export type { GradOptions, GradsOf } from './autodiff/grad.js';
export type { Tree } from './autodiff/tree.js';
export * as optim from './optim/index.js';
export * as hessian from './hessian/index.js';
export * as nn from './nn/index.js';
export * as quant from './quant/index.js';
export * as io from './io/index.js';
export * as llm from './llm/index.js';
export * as ot from './ot/index.js';
