// Arnoldi steps shared by GMRES and GCRO-DR. Vectors are rows of [j, n] tensors, so a
// block of dot products is one matmul. Orthogonalisation is classical Gram-Schmidt run
// twice (CGS2: as accurate as modified Gram-Schmidt, and one readback per step instead of j).
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { scope, dispose } from '../memory.js';
import { dot, readAll } from './operator.js';
import { tensor } from '../creation.js';

export interface ArnoldiStep { w: Tensor; h: number[]; hn: number; bc: number[] }

/** Orthogonalises w against the rows of C (if any) and of V; w is consumed. */
export async function orthogonalize(V: Tensor, w: Tensor, C: Tensor | null): Promise<ArnoldiStep> {
  const k = C ? C.shape[0] : 0, j = V.shape[0];
  const out = scope(() => {
    let x = w, bc: Tensor | null = null, h: Tensor | null = null;
    for (let pass = 0; pass < 2; pass++) {
      if (C) { const c = o.matmul(C, x); x = o.sub(x, o.matmul(c, C)); bc = bc ? o.add(bc, c) : c; }
      const hh = o.matmul(V, x);
      x = o.sub(x, o.matmul(hh, V));
      h = h ? o.add(h, hh) : hh;
    }
    const parts = [h!, o.sqrt(dot(x, x))];
    if (bc) parts.push(bc);
    return { x, packed: o.concat(parts.map((t) => o.reshape(t, [t.size])), 0) };
  });
  w.dispose();
  const vals = await readAll([out.packed]);
  out.packed.dispose();
  return { w: out.x, h: vals.slice(0, j), hn: vals[j], bc: vals.slice(j + 1, j + 1 + k) };
}

/** V with w/hn appended as a new row (V is disposed). */
export function appendRow(V: Tensor, w: Tensor, hn: number): Tensor {
  const next = scope(() => o.concat([V, o.reshape(o.div(w, hn), [1, w.size])], 0));
  dispose([V, w]);
  return next;
}

/** Σ_i coef[i] · rows[i] for host coefficients. */
export function combine(coef: number[], rows: Tensor): Tensor {
  return scope(() => o.matmul(tensor(Float32Array.from(coef), [1, coef.length]), rows).reshape([rows.shape[1]]));
}
