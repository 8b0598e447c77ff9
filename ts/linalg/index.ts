// eg.linalg. Each block below belongs to one part of the issue; keep edits inside yours.

// ---- dense linear algebra (sync, batched over leading axes) ----
export { cholesky } from './cholesky.js';
export { qr } from './qr.js';
export { eigh } from './eigh.js';
export { svd } from './svd.js';
export { solve, inv, det, slogdet } from './solve.js';
export { lstsq } from './lstsq.js';
export { norm } from './norm.js';
export type { NormOrd } from './norm.js';
// ---- end dense linear algebra ----

// ---- iterative solvers (Krylov, sketching) and preconditioners ----
export { cg } from './cg.js';
export type { CgOptions } from './cg.js';
export { gmres } from './gmres.js';
export type { GmresOptions } from './gmres.js';
export { gcrodr, solveSequence, Recycle } from './gcrodr.js';
export type { GcrodrOptions, GcrodrResult, SequenceOptions } from './gcrodr.js';
export { dcdm } from './dcdm.js';
export type { DcdmOptions } from './dcdm.js';
export { lanczos } from './lanczos.js';
export type { LanczosResult, LanczosOptions } from './lanczos.js';
export { kaczmarz } from './kaczmarz.js';
export type { KaczmarzOptions } from './kaczmarz.js';
export * as precond from './precond.js';
export type { OperatorLike, SolveResult } from './operator.js';
// ---- end iterative solvers ----
