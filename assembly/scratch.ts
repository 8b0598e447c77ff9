// Static scratch (SIMD tails, the clipped matmul tile, the strided walk's index) is per thread.
// The single-threaded builds use it where it lies. In the threaded build the linear memory is
// shared by every thread's instance while globals are not, so each instance is given, as the
// import env.tls, the address of its own copy of the static area: 0 for the calling thread,
// a heap block of heapBase() bytes for each worker. Scratch is declared as
// `memory.data(bytes, 16) + TLS_BASE` (a plain sum, so the single-threaded builds fold it to
// a constant address; a helper function would leave a global read in every kernel).

@external("env", "tls") declare const TLS: usize;

export const TLS_BASE: usize = ASC_FEATURE_THREADS ? TLS : 0;
