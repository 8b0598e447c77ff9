// Rotary position embedding of x [tokens, heads, headDim] with the host's cos/sin table
// cs [tokens, dims] (cos of pair i at i, sin at dims/2 + i). Pairs are adjacent (llama's
// NORM) or the two halves (NEOX, vectorised); features past `dims` are copied.

export function rope(x: usize, cs: usize, out: usize, tokens: i32, heads: i32, headDim: i32, dims: i32, neox: bool): void {
  const half = dims >> 1;
  for (let t = 0; t < tokens; t++) {
    const c = cs + (<usize>(t * dims) << 2), s = c + (<usize>half << 2);
    for (let h = 0; h < heads; h++) {
      const o = <usize>((t * heads + h) * headDim) << 2;
      const xp = x + o, op = out + o;
      let i = 0;
      if (neox) {
        const hb = <usize>half << 2;
        for (; i + 4 <= half; i += 4) {
          const p = <usize>i << 2;
          const a = v128.load(xp + p), b = v128.load(xp + hb + p), cv = v128.load(c + p), sv = v128.load(s + p);
          v128.store(op + p, f32x4.sub(f32x4.mul(a, cv), f32x4.mul(b, sv)));
          v128.store(op + hb + p, f32x4.add(f32x4.mul(a, sv), f32x4.mul(b, cv)));
        }
      }
      for (; i < half; i++) {
        const ia = <usize>(neox ? i : i << 1) << 2, ib = <usize>(neox ? i + half : (i << 1) + 1) << 2;
        const a = load<f32>(xp + ia), b = load<f32>(xp + ib);
        const cv = load<f32>(c + (<usize>i << 2)), sv = load<f32>(s + (<usize>i << 2));
        store<f32>(op + ia, a * cv - b * sv);
        store<f32>(op + ib, a * sv + b * cv);
      }
      if (dims < headDim && xp != op) memory.copy(op + (<usize>dims << 2), xp + (<usize>dims << 2), <usize>(headDim - dims) << 2);
    }
  }
}
