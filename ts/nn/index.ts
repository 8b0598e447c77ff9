// eg.nn: parameters in plain objects, layers and losses as pure functions.
export { linear, applyLinear, mlp } from './layers.js';
export type { LinearParams, LinearOptions, Mlp, MlpOptions, Activation } from './layers.js';
export { crossEntropy, mse, accuracy } from './losses.js';
export * as init from './init.js';
export { rope, attention, swiglu, embedding } from './transformer.js';
export type { RopeOptions, AttentionOptions } from './transformer.js';
