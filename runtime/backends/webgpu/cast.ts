// dtype conversion of 32-bit words (uint8 is stored widened to u32).
import { EdgegradError } from '../../errors.js';
import type { CastParams, DType } from '../../types.js';
import { cast as src } from './shaders.generated.js';
import type { Launcher } from './launcher.js';
import type { GpuHandle } from './storage.js';
import { shader, wgslType } from './wgsl.js';

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
  throw new EdgegradError('webgpu', `cast: ${from} -> ${to} is not a cast`);
}

export function cast(L: Launcher, x: GpuHandle, out: GpuHandle, p: CastParams): void {
  const F = wgslType(p.from), T = wgslType(p.to);
  L.launch(`cast:${p.from}:${p.to}`, () => shader(src.cast, { F, T, BODY: castBody(p.from, p.to) }), [x, out], [p.size], Math.ceil(p.size / 64));
}
