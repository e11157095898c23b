/**
 * A hand-written ONNX model of one matrix product, for the ONNX Runtime backends.
 *
 * The model is `Y = Gemm(A, B)` with `transA`/`transB` attributes and symbolic dimensions `m`, `n`, `k`,
 * so one session serves every shape. It is encoded here with a few lines of protobuf writing because
 * `kernels/` must not depend on `lib/` (where the full ONNX exporter lives) and the message set is tiny.
 *
 * @module
 */
import type { KernelDType } from "./types.ts";

/** Growable byte buffer with the two protobuf wire types we need (varint and length-delimited). */
class ProtoWriter {
  #bytes: number[] = [];

  /** Appends a base-128 varint (values here stay far below 2^53). */
  varint(value: number): this {
    let v = value;
    while (v >= 0x80) {
      this.#bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#bytes.push(v);
    return this;
  }

  /** Field `field` as a varint (wire type 0). */
  int(field: number, value: number): this {
    return this.varint(field * 8).varint(value);
  }

  /** Field `field` as length-delimited bytes (wire type 2): strings and nested messages. */
  bytes(field: number, payload: Uint8Array): this {
    this.varint(field * 8 + 2).varint(payload.length);
    for (const b of payload) this.#bytes.push(b);
    return this;
  }

  /** Field `field` as a UTF-8 string. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Field `field` as a nested message built by `build`. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    return new Uint8Array(this.#bytes);
  }
}

// ONNX TensorProto.DataType codes.
const ELEM_TYPE: Record<KernelDType, number> = { float32: 1, float64: 11 };

/** ValueInfoProto for a 2-D tensor with symbolic dims (TypeProto.tensor_type.shape.dim[].dim_param). */
function valueInfo(w: ProtoWriter, name: string, dtype: KernelDType, dims: [string, string]): void {
  w.string(1, name).message(
    2,
    (type) =>
      type.message(1, (tensor) =>
        tensor.int(1, ELEM_TYPE[dtype]).message(2, (shape) => {
          for (const d of dims) shape.message(1, (dim) => dim.string(2, d));
        })),
  );
}

/** Options of {@link gemmModel}. */
export interface GemmModelOptions {
  /** Element type of A, B and Y. */
  dtype: KernelDType;
  /** A is stored `k x m`. */
  transA: boolean;
  /** B is stored `n x k`. */
  transB: boolean;
}

/**
 * Encodes the ONNX model `Y[m,n] = op(A) @ op(B)` (IR 8, opset 17) with inputs `A`, `B` and output `Y`.
 * alpha and beta are not in the graph: the caller folds them into the copy of `Y` into `C`.
 */
export function gemmModel(options: GemmModelOptions): Uint8Array {
  const { dtype, transA, transB } = options;
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version
  w.string(2, "deno-dl-kernels"); // producer_name
  w.message(7, (graph) => {
    graph.message(1, (node) => {
      node.string(1, "A").string(1, "B").string(2, "Y").string(3, "gemm").string(4, "Gemm");
      // AttributeProto: name=1, i=3, type=20 (INT = 2).
      node.message(5, (at) => at.string(1, "transA").int(3, transA ? 1 : 0).int(20, 2));
      node.message(5, (at) => at.string(1, "transB").int(3, transB ? 1 : 0).int(20, 2));
    });
    graph.string(2, "gemm");
    graph.message(11, (vi) => valueInfo(vi, "A", dtype, transA ? ["k", "m"] : ["m", "k"]));
    graph.message(11, (vi) => valueInfo(vi, "B", dtype, transB ? ["n", "k"] : ["k", "n"]));
    graph.message(12, (vi) => valueInfo(vi, "Y", dtype, ["m", "n"]));
  });
  w.message(8, (opset) => opset.string(1, "").int(2, 17)); // opset_import: default domain, 17
  return w.finish();
}
