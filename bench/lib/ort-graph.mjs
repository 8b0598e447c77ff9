// The ONNX graph of a bench case for onnxruntime-web, built in memory (plain ESM: the Node bench
// and the Chromium page both import it).
import { buildModel } from './onnx.mjs';

/** One node per op; k > 1 applies the op k times in one model (ort cannot keep a result
 *  resident between runs, so op-only means "k ops inside one session.run"). */
export function opGraph(c, k = 1) {
  const [s0, s1] = c.shapes;
  const nodes = [];
  const inputs = [['x', s0]];
  if (c.op === 'matmul' || c.op === 'add') inputs.push(['b', s1]);
  let cur = 'x';
  for (let i = 0; i < k; i++) {
    const out = i === k - 1 ? 'y' : `t${i}`;
    if (c.op === 'matmul') nodes.push({ op: 'MatMul', inputs: [cur, 'b'], outputs: [out] });
    else if (c.op === 'add') nodes.push({ op: 'Add', inputs: [cur, 'b'], outputs: [out] });
    else if (c.op === 'softmax') nodes.push({ op: 'Softmax', inputs: [cur], outputs: [out], attrs: { axis: -1 } });
    else if (c.op === 'sum') nodes.push({ op: 'ReduceSum', inputs: ['x'], outputs: [k === 1 ? 'y' : `r${i}`], attrs: { keepdims: 0 } });
    cur = out;
  }
  if (c.op === 'sum' && k > 1) nodes.push({ op: 'Sum', inputs: Array.from({ length: k }, (_, i) => `r${i}`), outputs: ['y'] });
  return buildModel({ nodes, inputs, outputs: [['y', c.out]] });
}
