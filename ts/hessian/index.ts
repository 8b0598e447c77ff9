// eg.hessian: second-order information without forming the Hessian.
export { hutchinsonTrace, hutchinsonDiag } from './hutchinson.js';
export type { HutchinsonOptions } from './hutchinson.js';
export { slq, spectralDensity } from './slq.js';
export type { SlqOptions, SlqResult, DensityOptions } from './slq.js';
export { gnb, sampleCategorical } from './gnb.js';
export type { GnbOptions } from './gnb.js';
export { symmetricEigen, tridiagonalEigen } from './eigen.js';
