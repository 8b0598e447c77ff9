export * from './elementwise.js';
export * from './layout.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './nn.js';
export type { TensorLike } from './util.js';
export * from './segment.js';
