export { load, fromFile, LanguageModel, KVCache } from './model.js';
export type { LoadOptions, LlamaConfig, GenerateOptions } from './model.js';
export type { Tokenizer } from './tokenizer.js';
export type { SampleOptions } from './sample.js';
