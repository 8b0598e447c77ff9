export { QuantizedTensor, fromGGML, quantizeGGML } from './qtensor.js';
export { linear } from './linear.js';
