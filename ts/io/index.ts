export * as gguf from './gguf.js';
export * as safetensors from './safetensors.js';
export type { GGUFFile, GGUFTensorInfo, GGUFValue, GGUFValueType } from './gguf.js';
