/**
 * Fresh memory for large results, at the price of a few page faults instead of thousands.
 *
 * A new typed array is zero pages that the operating system maps on first write, one 4 KiB page at
 * a time. For a large result that first write is the matrix product or loop filling it, and the
 * faults can cost more than the arithmetic: a fresh 1024x1024 float32 product took 17 ms instead of
 * 6 ms on a 2-core virtual machine. NumPy asks Linux for transparent huge pages (2 MiB) on every
 * array of 4 MiB or more (`madvise(MADV_HUGEPAGE)`); this does the same, so the kernel maps such a
 * buffer in 2 MiB steps. The advice changes no value and is skipped where it is not available
 * (not Linux, no `--allow-ffi`, no C library).
 *
 * @module
 */
import { granted } from "../../kernels/permissions.ts";

/** Bytes from which a new buffer gets the huge-page advice (NumPy's threshold: 4 MiB). */
export const HUGE_PAGE_MIN_BYTES: number = 4 << 20;

/** Linux `MADV_HUGEPAGE` (asm-generic/mman-common.h). */
const MADV_HUGEPAGE = 14;
const PAGE = 4096n;

type Madvise = (address: Deno.PointerValue, length: bigint, advice: number) => number;

/** `madvise` from the C library, `null` where it cannot be had; looked up once. */
let madvise: Madvise | null | undefined;

function loadMadvise(): Madvise | null {
  if (Deno.build.os !== "linux" || !granted({ name: "ffi" })) return null;
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      const lib = Deno.dlopen(name, {
        madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
      });
      return lib.symbols.madvise as Madvise;
    } catch {
      // try the next name; without a C library the advice is simply skipped
    }
  }
  return null;
}

/**
 * Advises the kernel to back the whole pages inside `data` with huge pages, when `data` is at
 * least {@link HUGE_PAGE_MIN_BYTES} and has not been written yet. Never changes a value.
 */
export function adviseHugePages(data: Float32Array | Float64Array): void {
  if (data.byteLength < HUGE_PAGE_MIN_BYTES) return;
  if (madvise === undefined) madvise = loadMadvise();
  if (madvise === null) return;
  const address = Deno.UnsafePointer.value(Deno.UnsafePointer.of(data));
  const start = (BigInt(address) + PAGE - 1n) & ~(PAGE - 1n);
  const end = (BigInt(address) + BigInt(data.byteLength)) & ~(PAGE - 1n);
  if (end > start) madvise(Deno.UnsafePointer.create(start), end - start, MADV_HUGEPAGE);
}
