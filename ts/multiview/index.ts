export { cca, pls } from './cca.js';
export type { CCAResult, PLSResult } from './cca.js';
export { stochastic, StochasticMultiview } from './stochastic.js';
export type { StochasticOptions } from './stochastic.js';
