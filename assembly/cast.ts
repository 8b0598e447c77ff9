// dtype conversion: float->int truncates with ToInt32 semantics (NaN -> 0), int->uint8 keeps
// the low byte, as a store into the reference's typed arrays does.
import { toInt32 } from './strided';
import { DTYPE_FLOAT32, DTYPE_INT32, DTYPE_UINT8 } from './codes';

/** f32 -> i32 lanes with ToInt32 semantics (saturating truncation only agrees in range). */
@inline function f32ToI32(v: v128): v128 {
  let r = i32x4.trunc_sat_f32x4_s(v);
  if (!i32x4.all_true(f32x4.lt(f32x4.abs(v), f32x4.splat(2147483648.0)))) {
    for (let l = 0; l < 4; l++) {
      r = i32x4.replace_lane(r, 0, toInt32(<f64>f32x4.extract_lane(v, 0)));
      r = i32x4.shuffle(r, r, 1, 2, 3, 0);
      v = i32x4.shuffle(v, v, 1, 2, 3, 0);
    }
  }
  return r;
}

/** from/to: DTYPE_ codes (assembly/codes.ts). */
export function cast(from: i32, to: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  const b255 = i32x4.splat(255);
  if (from == to) { memory.copy(out, x, <usize>n << (from == DTYPE_UINT8 ? 0 : 2)); return; }
  if (from == DTYPE_FLOAT32 && to == DTYPE_INT32) {
    for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), f32ToI32(v128.load(x + (<usize>i << 2))));
    for (; i < n; i++) store<i32>(out + (<usize>i << 2), toInt32(<f64>load<f32>(x + (<usize>i << 2))));
  } else if (from == DTYPE_INT32 && to == DTYPE_FLOAT32) {
    for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), f32x4.convert_i32x4_s(v128.load(x + (<usize>i << 2))));
    for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<i32>(x + (<usize>i << 2)));
  } else if (to == DTYPE_UINT8) {
    // low byte of the (ToInt32-truncated) value; the narrowing needs lanes already in 0..255
    for (; i + 4 <= n; i += 4) {
      let v = v128.load(x + (<usize>i << 2));
      if (from == DTYPE_FLOAT32) v = f32ToI32(v);
      v = v128.and(v, b255);
      const h = i16x8.narrow_i32x4_u(v, v);
      v128.store32_lane(out + <usize>i, i8x16.narrow_i16x8_u(h, h), 0);
    }
    for (; i < n; i++) {
      const v = from == DTYPE_FLOAT32 ? toInt32(<f64>load<f32>(x + (<usize>i << 2))) : load<i32>(x + (<usize>i << 2));
      store<u8>(out + <usize>i, <u8>(v & 255));
    }
  } else {
    // uint8 -> float32 / int32
    for (; i + 4 <= n; i += 4) {
      const v = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(x + <usize>i)));
      v128.store(out + (<usize>i << 2), to == DTYPE_FLOAT32 ? f32x4.convert_i32x4_s(v) : v);
    }
    for (; i < n; i++) {
      const v = <i32>load<u8>(x + <usize>i);
      if (to == DTYPE_FLOAT32) store<f32>(out + (<usize>i << 2), <f32>v); else store<i32>(out + (<usize>i << 2), v);
    }
  }
}
