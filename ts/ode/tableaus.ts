// Butcher tableaus of the explicit 5(4) pairs. Both are FSAL: the last stage is f at the new
// point, reused as the next step's first stage. `e` holds the error weights b − b̂.

export interface Tableau { c: number[]; a: number[][]; b: number[]; e: number[]; order: number }

/** The first column of a makes each row sum to its c (written as the rest's complement, to full precision). */
function withFirstColumn(c: number[], rest: number[][]): number[][] {
  return rest.map((row, i) => [c[i + 1] - row.reduce((s, x) => s + x, 0), ...row]);
}

const dpB = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const dpBhat = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];

/** Dormand & Prince (1980), the pair behind MATLAB's ode45 and SciPy's RK45. */
export const dopri5: Tableau = {
  order: 5,
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    dpB.slice(0, 6),
  ],
  b: dpB,
  e: dpB.map((b, i) => b - dpBhat[i]),
};

const tsC = [0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1];
const tsB = [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774, 0];

/** Tsitouras (2011), "Runge–Kutta pairs of order 5(4) satisfying only the first column simplifying assumption". */
export const tsit5: Tableau = {
  order: 5,
  c: tsC,
  a: withFirstColumn(tsC, [
    [],
    [0.335480655492357],
    [-6.359448489975075, 4.3622954328695815],
    [-11.748883564062828, 7.4955393428898365, -0.09249506636175525],
    [-12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383],
    tsB.slice(1, 6),
  ]),
  b: tsB,
  e: [0.001780011052226, 0.000816434459657, -0.007880878010262, 0.144711007173263, -0.582357165452555, 0.458082105929187, -1 / 66],
};

export const tableaus = { dopri5, tsit5 } as const;
export type OdeMethod = keyof typeof tableaus;
