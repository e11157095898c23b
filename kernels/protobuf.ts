/**
 * A minimal Protocol Buffers wire-format writer and reader: just what the ONNX messages need. It
 * lives in `kernels/` (which imports nothing from `lib/`) so that both the kernels' one-node Gemm
 * models and lib/onnx's exporter and reader use this one copy.
 *
 * A protobuf message is a sequence of fields. Each field starts with a *tag*, the varint
 * `(fieldNumber << 3) | wireType`, followed by its value:
 *
 * | wire type | name             | used here for                                   |
 * | --------- | ---------------- | ----------------------------------------------- |
 * | 0         | varint           | int32, int64, enums                             |
 * | 1         | 64-bit           | double                                          |
 * | 2         | length-delimited | strings, bytes, nested messages, packed repeats |
 * | 5         | 32-bit           | float                                           |
 *
 * Varints store 7 bits per byte, least significant group first, with the high bit set on every
 * byte but the last. Negative int64 values are stored as their 64-bit two's complement (10 bytes).
 *
 * @module
 */

/** Wire type of a varint field (int32, int64, enum). */
export const WIRE_VARINT = 0;
/** Wire type of a 64-bit field (double). */
export const WIRE_FIXED64 = 1;
/** Wire type of a length-delimited field (string, bytes, message, packed repeated). */
export const WIRE_BYTES = 2;
/** Wire type of a 32-bit field (float). */
export const WIRE_FIXED32 = 5;

const WIRE_NAMES: Record<number, string> = {
  0: "varint",
  1: "64-bit",
  2: "length-delimited",
  3: "start-group",
  4: "end-group",
  5: "32-bit",
};

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Thrown for bytes that are not a well-formed protobuf message (truncated or corrupt). */
export class ProtobufError extends Error {
  /** Creates the error; `name` is `"ProtobufError"`. */
  constructor(message: string) {
    super(message);
    this.name = "ProtobufError";
  }
}

/**
 * Appends protobuf fields to a growing byte buffer.
 *
 * Nested messages are written by {@link ProtoWriter.message}, which encodes the child into its
 * own writer first: the length prefix must be known before the child's bytes.
 */
export class ProtoWriter {
  #buf: Uint8Array = new Uint8Array(256);
  #view: DataView = new DataView(this.#buf.buffer);
  #len = 0;

  /** Number of bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** The bytes written so far (a copy, exactly `length` long). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  /** Grows the buffer (doubling) so that `extra` more bytes fit. */
  #reserve(extra: number): void {
    const need = this.#len + extra;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.#buf.subarray(0, this.#len));
    this.#buf = bigger;
    this.#view = new DataView(bigger.buffer);
  }

  /** Writes a raw varint. Negative numbers become their 64-bit two's complement. */
  #varint(value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`ProtoWriter: ${value} is not an integer that a varint can hold`);
    }
    this.#reserve(10);
    if (value < 0) {
      // Two's complement over 64 bits needs exact integer arithmetic beyond 2^53: use BigInt.
      let v = BigInt.asUintN(64, BigInt(value));
      while (v > 0x7fn) {
        this.#buf[this.#len++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.#buf[this.#len++] = Number(v);
      return;
    }
    // Division instead of `>>>` because bit operators truncate to 32 bits.
    while (value > 0x7f) {
      this.#buf[this.#len++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.#buf[this.#len++] = value;
  }

  #tag(field: number, wire: number): void {
    this.#varint(field * 8 + wire);
  }

  /** Writes an int32/int64/enum field. */
  int(field: number, value: number): void {
    this.#tag(field, WIRE_VARINT);
    this.#varint(value);
  }

  /** Writes a `float` field (32-bit IEEE 754, little-endian). */
  float(field: number, value: number): void {
    this.#tag(field, WIRE_FIXED32);
    this.#reserve(4);
    this.#view.setFloat32(this.#len, value, true);
    this.#len += 4;
  }

  /** Writes a `double` field (64-bit IEEE 754, little-endian). */
  double(field: number, value: number): void {
    this.#tag(field, WIRE_FIXED64);
    this.#reserve(8);
    this.#view.setFloat64(this.#len, value, true);
    this.#len += 8;
  }

  /** Writes a `bytes` field. */
  bytes(field: number, value: Uint8Array): void {
    this.#tag(field, WIRE_BYTES);
    this.#varint(value.length);
    this.#reserve(value.length);
    this.#buf.set(value, this.#len);
    this.#len += value.length;
  }

  /** Writes a `string` field (UTF-8). */
  string(field: number, value: string): void {
    this.bytes(field, encoder.encode(value));
  }

  /** Writes a nested message field whose body `write` fills in. */
  message(field: number, write: (w: ProtoWriter) => void): void {
    const child = new ProtoWriter();
    write(child);
    this.#tag(field, WIRE_BYTES);
    this.#varint(child.#len);
    this.#reserve(child.#len);
    this.#buf.set(child.#buf.subarray(0, child.#len), this.#len);
    this.#len += child.#len;
  }

  /** Writes a packed repeated `float` field (skipped when empty, as protobuf does). */
  packedFloats(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    this.message(field, (w) => {
      w.#reserve(values.length * 4);
      for (const v of values) {
        w.#view.setFloat32(w.#len, v, true);
        w.#len += 4;
      }
    });
  }

  /** Writes a packed repeated `double` field (skipped when empty). */
  packedDoubles(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    this.message(field, (w) => {
      w.#reserve(values.length * 8);
      for (const v of values) {
        w.#view.setFloat64(w.#len, v, true);
        w.#len += 8;
      }
    });
  }

  /** Writes a packed repeated varint field (int32/int64; skipped when empty). */
  packedInts(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    this.message(field, (w) => {
      for (const v of values) w.#varint(v);
    });
  }
}

/**
 * Reads the fields of one protobuf message from a byte range.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProtoReader, ProtoWriter } from "@dlfs/deno-dl/onnx";
 *
 * const w = new ProtoWriter();
 * w.string(1, "gemm");
 * w.int(2, 7);
 * const r = new ProtoReader(w.finish());
 * let name = "";
 * while (r.next()) {
 *   if (r.field === 1) name = r.string();
 *   else r.skip();
 * }
 * assert.equal(name, "gemm");
 * ```
 *
 * Offsets in error messages count from the start of the whole buffer, so they point into the file.
 */
export class ProtoReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;
  /** Bytes missing at the end when this message was cut short (a truncated file), else 0. */
  #missing = 0;
  /** Field number of the field that {@link ProtoReader.next} just read. */
  field = 0;
  /** Wire type of the field that {@link ProtoReader.next} just read. */
  wire = 0;

  /** Reads `buf[start, end)`; by default the whole buffer. */
  constructor(buf: Uint8Array, start = 0, end: number = buf.length) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  /** Byte offset of the next read. */
  get offset(): number {
    return this.#pos;
  }

  /** Reads the next tag; returns false at the end of the message. */
  next(): boolean {
    if (this.#pos >= this.#end) {
      if (this.#missing > 0) {
        throw new ProtobufError(
          `the data ends at offset ${this.#end}, ${this.#missing} bytes before the end of this message: the data is truncated`,
        );
      }
      return false;
    }
    const start = this.#pos;
    const tag = this.#varint("a field tag");
    this.field = Math.floor(tag / 8);
    this.wire = tag % 8;
    if (this.field === 0 || !(this.wire in WIRE_NAMES) || this.wire === 3 || this.wire === 4) {
      throw new ProtobufError(
        `invalid field tag ${tag} (field ${this.field}, wire type ${this.wire}) at offset ${start}`,
      );
    }
    return true;
  }

  /** Throws unless `n` more bytes are there; `what` names what is being read. */
  #need(n: number, what: string): void {
    if (this.#pos + n > this.#end) {
      throw new ProtobufError(
        `${what} needs ${n} byte${n === 1 ? "" : "s"} at offset ${this.#pos} but only ${
          this.#end - this.#pos
        } remain: the data is truncated or corrupt`,
      );
    }
  }

  #expect(wire: number): void {
    if (this.wire !== wire) {
      throw new ProtobufError(
        `field ${this.field} has wire type ${this.wire} (${
          WIRE_NAMES[this.wire]
        }) at offset ${this.#pos}, expected ${wire} (${WIRE_NAMES[wire]})`,
      );
    }
  }

  /** Reads a raw varint as a (possibly negative, int64) number. */
  #varint(what: string): number {
    const start = this.#pos;
    let result = 0;
    let scale = 1;
    // Seven bytes hold 49 bits: exact in a double. Longer varints (negative int64 in practice)
    // are redone exactly with BigInt.
    for (let i = 0; i < 7; i++) {
      this.#need(1, what);
      const byte = this.#buf[this.#pos++];
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    return this.#bigVarint(start, what);
  }

  #bigVarint(start: number, what: string): number {
    this.#pos = start;
    let v = 0n;
    for (let i = 0n; i < 10n; i++) {
      this.#need(1, what);
      const byte = this.#buf[this.#pos++];
      v |= BigInt(byte & 0x7f) << (7n * i);
      if ((byte & 0x80) === 0) {
        const signed = BigInt.asIntN(64, v);
        if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new ProtobufError(
            `integer ${signed} at offset ${start} is outside JavaScript's safe integer range`,
          );
        }
        return Number(signed);
      }
    }
    throw new ProtobufError(`varint longer than 10 bytes at offset ${start}`);
  }

  /** Reads an int32/int64/enum value (the current field must be a varint). */
  int(): number {
    this.#expect(WIRE_VARINT);
    return this.#varint(`field ${this.field} (varint)`);
  }

  /** Reads a `float` value. */
  float(): number {
    this.#expect(WIRE_FIXED32);
    this.#need(4, `field ${this.field} (float)`);
    const v = this.#view.getFloat32(this.#pos, true);
    this.#pos += 4;
    return v;
  }

  /** Reads a `double` value. */
  double(): number {
    this.#expect(WIRE_FIXED64);
    this.#need(8, `field ${this.field} (double)`);
    const v = this.#view.getFloat64(this.#pos, true);
    this.#pos += 8;
    return v;
  }

  /** Reads a `bytes` value as a view into the buffer (no copy). */
  bytes(): Uint8Array {
    this.#expect(WIRE_BYTES);
    const n = this.#varint(`the length of field ${this.field}`);
    this.#need(n, `field ${this.field} (length-delimited)`);
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** Reads a `string` value (UTF-8). */
  string(): string {
    const start = this.#pos;
    const bytes = this.bytes();
    try {
      return decoder.decode(bytes);
    } catch {
      throw new ProtobufError(`field ${this.field} at offset ${start} is not valid UTF-8`);
    }
  }

  /**
   * Reads a nested message: a reader over its bytes.
   *
   * When the data ends inside the message (a truncated file), the reader still covers what is
   * there and throws where the data runs out, so that the error names the innermost message.
   */
  message(): ProtoReader {
    this.#expect(WIRE_BYTES);
    const n = this.#varint(`the length of field ${this.field}`);
    const available = this.#end - this.#pos;
    if (n > available && this.#end < this.#buf.length) {
      this.#need(n, `field ${this.field} (message)`);
    }
    const child = new ProtoReader(this.#buf, this.#pos, this.#pos + Math.min(n, available));
    child.#missing = Math.max(0, n - available);
    this.#pos += Math.min(n, available);
    return child;
  }

  /** Throws when this message was cut short (called after reading a packed field's elements). */
  #checkComplete(): void {
    if (this.#missing > 0) this.next();
  }

  /** Reads a repeated `float` field in packed or unpacked form, appending to `out`. */
  floats(out: number[]): void {
    if (this.wire === WIRE_FIXED32) {
      out.push(this.float());
      return;
    }
    const r = this.message();
    while (r.#pos < r.#end) {
      r.field = this.field;
      r.#need(4, `field ${this.field} (packed float)`);
      out.push(r.#view.getFloat32(r.#pos, true));
      r.#pos += 4;
    }
    r.#checkComplete();
  }

  /** Reads a repeated `double` field in packed or unpacked form, appending to `out`. */
  doubles(out: number[]): void {
    if (this.wire === WIRE_FIXED64) {
      out.push(this.double());
      return;
    }
    const r = this.message();
    while (r.#pos < r.#end) {
      r.field = this.field;
      r.#need(8, `field ${this.field} (packed double)`);
      out.push(r.#view.getFloat64(r.#pos, true));
      r.#pos += 8;
    }
    r.#checkComplete();
  }

  /** Reads a repeated varint field in packed or unpacked form, appending to `out`. */
  ints(out: number[]): void {
    if (this.wire === WIRE_VARINT) {
      out.push(this.int());
      return;
    }
    const r = this.message();
    r.field = this.field;
    while (r.#pos < r.#end) out.push(r.#varint(`field ${this.field} (packed varint)`));
    r.#checkComplete();
  }

  /** Skips the value of the current field (unknown fields are ignored, as protobuf does). */
  skip(): void {
    switch (this.wire) {
      case WIRE_VARINT:
        this.#varint(`field ${this.field} (varint)`);
        return;
      case WIRE_FIXED64:
        this.#need(8, `field ${this.field} (64-bit)`);
        this.#pos += 8;
        return;
      case WIRE_FIXED32:
        this.#need(4, `field ${this.field} (32-bit)`);
        this.#pos += 4;
        return;
      case WIRE_BYTES:
        this.bytes();
        return;
      default:
        throw new ProtobufError(
          `cannot skip field ${this.field} with wire type ${this.wire} at offset ${this.#pos}`,
        );
    }
  }
}
