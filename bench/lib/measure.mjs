// Interleaved timing: every library runs the same op on the same inputs, one run each in turn
// (the order rotates every round), so drift (thermal, other processes, GC) hits all of them alike.
// Each run is timed from the op call to the moment its result sits in a JS typed array.

const now = () => performance.now();

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * @param {{name:string, inst:object}[]} libs  set-up adapters for one case
 * @param {object} o
 * @param {'readback'|'oponly'} o.mode
 * @param {number} o.k           ops per run in 'oponly' mode (one readback at the end)
 * @param {number} o.budgetMs    about how long the timed rounds of this measurement may take
 * @param {number} o.maxRunMs    a library whose single run takes longer is skipped
 * @param {(name:string)=>number|null} o.predictMs  predicted single-run time (for skipping early)
 * @param {number} o.warmup, o.minReps, o.maxReps
 * @returns {{ [name:string]: { times?: number[], skipped?: string, error?: string, first?: Float32Array } }}
 */
export async function measure(libs, o) {
  const call = (inst) => (o.mode === 'readback' ? inst.run() : inst.chain(o.k));
  const out = {};
  const live = [];
  for (const { name, inst } of libs) {
    const predicted = o.predictMs?.(name);
    if (predicted != null && predicted > o.maxRunMs) {
      out[name] = { skipped: `predicted ${(predicted / 1000).toFixed(1)} s per run (limit ${(o.maxRunMs / 1000).toFixed(0)} s)` };
      continue;
    }
    try {
      let t = Infinity, first;
      for (let w = 0; w < o.warmup; w++) {
        globalThis.gc?.();
        const t0 = now();
        const r = await call(inst);
        t = now() - t0;
        if (w === 0) first = r;
        // The first run may include one-off work (wasm tier-up, shader compilation): it gets a
        // 4x allowance and is never the one judged against the limit when more runs follow.
        if (t > (w === 0 ? 4 : 1) * o.maxRunMs) break;
        if (w === 0 && o.warmup === 1 && t > o.maxRunMs) { globalThis.gc?.(); const t1 = now(); await call(inst); t = now() - t1; }
      }
      if (t > o.maxRunMs) { out[name] = { skipped: `one run took ${(t / 1000).toFixed(1)} s (limit ${(o.maxRunMs / 1000).toFixed(0)} s)`, first }; continue; }
      out[name] = { times: [], first };
      const reps = Math.max(o.minReps, Math.min(o.maxReps, Math.floor(o.budgetMs / libs.length / Math.max(t, 1e-3))));
      live.push({ name, inst, reps });
    } catch (e) {
      out[name] = { error: String(e?.message ?? e).split('\n')[0] };
    }
  }
  const rounds = Math.max(0, ...live.map((l) => l.reps));
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    for (let i = 0; i < live.length; i++) {
      const l = live[(i + r) % live.length];
      if (r >= l.reps || out[l.name].error) continue;
      try {
        const t0 = now();
        await call(l.inst);
        out[l.name].times.push(now() - t0);
      } catch (e) {
        out[l.name].error = String(e?.message ?? e).split('\n')[0];
      }
    }
  }
  return out;
}
