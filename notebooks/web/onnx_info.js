// Reads what the page shows about an ONNX file (its inputs, outputs, operators and metadata)
// straight from the protobuf bytes: onnxruntime-web gives input and output names but not the
// model's metadata_props. Field numbers are those of onnx/onnx.proto.

/** Thrown for bytes that are not an ONNX model; the message says what is wrong. */
export class NotOnnxError extends Error {}

/** Element type names of TensorProto.DataType. */
const ELEM_TYPES = {
  1: "float32",
  2: "uint8",
  3: "int8",
  5: "int16",
  6: "int32",
  7: "int64",
  8: "string",
  9: "bool",
  10: "float16",
  11: "float64",
  12: "uint32",
  13: "uint64",
  16: "bfloat16",
};

/** A minimal protobuf reader: the fields of one message, as [field number, wire type, value]. */
function fields(bytes, where) {
  const out = [];
  let pos = 0;
  const varint = () => {
    let value = 0, scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) throw new NotOnnxError(`${where}: the data ends inside a number`);
      const b = bytes[pos++];
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return value;
    }
    throw new NotOnnxError(`${where}: a number is longer than 10 bytes`);
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8), wire = key % 8;
    if (field === 0) throw new NotOnnxError(`${where}: field number 0 at byte ${pos}`);
    if (wire === 0) out.push([field, wire, varint()]);
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > bytes.length) throw new NotOnnxError(`${where}: the data ends inside a field`);
      out.push([field, wire, bytes.subarray(pos, pos + n)]);
      pos += n;
    } else if (wire === 2) {
      const n = varint();
      if (pos + n > bytes.length) {
        throw new NotOnnxError(
          `${where}: field ${field} wants ${n} bytes but only ${bytes.length - pos} are left ` +
            `(the file is truncated, or it is not an ONNX model)`,
        );
      }
      out.push([field, wire, bytes.subarray(pos, pos + n)]);
      pos += n;
    } else {
      throw new NotOnnxError(`${where}: wire type ${wire} at byte ${pos} is not protobuf`);
    }
  }
  return out;
}

const text = (b) => new TextDecoder().decode(b);

function valueInfo(bytes) {
  const info = { name: "", type: "?", dims: [] };
  for (const [f, w, v] of fields(bytes, "value info")) {
    if (f === 1 && w === 2) info.name = text(v);
    if (f !== 2 || w !== 2) continue;
    for (const [tf, tw, tv] of fields(v, "type")) {
      if (tf !== 1 || tw !== 2) continue; // tensor_type
      for (const [sf, sw, sv] of fields(tv, "tensor type")) {
        if (sf === 1 && sw === 0) info.type = ELEM_TYPES[sv] ?? `type ${sv}`;
        if (sf !== 2 || sw !== 2) continue; // shape
        for (const [df, dw, dv] of fields(sv, "shape")) {
          if (df !== 1 || dw !== 2) continue;
          let dim = "?";
          for (const [xf, xw, xv] of fields(dv, "dimension")) {
            if (xf === 1 && xw === 0) dim = xv;
            if (xf === 2 && xw === 2) dim = text(xv);
          }
          info.dims.push(dim);
        }
      }
    }
  }
  return info;
}

/**
 * The model's description: producer, doc string, opsets, inputs (initializers excluded),
 * outputs, operator counts and metadata (an object of strings).
 * @throws NotOnnxError for bytes that are not an ONNX model.
 */
export function readOnnxInfo(bytes) {
  if (bytes.length === 0) throw new NotOnnxError("the file is empty");
  try {
    return readModel(bytes);
  } catch (e) {
    if (!(e instanceof NotOnnxError) || e.message.startsWith("it ")) throw e;
    throw new NotOnnxError(
      `it is not an ONNX file (its bytes are not an ONNX protobuf: ${e.message})`,
    );
  }
}

function readModel(bytes) {
  const model = {
    irVersion: undefined,
    producer: "",
    docString: "",
    opsets: [],
    inputs: [],
    outputs: [],
    operators: {},
    metadata: {},
  };
  let graph = null;
  for (const [f, w, v] of fields(bytes, "model")) {
    if (f === 1 && w === 0) model.irVersion = v;
    else if ((f === 2 || f === 3) && w === 2) model.producer += (f === 3 ? " " : "") + text(v);
    else if (f === 6 && w === 2) model.docString = text(v);
    else if (f === 7 && w === 2) graph = v;
    else if (f === 8 && w === 2) {
      const o = { domain: "", version: 0 };
      for (const [of, ow, ov] of fields(v, "opset")) {
        if (of === 1 && ow === 2) o.domain = text(ov);
        if (of === 2 && ow === 0) o.version = ov;
      }
      model.opsets.push(o);
    } else if (f === 14 && w === 2) {
      let key = "", value = "";
      for (const [mf, mw, mv] of fields(v, "metadata")) {
        if (mf === 1 && mw === 2) key = text(mv);
        if (mf === 2 && mw === 2) value = text(mv);
      }
      model.metadata[key] = value;
    }
  }
  if (model.irVersion === undefined || graph === null) {
    throw new NotOnnxError(
      "it has no ONNX model header (IR version and graph): it is not an ONNX model",
    );
  }
  const inits = new Set();
  const inputs = [];
  for (const [f, w, v] of fields(graph, "graph")) {
    if (w !== 2) continue;
    if (f === 1) {
      for (const [nf, nw, nv] of fields(v, "node")) {
        if (nf === 4 && nw === 2) {
          const op = text(nv);
          model.operators[op] = (model.operators[op] ?? 0) + 1;
        }
      }
    } else if (f === 5) {
      for (const [tf, tw, tv] of fields(v, "initializer")) {
        if (tf === 8 && tw === 2) inits.add(text(tv));
      }
    } else if (f === 11) inputs.push(valueInfo(v));
    else if (f === 12) model.outputs.push(valueInfo(v));
  }
  model.inputs = inputs.filter((i) => !inits.has(i.name));
  return model;
}
