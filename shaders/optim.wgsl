// The fused optimizer update (runtime/types.ts OptimParams), one invocation per element,
// in place on the parameter and the state slots; the formulas are the js reference's
// (runtime/backends/js/optim.ts). One kernel per kind and slot set: with layout 'auto' a
// pipeline binds exactly the buffers its entry point uses.
// Params: 0 size, 1 lr, 2 decay (1 - lr·wd when decoupled, else 1), 3 l2 (wd when not
// decoupled, else 0), 4 b1, 5 1 - b1, 6 b2, 7 1 - b2, 8 eps, 9 momentum, 10 1 - dampening,
// 11 nesterov, 12 first, 13 step size (adam lr/bc1, diffGrad lr·sqrt(bc2)/bc1),
// 14 1/sqrt(bc2), 15 rho·bs.
@group(0) @binding(1) var<storage, read_write> Pm: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;

fn sgn(x: f32) -> f32 { return select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0); }

// L2 decay reads the parameter before decoupled decay; only one of the two is nonzero.
fn grad_at(i: u32) -> f32 { return G[i] + pf(3u) * Pm[i]; }

// @kernel sgd
fn elementwise(i: u32) {
  let g = grad_at(i);
  Pm[i] = Pm[i] * pf(2u) - pf(1u) * g;
}

// @kernel sgdMomentum
@group(0) @binding(3) var<storage, read_write> S0: array<f32>;
fn elementwise(i: u32) {
  let g = grad_at(i);
  var buf = g;
  if (pu(12u) == 0u) { buf = pf(9u) * S0[i] + pf(10u) * g; }
  S0[i] = buf;
  let d = select(buf, g + pf(9u) * buf, pu(11u) != 0u);
  Pm[i] = Pm[i] * pf(2u) - pf(1u) * d;
}

// @kernel adam
@group(0) @binding(3) var<storage, read_write> S0: array<f32>;
@group(0) @binding(4) var<storage, read_write> S1: array<f32>;
fn elementwise(i: u32) {
  let g = grad_at(i);
  let m = pf(4u) * S0[i] + pf(5u) * g;
  let v = pf(6u) * S1[i] + pf(7u) * g * g;
  S0[i] = m; S1[i] = v;
  Pm[i] = Pm[i] * pf(2u) - pf(13u) * (m / (sqrt(v) * pf(14u) + pf(8u)));
}

// @kernel adamAmsgrad
@group(0) @binding(3) var<storage, read_write> S0: array<f32>;
@group(0) @binding(4) var<storage, read_write> S1: array<f32>;
@group(0) @binding(5) var<storage, read_write> S2: array<f32>;
fn elementwise(i: u32) {
  let g = grad_at(i);
  let m = pf(4u) * S0[i] + pf(5u) * g;
  let v = pf(6u) * S1[i] + pf(7u) * g * g;
  let vv = max(S2[i], v);
  S0[i] = m; S1[i] = v; S2[i] = vv;
  Pm[i] = Pm[i] * pf(2u) - pf(13u) * (m / (sqrt(vv) * pf(14u) + pf(8u)));
}

// @kernel adagrad
@group(0) @binding(3) var<storage, read_write> S0: array<f32>;
fn elementwise(i: u32) {
  let g = grad_at(i);
  let s = S0[i] + g * g;
  S0[i] = s;
  Pm[i] = Pm[i] * pf(2u) - pf(1u) * (g / (sqrt(s) + pf(8u)));
}

// @kernel lion
@group(0) @binding(3) var<storage, read_write> S0: array<f32>;
fn elementwise(i: u32) {
  let g = grad_at(i);
  let m = S0[i];
  Pm[i] = Pm[i] * pf(2u) - pf(1u) * sgn(pf(4u) * m + pf(5u) * g);
  S0[i] = pf(6u) * m + pf(7u) * g;
}

// @kernel diffGrad
@group(0) @binding(3) var<storage, read_write> S0: array<f32>;
@group(0) @binding(4) var<storage, read_write> S1: array<f32>;
@group(0) @binding(5) var<storage, read_write> S2: array<f32>;
fn elementwise(i: u32) {
  let g = grad_at(i);
  let m = pf(4u) * S0[i] + pf(5u) * g;
  let v = pf(6u) * S1[i] + pf(7u) * g * g;
  // sigmoid of a non-negative argument: exp(-x) never overflows
  let dfc = 1.0 / (1.0 + exp(-abs(S2[i] - g)));
  S0[i] = m; S1[i] = v; S2[i] = g;
  Pm[i] = Pm[i] * pf(2u) - pf(13u) * (m * dfc / (sqrt(v) + pf(8u)));
}

// @kernel sophia
@group(0) @binding(3) var<storage, read_write> S0: array<f32>;
@group(0) @binding(4) var<storage, read_write> S1: array<f32>;
fn elementwise(i: u32) {
  let g = grad_at(i);
  let m = pf(4u) * S0[i] + pf(5u) * g;
  S0[i] = m;
  let ratio = min(abs(m) / (pf(15u) * S1[i] + 1e-15), 1.0);
  Pm[i] = Pm[i] * pf(2u) - pf(1u) * sgn(m) * ratio;
}
