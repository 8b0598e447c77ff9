// eg.linalg: dense factorizations and solvers. Each capability's exports are one block.

// dense linear algebra (sync, batched over leading axes)
export { cholesky } from './cholesky.js';
export { qr } from './qr.js';
export { eigh } from './eigh.js';
export { svd } from './svd.js';
export { solve, inv, det, slogdet } from './solve.js';
export { lstsq } from './lstsq.js';
export { norm } from './norm.js';
export type { NormOrd } from './norm.js';
