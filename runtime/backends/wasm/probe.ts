// Tiny hand-assembled modules for WebAssembly.validate(): which build can this engine run?
// Both are `(func (result v128) ...)` with no imports; validating compiles nothing.

function moduleReturningV128(body: number[]): Uint8Array<ArrayBuffer> {
  const code = [0x00, ...body, 0x0b]; // no locals, body, end
  const section = [0x01, code.length, ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
    0x03, 0x02, 0x01, 0x00, // one function of type 0
    0x0a, section.length, ...section,
  ]);
}
const v128Zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];

/** v128.const, v128.const, f32x4.add: valid where SIMD128 is. */
export const simdProbe: Uint8Array<ArrayBuffer> = moduleReturningV128([...v128Zero, ...v128Zero, 0xfd, 0xe4, 0x01]);
/** three v128.const and f32x4.relaxed_madd: valid where relaxed SIMD is. */
export const relaxedSimdProbe: Uint8Array<ArrayBuffer> = moduleReturningV128([...v128Zero, ...v128Zero, ...v128Zero, 0xfd, 0x85, 0x02]);
