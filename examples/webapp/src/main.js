// The playground page: routing between pages, the Train form and its live pictures, the
// About page, and the service worker's update prompt. edgegrad itself runs in ./worker.js.
import uPlot from 'uplot';
import { DATASETS, makeData } from './datasets.js';
import { registerServiceWorker } from './offline.js';
import { setupTransport } from './transport.js';
import { setupGenerate } from './generate.js';

const $ = (sel) => document.querySelector(sel);
// What the browser test reads: training state, every loss, frames drawn.
const state = (window.__webapp = { status: 'starting', report: null, losses: [], frames: 0, steps: 0, error: null, version: null });

// ---- pages ----
function showPage() {
  const page = (location.hash || '#train').slice(1);
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.dataset.page !== page;
  for (const a of document.querySelectorAll('nav a[data-page]')) a.classList.toggle('active', a.dataset.page === page);
  if (page === 'train') plot.setSize(plotSize());
  if (page === 'transport' && state.report && !transportStarted) { transportStarted = true; transport.start(); }
}
let transportStarted = false;
addEventListener('hashchange', showPage);

// ---- the worker ----
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let nextId = 1;
const handlers = new Map(); // job id -> function(message)
function send(msg, onMessage) {
  const id = nextId++;
  handlers.set(id, onMessage);
  worker.postMessage({ ...msg, id });
  return id;
}
worker.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'ready') return ready(m);
  if (m.type === 'error' && !handlers.has(m.id)) return fail(m.message);
  handlers.get(m.id)?.(m);
};
worker.onerror = (e) => fail(`worker: ${e.message || 'failed to load'}`);

function fail(message) {
  state.status = 'error';
  state.error = message;
  $('#readout').textContent = `error: ${message}`;
  $('#readout').classList.add('error');
}

// ---- Train ----
const form = $('#train-form');
let seed = Number(new URLSearchParams(location.search).get('seed')) || 1; // ?seed=N: the data set of a failing test
let data = null;
let hyper = null;
let defaults = {};

for (const [k, v] of Object.entries(DATASETS)) form.dataset.add(new Option(v.label, k));

function regenerate() {
  data = makeData(form.dataset.value, { noise: Number(form.noise.value), seed });
  probs = null;
  drawBoundary();
}
form.dataset.onchange = form.noise.onchange = regenerate;
$('#reseed').onclick = () => { seed++; regenerate(); };
form.optimizer.onchange = () => { form.lr.value = defaults[form.optimizer.value]?.lr ?? 1e-2; };

function ready(m) {
  state.report = m.report;
  state.status = 'idle';
  hyper = m.hyper;
  defaults = m.defaults;
  for (const name of m.optimizers) form.optimizer.add(new Option(name, name, name === 'adam', name === 'adam'));
  form.optimizer.onchange();
  const b = m.report.backends;
  for (const select of [form.backend, $('#ot-form').backend, $('#gen-form').backend]) {
    for (const name of ['webgpu', 'wasm', 'js']) {
      // Transport's 14 x 11 problem is latency-bound: wasm answers a drag fastest
      const pick = select === form.backend ? m.report.selected : b.wasm.ok ? 'wasm' : m.report.selected;
      const o = new Option(b[name].ok ? name : `${name} (unavailable)`, name, false, name === pick);
      o.disabled = !b[name].ok;
      if (!b[name].ok) o.title = b[name].reason ?? '';
      select.add(o);
    }
  }
  $('#train').disabled = $('#calibrate').disabled = $('#bench').disabled = false;
  generate.ready();
  $('#readout').textContent = `ready: ${m.report.selected} selected by eg.init(); pick a backend and press Train`;
  renderAbout(m);
  showPage();
}

// the loss curve: uPlot (canvas, 40 KB) redraws tens of thousands of points in a few ms
const plotSize = () => ({ width: Math.min(520, Math.max(280, innerWidth - 440)), height: 320 });
const plot = new uPlot({
  ...plotSize(),
  legend: { show: false },
  cursor: { show: false },
  scales: { x: { time: false }, y: { distr: 3 } },
  axes: [{ label: 'step' }, { label: 'loss', size: 60 }],
  series: [{}, { label: 'loss', stroke: '#e63946', width: 1.5, points: { show: false } }],
}, [[], []], $('#loss-plot'));

const COLORS = [[230, 57, 70], [69, 123, 157], [42, 157, 143]]; // one per class
const G = 48; // decision-boundary grid resolution
let probs = null;
const cellCanvas = Object.assign(document.createElement('canvas'), { width: G, height: G });

function drawBoundary() {
  const cv = $('#boundary'), ctx = cv.getContext('2d');
  ctx.fillStyle = '#f4f4f4';
  ctx.fillRect(0, 0, cv.width, cv.height);
  if (probs) {
    const img = cellCanvas.getContext('2d').createImageData(G, G);
    const k = data.classes;
    for (let i = 0; i < G * G; i++) {
      let r = 0, g = 0, b = 0;
      for (let c = 0; c < k; c++) { const p = probs[i * k + c]; r += p * COLORS[c][0]; g += p * COLORS[c][1]; b += p * COLORS[c][2]; }
      // pale colours, so the points stay visible
      img.data.set([255 - 0.45 * (255 - r), 255 - 0.45 * (255 - g), 255 - 0.45 * (255 - b), 255], 4 * i);
    }
    cellCanvas.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cellCanvas, 0, 0, cv.width, cv.height);
  }
  const s = cv.width / 2.4; // the grid covers [-1.2, 1.2]^2
  for (let i = 0; i < data.n; i++) {
    ctx.beginPath();
    ctx.arc(cv.width / 2 + data.x[2 * i] * s, cv.height / 2 - data.x[2 * i + 1] * s, 3, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${COLORS[data.y[i]].join(',')})`;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.stroke();
  }
}

let running = null;
$('#train').onclick = () => {
  const hidden = form.hidden.value.split(',').map((s) => Number(s.trim())).filter((v) => Number.isInteger(v) && v > 0);
  if (!hidden.length) return fail('hidden layers: give comma-separated positive widths, e.g. 32,32');
  state.losses = [];
  state.steps = 0;
  state.frames = 0; // per run: the Stop test waits for two frames of this run
  state.status = 'training';
  state.error = null;
  $('#readout').classList.remove('error');
  const xs = [], ys = [];
  plot.setData([xs, ys]);
  $('#train').disabled = true;
  $('#stop').disabled = false;
  const backend = form.backend.value, optimizer = form.optimizer.value;
  running = send({
    type: 'train', backend, optimizer, lr: Number(form.lr.value) || undefined, hidden,
    activation: hyper.activation, steps: Number(form.steps.value) || 0, grid: G, seed,
    data: { x: data.x, y: data.y, n: data.n, classes: data.classes },
  }, (m) => {
    if (m.type === 'progress') {
      for (const l of m.losses) { xs.push(xs.length + 1); ys.push(l); }
      state.losses.push(...m.losses);
      state.steps = m.step;
      plot.setData([xs, ys]);
      probs = m.probs;
      drawBoundary();
      state.frames++;
      const last = ys[ys.length - 1];
      $('#readout').textContent = `${backend} · ${optimizer} · step ${m.step} · loss ${last?.toFixed(4)} · train accuracy ${(100 * m.acc).toFixed(1)}% · ${m.stepsPerSec.toFixed(0)} steps/s (mean ${m.meanStepsPerSec.toFixed(0)})${m.fallbacks ? ` · ${m.fallbacks} fallbacks` : ''}`;
      Object.assign(state, { accuracy: m.acc, stepsPerSec: m.meanStepsPerSec, launches: m.launches });
    } else if (m.type === 'done') {
      state.status = m.stopped ? 'stopped' : 'done';
      $('#readout').textContent += ` · ${m.stopped ? 'stopped' : 'done'} after ${m.steps} steps, ${(m.ms / 1000).toFixed(1)} s`;
      finishRun();
    } else if (m.type === 'error') {
      fail(m.message + (m.fix ? ` (${m.fix})` : ''));
      finishRun();
    }
  });
};
$('#stop').onclick = () => worker.postMessage({ type: 'stop' });
function finishRun() { running = null; $('#train').disabled = false; $('#stop').disabled = true; }

// ---- Transport ----
const transport = setupTransport({ send, state, form: $('#ot-form'), canvas: $('#ot-canvas'), readout: $('#ot-readout') });

// ---- Generate ----
const generate = setupGenerate({
  send, stopJob: () => worker.postMessage({ type: 'stop' }), state, form: $('#gen-form'),
  out: $('#gen-out'), readout: $('#gen-readout'), start: $('#generate'), stop: $('#gen-stop'),
});

// ---- About ----
const ms = (v) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
function table(el, rows) {
  el.replaceChildren(...rows.map((cells, i) => {
    const tr = document.createElement('tr');
    for (const c of cells) { const td = document.createElement(i === 0 && el.classList.contains('grid') ? 'th' : 'td'); td.textContent = c; tr.append(td); }
    return tr;
  }));
}

let workerIsolated = null;
function renderPageInfo() {
  table($('#page-info'), [
    ['user agent', navigator.userAgent],
    ['logical cores', String(navigator.hardwareConcurrency ?? '?')],
    ['cross-origin isolated', `${self.crossOriginIsolated} (worker: ${workerIsolated ?? '…'})`],
    ['service worker', !navigator.serviceWorker ? 'unsupported here' : navigator.serviceWorker.controller ? `controlling; precache edgegrad-webapp-${state.version ?? '…'} (works offline)` : 'installing (first visit)'],
  ]);
}

function renderAbout(m) {
  const r = m.report, b = r.backends;
  workerIsolated = m.crossOriginIsolated;
  renderPageInfo();
  table($('#caps'), [
    ['runtime', r.runtime],
    ['selected', r.selected],
    ['webgpu', b.webgpu.ok ? `ok${b.webgpu.adapter ? `: ${[b.webgpu.adapter.vendor, b.webgpu.adapter.architecture, b.webgpu.adapter.description].filter(Boolean).join(' ')}` : ''}` : `no: ${b.webgpu.reason}`],
    ...(b.webgpu.limits ? [['webgpu limits', `maxBufferSize ${b.webgpu.limits.maxBufferSize}, maxComputeWorkgroupSizeX ${b.webgpu.limits.maxComputeWorkgroupSizeX}`]] : []),
    ['wasm', b.wasm.ok ? `ok: SIMD ${b.wasm.simd ? 'yes' : 'no'}, relaxed SIMD ${b.wasm.relaxedSimd ? 'yes' : 'no'}, threads ${b.wasm.threads ? 'yes' : 'no'}` : `no: ${b.wasm.reason}`],
    ['js', 'ok (reference)'],
  ]);
}

$('#calibrate').onclick = () => {
  $('#calibrate').disabled = true;
  $('#cal-status').textContent = 'measuring…';
  send({ type: 'calibrate' }, (m) => {
    $('#calibrate').disabled = false;
    if (m.type === 'error') { $('#cal-status').textContent = `error: ${m.message}`; return; }
    const c = m.result;
    $('#cal-status').textContent = `thresholds.webgpu = ${c.webgpu}: ${c.reason}`;
    table($('#cal'), [['elements', 'CPU ms', 'GPU ms'], ...c.samples.map((s) => [String(s.size), ms(s.cpuMs), ms(s.gpuMs)])]);
    state.calibration = c;
  });
};

$('#bench').onclick = () => {
  $('#bench').disabled = true;
  $('#bench-status').textContent = 'running… (median of 5–10 runs, with readback)';
  const rows = [['backend', 'case', 'ms', 'rate']];
  table($('#bench-table'), rows);
  send({ type: 'bench' }, (m) => {
    if (m.type === 'bench-row') {
      for (const k of ['matmul', 'add', 'step']) rows.push([m.row.backend, m.row[k].label, ms(m.row[k].ms), m.row[k].rate]);
      table($('#bench-table'), rows);
    } else {
      $('#bench').disabled = false;
      $('#bench-status').textContent = m.type === 'error' ? `error: ${m.message}` : 'done';
      state.bench = m.rows;
    }
  });
};

// ---- start ----
renderPageInfo();
regenerate();
showPage();
registerServiceWorker({
  onVersion: (v) => { state.version = v; $('#version').textContent = `build ${v}`; renderPageInfo(); },
  onUpdate: (apply) => { $('#update').hidden = false; $('#reload').onclick = apply; state.updateReady = true; },
});
