/**
 * A hand-written ONNX model of one matrix product, for the ONNX Runtime backends.
 *
 * The model is `Y = Gemm(A, B)` with `transA`/`transB` attributes and symbolic dimensions `m`, `n`, `k`,
 * so one session serves every shape. It is encoded here with the protobuf writer that lib/onnx's
 * exporter also uses (`protobuf.ts`, in `kernels/` because `kernels/` must not depend on `lib/`);
 * the message set is tiny, so the field numbers are written out by hand.
 *
 * @module
 */
import { ProtoWriter } from "./protobuf.ts";
import type { KernelDType } from "./types.ts";

// ONNX TensorProto.DataType codes.
const ELEM_TYPE: Record<KernelDType, number> = { float32: 1, float64: 11 };

/** ValueInfoProto for a 2-D tensor with symbolic dims (TypeProto.tensor_type.shape.dim[].dim_param). */
function valueInfo(w: ProtoWriter, name: string, dtype: KernelDType, dims: [string, string]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEM_TYPE[dtype]);
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => dim.string(2, d));
      });
    }));
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

/** AttributeProto of an INT attribute: name = 1, i = 3, type = 20 (AttributeType.INT = 2). */
function intAttribute(w: ProtoWriter, name: string, value: number): void {
  w.string(1, name);
  w.int(3, value);
  w.int(20, 2);
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
      for (const input of ["A", "B"]) node.string(1, input);
      node.string(2, "Y");
      node.string(3, "gemm");
      node.string(4, "Gemm");
      node.message(5, (at) => intAttribute(at, "transA", transA ? 1 : 0));
      node.message(5, (at) => intAttribute(at, "transB", transB ? 1 : 0));
    });
    graph.string(2, "gemm");
    graph.message(11, (vi) => valueInfo(vi, "A", dtype, transA ? ["k", "m"] : ["m", "k"]));
    graph.message(11, (vi) => valueInfo(vi, "B", dtype, transB ? ["n", "k"] : ["k", "n"]));
    graph.message(12, (vi) => valueInfo(vi, "Y", dtype, ["m", "n"]));
  });
  // opset_import: the default domain at version 17.
  w.message(8, (opset) => {
    opset.string(1, "");
    opset.int(2, 17);
  });
  return w.finish();
}
