/**
 * The ONNX messages this library reads and writes, as plain objects, with their protobuf encoding.
 *
 * Field numbers follow `onnx/onnx.proto` (proto2). Only the fields a feed-forward network needs
 * are modelled; unknown fields are skipped when decoding, as protobuf readers do. Fields are
 * written in field-number order and only when set, which is what the reference C++ serializer
 * does, so `encodeModel(decodeModel(bytes))` gives back `bytes` for files made by Python's `onnx`.
 *
 * Names are the proto names in camelCase (`op_type` → `opType`). A field that is `undefined` is
 * absent from the file; an empty string or zero that is set is written.
 *
 * @module
 */

import { ProtobufError, ProtoReader, ProtoWriter } from "../../kernels/protobuf.ts";

/** `TensorProto.DataType` codes used here. */
export const DataType = {
  FLOAT: 1,
  INT32: 6,
  INT64: 7,
  DOUBLE: 11,
} as const;

/** `AttributeProto.AttributeType` codes. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

/** `OperatorSetIdProto`: which version of an operator set (domain) the model uses. */
export interface OperatorSetIdProto {
  /** Operator domain; `""` (or absent) is the default ONNX domain. */
  domain?: string;
  /** Opset version, e.g. 17. */
  version?: number;
}

/** `StringStringEntryProto`: one key/value pair of metadata. */
export interface StringStringEntryProto {
  /** The key. */
  key?: string;
  /** The value. */
  value?: string;
}

/** `TensorProto`: a constant tensor, e.g. an initializer (a weight). */
export interface TensorProto {
  /** Dimensions, row-major. */
  dims: number[];
  /** Element type code (see {@link DataType}). */
  dataType?: number;
  /** Elements of a float tensor, when not in `rawData`. */
  floatData?: number[];
  /** Elements of an int32 tensor, when not in `rawData`. */
  int32Data?: number[];
  /** Elements of an int64 tensor, when not in `rawData`. */
  int64Data?: number[];
  /** Name (an initializer's name is the value name that nodes refer to). */
  name?: string;
  /** Elements as fixed-width little-endian bytes. */
  rawData?: Uint8Array;
  /** Elements of a double tensor, when not in `rawData`. */
  doubleData?: number[];
  /** Documentation. */
  docString?: string;
  /** External-data entries (unsupported by the loader; kept to give a clear error). */
  externalData?: StringStringEntryProto[];
  /** 0 = data in this message, 1 = external file. */
  dataLocation?: number;
}

/** `AttributeProto`: a named constant parameter of a node, e.g. Softmax's `axis`. */
export interface AttributeProto {
  /** Attribute name. */
  name?: string;
  /** A float value. */
  f?: number;
  /** An integer value. */
  i?: number;
  /** A bytes/string value. */
  s?: Uint8Array;
  /** A tensor value. */
  t?: TensorProto;
  /** A list of floats. */
  floats?: number[];
  /** A list of integers. */
  ints?: number[];
  /** A list of strings. */
  strings?: Uint8Array[];
  /** Documentation. */
  docString?: string;
  /** Which value field is used (see {@link AttributeType}). */
  type?: number;
}

/** `NodeProto`: one operator call in the graph. */
export interface NodeProto {
  /** Names of the input values. */
  input: string[];
  /** Names of the output values. */
  output: string[];
  /** Node name (for people and error messages). */
  name?: string;
  /** Operator, e.g. `"Gemm"`. */
  opType?: string;
  /** Attributes, sorted by name. */
  attribute: AttributeProto[];
  /** Documentation. */
  docString?: string;
  /** Operator domain; absent or `""` is the default ONNX domain. */
  domain?: string;
}

/** `TensorShapeProto.Dimension`: a fixed size or a symbolic name such as `"batch"`. */
export interface DimensionProto {
  /** Fixed size. */
  dimValue?: number;
  /** Symbolic size. */
  dimParam?: string;
  /** Meaning of the dimension, e.g. `"DATA_BATCH"`. */
  denotation?: string;
}

/** `TypeProto` restricted to tensor types. */
export interface TypeProto {
  /** The tensor type: element type and (optional) shape. */
  tensorType?: { elemType?: number; shape?: { dim: DimensionProto[] } };
  /** Meaning of the value. */
  denotation?: string;
}

/** `ValueInfoProto`: name and type of a graph input or output. */
export interface ValueInfoProto {
  /** Value name. */
  name?: string;
  /** Value type. */
  type?: TypeProto;
  /** Documentation. */
  docString?: string;
}

/** `GraphProto`: nodes in topological order, their constants and the graph's inputs and outputs. */
export interface GraphProto {
  /** Nodes, in an order where each node's inputs are computed before it. */
  node: NodeProto[];
  /** Graph name. */
  name?: string;
  /** Constant tensors (weights). */
  initializer: TensorProto[];
  /** Documentation. */
  docString?: string;
  /** Graph inputs. */
  input: ValueInfoProto[];
  /** Graph outputs. */
  output: ValueInfoProto[];
  /** Types of intermediate values (optional). */
  valueInfo: ValueInfoProto[];
}

/** `ModelProto`: the top-level message of an `.onnx` file. */
export interface ModelProto {
  /** IR (file format) version, 8 here. */
  irVersion?: number;
  /** Which producer wrote the file. */
  producerName?: string;
  /** Version of the producer. */
  producerVersion?: string;
  /** Model namespace, e.g. a reverse domain name. */
  domain?: string;
  /** Version of the model itself. */
  modelVersion?: number;
  /** Documentation (here: the training configuration, when given). */
  docString?: string;
  /** The computation. */
  graph?: GraphProto;
  /** Operator sets used, e.g. `[{domain: "", version: 17}]`. */
  opsetImport: OperatorSetIdProto[];
  /** Free-form key/value metadata. */
  metadataProps: StringStringEntryProto[];
}

// ---------------------------------------------------------------------------------------------
// Encoding: fields in field-number order, each only when set.

function writeString(w: ProtoWriter, field: number, v: string | undefined): void {
  if (v !== undefined) w.string(field, v);
}

function writeInt(w: ProtoWriter, field: number, v: number | undefined): void {
  if (v !== undefined) w.int(field, v);
}

function writeEntry(w: ProtoWriter, e: StringStringEntryProto): void {
  writeString(w, 1, e.key);
  writeString(w, 2, e.value);
}

function writeTensor(w: ProtoWriter, t: TensorProto): void {
  for (const d of t.dims) w.int(1, d); // proto2 repeated, not packed
  writeInt(w, 2, t.dataType);
  if (t.floatData) w.packedFloats(4, t.floatData);
  if (t.int32Data) w.packedInts(5, t.int32Data);
  if (t.int64Data) w.packedInts(7, t.int64Data);
  writeString(w, 8, t.name);
  if (t.rawData !== undefined) w.bytes(9, t.rawData);
  if (t.doubleData) w.packedDoubles(10, t.doubleData);
  writeString(w, 12, t.docString);
  for (const e of t.externalData ?? []) w.message(13, (c) => writeEntry(c, e));
  writeInt(w, 14, t.dataLocation);
}

function writeAttribute(w: ProtoWriter, a: AttributeProto): void {
  writeString(w, 1, a.name);
  if (a.f !== undefined) w.float(2, a.f);
  writeInt(w, 3, a.i);
  if (a.s !== undefined) w.bytes(4, a.s);
  if (a.t !== undefined) w.message(5, (c) => writeTensor(c, a.t!));
  for (const f of a.floats ?? []) w.float(7, f);
  for (const i of a.ints ?? []) w.int(8, i);
  for (const s of a.strings ?? []) w.bytes(9, s);
  writeString(w, 13, a.docString);
  writeInt(w, 20, a.type);
}

function writeNode(w: ProtoWriter, n: NodeProto): void {
  for (const s of n.input) w.string(1, s);
  for (const s of n.output) w.string(2, s);
  writeString(w, 3, n.name);
  writeString(w, 4, n.opType);
  for (const a of n.attribute) w.message(5, (c) => writeAttribute(c, a));
  writeString(w, 6, n.docString);
  writeString(w, 7, n.domain);
}

function writeType(w: ProtoWriter, t: TypeProto): void {
  const tt = t.tensorType;
  if (tt !== undefined) {
    w.message(1, (c) => {
      writeInt(c, 1, tt.elemType);
      if (tt.shape !== undefined) {
        const dims = tt.shape.dim;
        c.message(2, (s) => {
          for (const d of dims) {
            s.message(1, (x) => {
              writeInt(x, 1, d.dimValue);
              writeString(x, 2, d.dimParam);
              writeString(x, 3, d.denotation);
            });
          }
        });
      }
    });
  }
  writeString(w, 6, t.denotation);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoProto): void {
  writeString(w, 1, v.name);
  if (v.type !== undefined) w.message(2, (c) => writeType(c, v.type!));
  writeString(w, 3, v.docString);
}

function writeGraph(w: ProtoWriter, g: GraphProto): void {
  for (const n of g.node) w.message(1, (c) => writeNode(c, n));
  writeString(w, 2, g.name);
  for (const t of g.initializer) w.message(5, (c) => writeTensor(c, t));
  writeString(w, 10, g.docString);
  for (const v of g.input) w.message(11, (c) => writeValueInfo(c, v));
  for (const v of g.output) w.message(12, (c) => writeValueInfo(c, v));
  for (const v of g.valueInfo) w.message(13, (c) => writeValueInfo(c, v));
}

/** Serializes a {@link ModelProto} to the bytes of an `.onnx` file. */
export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  writeInt(w, 1, model.irVersion);
  writeString(w, 2, model.producerName);
  writeString(w, 3, model.producerVersion);
  writeString(w, 4, model.domain);
  writeInt(w, 5, model.modelVersion);
  writeString(w, 6, model.docString);
  if (model.graph !== undefined) w.message(7, (c) => writeGraph(c, model.graph!));
  for (const o of model.opsetImport) {
    w.message(8, (c) => {
      writeString(c, 1, o.domain);
      writeInt(c, 2, o.version);
    });
  }
  for (const e of model.metadataProps) w.message(14, (c) => writeEntry(c, e));
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Decoding. Each message decoder adds where it is to the errors of what it contains, so that a
// truncated file reports e.g. `graph > node[3] "dense_1" (Gemm) > field 4 ... truncated`.

function within<T>(where: () => string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ProtobufError) throw new ProtobufError(`${where()} > ${e.message}`);
    throw e;
  }
}

function quoted(name: string | undefined): string {
  return name === undefined ? "" : ` "${name}"`;
}

function readEntry(r: ProtoReader): StringStringEntryProto {
  const e: StringStringEntryProto = {};
  while (r.next()) {
    if (r.field === 1) e.key = r.string();
    else if (r.field === 2) e.value = r.string();
    else r.skip();
  }
  return e;
}

function readTensor(r: ProtoReader, t: TensorProto = { dims: [] }): TensorProto {
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.ints(t.dims);
        break;
      case 2:
        t.dataType = r.int();
        break;
      case 4:
        r.floats(t.floatData ??= []);
        break;
      case 5:
        r.ints(t.int32Data ??= []);
        break;
      case 7:
        r.ints(t.int64Data ??= []);
        break;
      case 8:
        t.name = r.string();
        break;
      case 9:
        t.rawData = r.bytes();
        break;
      case 10:
        r.doubles(t.doubleData ??= []);
        break;
      case 12:
        t.docString = r.string();
        break;
      case 13:
        (t.externalData ??= []).push(readEntry(r.message()));
        break;
      case 14:
        t.dataLocation = r.int();
        break;
      default:
        r.skip();
    }
  }
  return t;
}

function readAttribute(r: ProtoReader): AttributeProto {
  const a: AttributeProto = {};
  while (r.next()) {
    switch (r.field) {
      case 1:
        a.name = r.string();
        break;
      case 2:
        a.f = r.float();
        break;
      case 3:
        a.i = r.int();
        break;
      case 4:
        a.s = r.bytes();
        break;
      case 5:
        a.t = within(() => "t", () => readTensor(r.message()));
        break;
      case 7:
        r.floats(a.floats ??= []);
        break;
      case 8:
        r.ints(a.ints ??= []);
        break;
      case 9:
        (a.strings ??= []).push(r.bytes());
        break;
      case 13:
        a.docString = r.string();
        break;
      case 20:
        a.type = r.int();
        break;
      default:
        r.skip();
    }
  }
  return a;
}

function readNode(r: ProtoReader, n: NodeProto): void {
  while (r.next()) {
    switch (r.field) {
      case 1:
        n.input.push(r.string());
        break;
      case 2:
        n.output.push(r.string());
        break;
      case 3:
        n.name = r.string();
        break;
      case 4:
        n.opType = r.string();
        break;
      case 5: {
        const i = n.attribute.length;
        n.attribute.push(within(() => `attribute[${i}]`, () => readAttribute(r.message())));
        break;
      }
      case 6:
        n.docString = r.string();
        break;
      case 7:
        n.domain = r.string();
        break;
      default:
        r.skip();
    }
  }
}

function readDimension(r: ProtoReader): DimensionProto {
  const d: DimensionProto = {};
  while (r.next()) {
    if (r.field === 1) d.dimValue = r.int();
    else if (r.field === 2) d.dimParam = r.string();
    else if (r.field === 3) d.denotation = r.string();
    else r.skip();
  }
  return d;
}

function readType(r: ProtoReader): TypeProto {
  const t: TypeProto = {};
  while (r.next()) {
    if (r.field === 6) {
      t.denotation = r.string();
    } else if (r.field === 1) {
      const tt: NonNullable<TypeProto["tensorType"]> = {};
      const m = r.message();
      while (m.next()) {
        if (m.field === 1) {
          tt.elemType = m.int();
        } else if (m.field === 2) {
          const dim: DimensionProto[] = [];
          const s = m.message();
          while (s.next()) {
            if (s.field === 1) dim.push(readDimension(s.message()));
            else s.skip();
          }
          tt.shape = { dim };
        } else {
          m.skip();
        }
      }
      t.tensorType = tt;
    } else {
      r.skip(); // sequence, map, optional and sparse types are not used here
    }
  }
  return t;
}

function readValueInfo(r: ProtoReader): ValueInfoProto {
  const v: ValueInfoProto = {};
  while (r.next()) {
    if (r.field === 1) v.name = r.string();
    else if (r.field === 2) v.type = readType(r.message());
    else if (r.field === 3) v.docString = r.string();
    else r.skip();
  }
  return v;
}

function readGraph(r: ProtoReader): GraphProto {
  const g: GraphProto = { node: [], initializer: [], input: [], output: [], valueInfo: [] };
  while (r.next()) {
    switch (r.field) {
      case 1: {
        const n: NodeProto = { input: [], output: [], attribute: [] };
        const i = g.node.length;
        within(() => `node[${i}]${quoted(n.name)}${n.opType ? ` (${n.opType})` : ""}`, () => {
          readNode(r.message(), n);
        });
        g.node.push(n);
        break;
      }
      case 2:
        g.name = r.string();
        break;
      case 5: {
        const t: TensorProto = { dims: [] };
        const i = g.initializer.length;
        within(() => `initializer[${i}]${quoted(t.name)}`, () => readTensor(r.message(), t));
        g.initializer.push(t);
        break;
      }
      case 10:
        g.docString = r.string();
        break;
      case 11:
        g.input.push(within(() => `input[${g.input.length}]`, () => readValueInfo(r.message())));
        break;
      case 12:
        g.output.push(within(() => `output[${g.output.length}]`, () => readValueInfo(r.message())));
        break;
      case 13:
        g.valueInfo.push(
          within(() => `value_info[${g.valueInfo.length}]`, () => readValueInfo(r.message())),
        );
        break;
      default:
        r.skip();
    }
  }
  return g;
}

/**
 * Parses the bytes of an `.onnx` file into a {@link ModelProto}.
 *
 * Byte arrays in the result (`rawData`) are views into `bytes`, not copies.
 * @throws ProtobufError naming where in the model the bytes stop making sense.
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const model: ModelProto = { opsetImport: [], metadataProps: [] };
  const r = new ProtoReader(bytes);
  while (r.next()) {
    switch (r.field) {
      case 1:
        model.irVersion = r.int();
        break;
      case 2:
        model.producerName = r.string();
        break;
      case 3:
        model.producerVersion = r.string();
        break;
      case 4:
        model.domain = r.string();
        break;
      case 5:
        model.modelVersion = r.int();
        break;
      case 6:
        model.docString = r.string();
        break;
      case 7:
        model.graph = within(() => "graph", () => readGraph(r.message()));
        break;
      case 8: {
        const o: OperatorSetIdProto = {};
        within(() => "opset_import", () => {
          const m = r.message();
          while (m.next()) {
            if (m.field === 1) o.domain = m.string();
            else if (m.field === 2) o.version = m.int();
            else m.skip();
          }
        });
        model.opsetImport.push(o);
        break;
      }
      case 14:
        model.metadataProps.push(within(() => "metadata_props", () => readEntry(r.message())));
        break;
      default:
        r.skip();
    }
  }
  return model;
}
