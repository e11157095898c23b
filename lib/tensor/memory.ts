/**
 * Fresh memory for large results without paying for it again on every call.
 *
 * A new typed array is memory that the operating system maps on first write, one page at a time.
 * For a large result that first write is the matrix product or loop filling it, and mapping can
 * cost more than the arithmetic: on a 2-core virtual machine, writing 4 MiB of never-used memory
 * took 9 ms, while a 1024x1024 float32 product takes 6 ms. Two things keep that price off the
 * steady state of a training loop, neither of which changes a value:
 *
 * - **Memory stays in the process.** V8 frees the buffers of dead arrays in batches, at garbage
 *   collection, and the C library then hands large blocks back to the system (`munmap`, or
 *   trimming the top of the heap), so the next step's arrays are new memory again. NumPy frees
 *   each array at once and the C library's dynamic thresholds keep blocks up to 32 MiB for reuse;
 *   here the C library (glibc's `mallopt`) is told to serve every size from its heap and never to
 *   trim it, so the blocks freed by one step are the next step's results. The price: the process
 *   keeps its peak memory until it exits. Set `DENO_DL_MALLOC=system` to leave the C library's
 *   defaults alone.
 * - **Huge pages** for buffers of 4 MiB or more (`madvise(MADV_HUGEPAGE)`, as NumPy does), so the
 *   kernel maps them in 2 MiB steps when they are new.
 *
 * Both are skipped where they are not available (not Linux with glibc, no `--allow-ffi`).
 *
 * @module
 */
import { granted, readEnv } from "../../kernels/permissions.ts";

/** Bytes from which a new buffer gets the huge-page advice (NumPy's threshold: 4 MiB). */
export const HUGE_PAGE_MIN_BYTES: number = 4 << 20;

/** Linux `MADV_HUGEPAGE` (asm-generic/mman-common.h). */
const MADV_HUGEPAGE = 14;
/** glibc's `mallopt` parameters (malloc.h): trim threshold and the most mmap-served blocks. */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_MAX = -4;
const PAGE = 4096n;

type Madvise = (address: Deno.PointerValue, length: bigint, advice: number) => number;

/** `madvise` from the C library, `null` where it cannot be had; looked up once. */
let madvise: Madvise | null | undefined;

/** Whether glibc was asked to keep freed memory in the process (see the module's text). */
let mallocKept = false;

const C_SYMBOLS = {
  madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  mallopt: { parameters: ["i32", "i32"], result: "i32" },
} as const;

/** Opens the C library once: returns `madvise`, and tunes `mallopt` unless told not to. */
function loadC(): Madvise | null {
  if (Deno.build.os !== "linux" || !granted({ name: "ffi" })) return null;
  for (const name of ["libc.so.6", "libc.so"]) {
    let lib: Deno.DynamicLibrary<typeof C_SYMBOLS>;
    try {
      lib = Deno.dlopen(name, C_SYMBOLS);
    } catch {
      continue; // try the next name; without glibc both tunings are simply skipped
    }
    if (readEnv("DENO_DL_MALLOC") !== "system") {
      // mmap-served blocks are unmapped at free: 0 sends every size to the heap. A trim threshold
      // of 2^31 - 1 bytes keeps the freed top of the heap instead of returning it.
      mallocKept = lib.symbols.mallopt(M_MMAP_MAX, 0) === 1 &&
        lib.symbols.mallopt(M_TRIM_THRESHOLD, 0x7fffffff) === 1;
    }
    return lib.symbols.madvise as Madvise;
  }
  return null;
}

/**
 * Whether the C library keeps freed memory for the next arrays (glibc on Linux, with
 * `--allow-ffi`, unless `DENO_DL_MALLOC=system`). Decided once, at the first large allocation or
 * at the first call of this function, whichever comes first.
 */
export function mallocKeepsMemory(): boolean {
  if (madvise === undefined) madvise = loadC();
  return mallocKept;
}

/**
 * Advises the kernel to back the whole pages inside `data` with huge pages, when `data` is at
 * least {@link HUGE_PAGE_MIN_BYTES} and has not been written yet; the first such call also tunes
 * the C library to keep freed memory (see the module's text). Never changes a value.
 */
export function adviseHugePages(data: Float32Array | Float64Array): void {
  if (data.byteLength < HUGE_PAGE_MIN_BYTES) return;
  if (madvise === undefined) madvise = loadC();
  if (madvise === null) return;
  const address = Deno.UnsafePointer.value(Deno.UnsafePointer.of(data));
  const start = (BigInt(address) + PAGE - 1n) & ~(PAGE - 1n);
  const end = (BigInt(address) + BigInt(data.byteLength)) & ~(PAGE - 1n);
  if (end > start) madvise(Deno.UnsafePointer.create(start), end - start, MADV_HUGEPAGE);
}
