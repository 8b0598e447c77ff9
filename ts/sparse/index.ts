export { CSR, csr, fromCOO, fromDense } from './csr.js';
export type { IndexInput, ValueInput } from './csr.js';
export { spmm as matmul } from './matmul.js';
