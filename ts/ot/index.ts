export { sinkhorn } from './sinkhorn.js';
export type { SinkhornOptions, SinkhornResult } from './sinkhorn.js';
export { sinkhornNewtonSparse } from './sns.js';
export type { SNSOptions } from './sns.js';
export { emd } from './emd.js';
export type { EmdResult } from './emd.js';
export { sinkhornLoss } from './loss.js';
export type { SinkhornLossOptions } from './loss.js';
