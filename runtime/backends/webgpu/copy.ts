import type { CastParams, CopyParams, DType, GatherParams, WhereParams } from '../../types.js';
import { copy as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader, wgslType } from './wgsl.js';
import { MAX_RANK } from './binary.js';

function checkRank(kernel: string, rank: number): void {
  if (rank > MAX_RANK) throw new Error(`webgpu ${kernel}: rank ${rank} > ${MAX_RANK}; collapse dims first`);
}

export function copy(L: Launcher, x: GpuHandle, out: GpuHandle, p: CopyParams): void {
  const rank = p.shape.length;
  checkRank('copy', rank);
  const words = new Array<number>(32).fill(0);
  words[0] = p.size; words[1] = rank; words[2] = p.xOffset; words[3] = p.outOffset;
  for (let d = 0; d < rank; d++) { words[8 + d] = p.shape[d]; words[16 + d] = p.xStrides[d]; words[24 + d] = p.outStrides[d]; }
  L.launch('copy', () => shader(src.copy), [x, out], words, Math.ceil(p.size / 64));
}

export function gather(L: Launcher, x: GpuHandle, idx: GpuHandle, out: GpuHandle, p: GatherParams): void {
  const total = p.outer * p.nIdx * p.inner;
  L.launch('gather', () => shader(src.gather), [x, idx, out], [total, p.axisSize, p.inner, p.nIdx], Math.ceil(total / 64));
}

export function where(L: Launcher, c: GpuHandle, a: GpuHandle, b: GpuHandle, out: GpuHandle, p: WhereParams): void {
  const rank = p.outShape.length;
  checkRank('where', rank);
  const words = new Array<number>(40).fill(0);
  words[0] = p.size; words[1] = rank;
  for (let d = 0; d < rank; d++) {
    words[8 + d] = p.outShape[d]; words[16 + d] = p.cStrides[d]; words[24 + d] = p.aStrides[d]; words[32 + d] = p.bStrides[d];
  }
  L.launch('where', () => shader(src.where), [c, a, b, out], words, Math.ceil(p.size / 64));
}

// Conversions as the reference's typed-array stores do them: float->int truncates and wraps
// modulo 2^32, NaN/Infinity give 0; anything->uint8 keeps the low 8 bits (of the wrapped
// int32 for floats).
function castBody(from: DType, to: DType): string {
  if (from === to) return 'return x;';
  switch (`${from}>${to}`) {
    case 'float32>int32': return 'return to_int32_wrap(x);';
    case 'float32>uint8': return 'return u32(to_int32_wrap(x)) & 255u;';
    case 'int32>float32': return 'return f32(x);';
    case 'int32>uint8': return 'return u32(x) & 255u;';
    case 'uint8>float32': return 'return f32(x);';
    case 'uint8>int32': return 'return i32(x);';
  }
  throw new Error(`webgpu cast: ${from} -> ${to} is not a cast`);
}

export function cast(L: Launcher, x: GpuHandle, out: GpuHandle, p: CastParams): void {
  const F = wgslType(p.from), T = wgslType(p.to);
  L.launch(`cast:${p.from}:${p.to}`, () => shader(src.cast, { F, T, BODY: castBody(p.from, p.to) }), [x, out], [p.size], Math.ceil(p.size / 64));
}
