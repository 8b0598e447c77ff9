// A minimal ONNX model writer: just the protobuf fields the benchmark's graphs need
// (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto), so that
// onnxruntime-web can be fed models built in memory without a protobuf dependency.
//
// Protobuf wire format: each field is a key varint (field_number << 3 | wire_type) followed by
// either a varint (wire type 0) or a length-delimited payload (wire type 2).

const utf8 = new TextEncoder();

function varint(n) {
  // int64 semantics: negative values are written as their 64-bit two's complement.
  const out = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

class Msg {
  constructor() { this.bytes = []; }
  int(field, value) { this.bytes.push(...varint((field << 3) | 0), ...varint(value)); return this; }
  bytesField(field, data) {
    this.bytes.push(...varint((field << 3) | 2), ...varint(data.length));
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]);
    return this;
  }
  str(field, s) { return this.bytesField(field, utf8.encode(s)); }
  msg(field, m) { return this.bytesField(field, m.bytes); }
  float(field, f) {
    const b = new Uint8Array(new Float32Array([f]).buffer);
    this.bytes.push(...varint((field << 3) | 5), ...b);
    return this;
  }
}

const FLOAT = 1; // TensorProto.DataType.FLOAT

// ValueInfoProto { name = 1; type = 2 }, TypeProto { tensor_type = 1 },
// TypeProto.Tensor { elem_type = 1; shape = 2 }, TensorShapeProto { dim = 1 },
// Dimension { dim_value = 1 }.
function valueInfo(name, shape) {
  const shp = new Msg();
  for (const d of shape) shp.msg(1, new Msg().int(1, d));
  const tensorType = new Msg().int(1, FLOAT).msg(2, shp);
  return new Msg().str(1, name).msg(2, new Msg().msg(1, tensorType));
}

// AttributeProto { name = 1; f = 2; i = 3; type = 20 } with AttributeType FLOAT = 1, INT = 2.
function attribute(name, value) {
  const a = new Msg().str(1, name);
  if (Number.isInteger(value)) a.int(3, value).int(20, 2);
  else a.float(2, value).int(20, 1);
  return a;
}

// NodeProto { input = 1; output = 2; name = 3; op_type = 4; attribute = 5 }
function node({ op, inputs, outputs, name, attrs = {} }) {
  const n = new Msg();
  for (const i of inputs) n.str(1, i);
  for (const o of outputs) n.str(2, o);
  n.str(3, name).str(4, op);
  for (const [k, v] of Object.entries(attrs)) n.msg(5, attribute(k, v));
  return n;
}

/**
 * Build an ONNX model (opset 13) as bytes.
 * @param {{ nodes: {op:string, inputs:string[], outputs:string[], attrs?:object}[],
 *           inputs: [string, number[]][], outputs: [string, number[]][] }} g
 */
export function buildModel(g) {
  // GraphProto { node = 1; name = 2; input = 11; output = 12 }
  const graph = new Msg();
  g.nodes.forEach((n, i) => graph.msg(1, node({ name: `n${i}`, ...n })));
  graph.str(2, 'bench');
  for (const [name, shape] of g.inputs) graph.msg(11, valueInfo(name, shape));
  for (const [name, shape] of g.outputs) graph.msg(12, valueInfo(name, shape));
  // ModelProto { ir_version = 1; producer_name = 2; graph = 7; opset_import = 8 }
  // OperatorSetIdProto { domain = 1; version = 2 }
  const model = new Msg().int(1, 7).str(2, 'edgegrad-bench').msg(7, graph).msg(8, new Msg().str(1, '').int(2, 13));
  return Uint8Array.from(model.bytes);
}
