export { fastRP, sparseProjection } from './fastrp.js';
export type { FastRPOptions } from './fastrp.js';
export { sbm } from './sbm.js';
export type { SBMGraph } from './sbm.js';
export type { CSRLike } from './csr-like.js';
