// The Transport page: two point clouds the user drags; after each move the worker solves the
// entropic optimal-transport problem between them (eg.ot.sinkhorn, uniform weights, squared
// distances) and the plan is drawn as lines, darker for more mass.
import { prng } from '../../train/data.mjs';

const SRC = [230, 57, 70], DST = [69, 123, 157];

export function setupTransport({ send, state, form, canvas, readout }) {
  let x = null, y = null; // Float32Array [n, 2], [k, 2] in [-1, 1]^2
  let plan = null, seed = 1;
  let inFlight = false, dirty = false, drag = null;
  const scale = () => Math.min(canvas.width, canvas.height) / 2.4;
  const toPx = (px, py) => [canvas.width / 2 + px * scale(), canvas.height / 2 - py * scale()];

  function clouds() {
    const r = prng(seed++);
    const blob = (count, cx, cy, s) => Float32Array.from({ length: 2 * count }, (_, i) => (i % 2 ? cy : cx) + s * r.normal());
    x = blob(14, -0.5, 0.1, 0.22);
    y = blob(11, 0.5, -0.1, 0.3);
    plan = null;
    draw();
    solve();
  }

  function draw() {
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fbfbfb';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const n = x.length / 2, k = y.length / 2;
    if (plan) {
      const max = plan.reduce((a, b) => Math.max(a, b), 0);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) {
          const w = plan[i * k + j] / max;
          if (w < 0.02) continue;
          ctx.strokeStyle = `rgba(29, 53, 87, ${Math.min(1, 0.15 + 0.85 * w)})`;
          ctx.lineWidth = 0.5 + 3 * w;
          ctx.beginPath();
          ctx.moveTo(...toPx(x[2 * i], x[2 * i + 1]));
          ctx.lineTo(...toPx(y[2 * j], y[2 * j + 1]));
          ctx.stroke();
        }
      }
    }
    for (const [pts, c] of [[x, SRC], [y, DST]]) {
      for (let i = 0; i < pts.length / 2; i++) {
        ctx.beginPath();
        ctx.arc(...toPx(pts[2 * i], pts[2 * i + 1]), 6, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${c.join(',')})`;
        ctx.fill();
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
    }
  }

  // one solve at a time; moves made meanwhile are solved once it returns
  function solve() {
    if (inFlight) { dirty = true; return; }
    inFlight = true;
    dirty = false;
    const reg = Number(form.reg.value);
    const sent = { x: x.slice(), y: y.slice() };
    state.transportBusy = true;
    send({ type: 'transport', backend: form.backend.value, ...sent, reg }, (m) => {
      inFlight = false;
      state.transportBusy = dirty;
      if (m.type === 'error') {
        readout.textContent = `error: ${m.message}`;
        state.transport = { error: m.message };
      } else {
        plan = m.plan; // drawn against the current points: a drag in flight sees last solve's lines
        draw();
        const cost = Array.isArray(m.cost) ? m.cost[0] : m.cost;
        readout.textContent = `${m.backend} · reg ${reg} · cost ⟨P, C⟩ ${cost.toFixed(4)} · ${m.iterations} iterations · marginal error ${m.error.toExponential(1)}${m.converged ? '' : ' (not converged)'} · ${m.ms.toFixed(1)} ms`;
        state.transport = { x: Array.from(sent.x), y: Array.from(sent.y), plan: Array.from(m.plan), n: m.n, k: m.k, cost, reg, converged: m.converged, solves: (state.transport?.solves ?? 0) + 1 };
      }
      if (dirty) solve();
    });
  }

  function hit(ev) {
    const rect = canvas.getBoundingClientRect();
    const px = ((ev.clientX - rect.left) * canvas.width) / rect.width, py = ((ev.clientY - rect.top) * canvas.height) / rect.height;
    for (const pts of [x, y]) {
      for (let i = 0; i < pts.length / 2; i++) {
        const [cx, cy] = toPx(pts[2 * i], pts[2 * i + 1]);
        if ((cx - px) ** 2 + (cy - py) ** 2 <= 100) return { pts, i };
      }
    }
    return null;
  }
  canvas.addEventListener('pointerdown', (ev) => { drag = hit(ev); if (drag) canvas.setPointerCapture(ev.pointerId); });
  canvas.addEventListener('pointermove', (ev) => {
    canvas.style.cursor = drag || hit(ev) ? 'grab' : 'default';
    if (!drag) return;
    const rect = canvas.getBoundingClientRect();
    drag.pts[2 * drag.i] = (((ev.clientX - rect.left) * canvas.width) / rect.width - canvas.width / 2) / scale();
    drag.pts[2 * drag.i + 1] = (canvas.height / 2 - ((ev.clientY - rect.top) * canvas.height) / rect.height) / scale();
    draw();
    solve();
  });
  canvas.addEventListener('pointerup', () => { drag = null; });
  form.reg.oninput = () => { form.querySelector('output').textContent = form.reg.value; solve(); };
  form.backend.onchange = solve;
  form.querySelector('#ot-new').onclick = clouds;
  return { start: clouds };
}
