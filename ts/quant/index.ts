export { QuantizedTensor, fromGGML, quantizeGGML } from './qtensor.js';
export { linear } from './linear.js';
export { hadamard } from './hadamard.js';
export { quantize, UniformQuantized } from './uniform.js';
export { quest } from './quest.js';
export { autotune } from './autotune.js';
export { codebook, CodebookQuantized } from './codebook.js';
export { toGGML } from './export.js';
