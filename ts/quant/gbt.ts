// A small gradient-boosted regression-tree model (squared loss) for autotune's surrogate:
// exact greedy splits on the measured configurations, shallow trees, shrinkage.

interface Node { feature: number; threshold: number; left: Node | number; right: Node | number }
type Tree = Node | number;

export interface GbtOptions { trees?: number; depth?: number; lr?: number; minLeaf?: number }

function fitTree(X: number[][], r: number[], idx: number[], depth: number, minLeaf: number): Tree {
  const mean = idx.reduce((a, i) => a + r[i], 0) / idx.length;
  if (depth === 0 || idx.length < 2 * minLeaf) return mean;
  let best = { gain: 1e-12, feature: -1, threshold: 0 };
  const total = idx.reduce((a, i) => a + r[i], 0);
  for (let f = 0; f < X[0].length; f++) {
    const sorted = [...idx].sort((a, b) => X[a][f] - X[b][f]);
    let left = 0;
    for (let j = 0; j < sorted.length - 1; j++) {
      left += r[sorted[j]];
      const nl = j + 1, nr = sorted.length - nl;
      if (X[sorted[j]][f] === X[sorted[j + 1]][f] || nl < minLeaf || nr < minLeaf) continue;
      // reduction of the squared error: Σl²/nl + Σr²/nr − Σ²/n
      const gain = (left * left) / nl + ((total - left) ** 2) / nr - (total * total) / sorted.length;
      if (gain > best.gain) best = { gain, feature: f, threshold: (X[sorted[j]][f] + X[sorted[j + 1]][f]) / 2 };
    }
  }
  if (best.feature < 0) return mean;
  const l = idx.filter((i) => X[i][best.feature] <= best.threshold), rr = idx.filter((i) => X[i][best.feature] > best.threshold);
  return { feature: best.feature, threshold: best.threshold, left: fitTree(X, r, l, depth - 1, minLeaf), right: fitTree(X, r, rr, depth - 1, minLeaf) };
}

function predictTree(t: Tree, x: number[]): number {
  while (typeof t !== 'number') t = x[t.feature] <= t.threshold ? t.left : t.right;
  return t;
}

/** Fits y ≈ f(X) and returns the predictor. */
export function fitGbt(X: number[][], y: number[], { trees = 30, depth = 3, lr = 0.2, minLeaf = 1 }: GbtOptions = {}): (x: number[]) => number {
  const base = y.reduce((a, v) => a + v, 0) / y.length;
  const pred = y.map(() => base), forest: Tree[] = [];
  const idx = y.map((_, i) => i);
  for (let t = 0; t < trees; t++) {
    const tree = fitTree(X, y.map((v, i) => v - pred[i]), idx, depth, minLeaf);
    forest.push(tree);
    for (let i = 0; i < y.length; i++) pred[i] += lr * predictTree(tree, X[i]);
  }
  return (x) => forest.reduce<number>((a, tr) => a + lr * predictTree(tr, x), base);
}
