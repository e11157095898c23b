/**
 * The npm packages `lib/plot` uses, each named once with its pinned version, so that the library
 * loads from any Deno program (no import map needed). `deno.json`'s `imports` name the same
 * versions for `deno install`; `tests/import_test.ts` checks that the two agree.
 *
 * resvg (SVG to PNG) is imported only when a PNG is first asked for.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- versioned npm: specifiers, so that the library resolves them without this repository's import map

export * as Plot from "npm:@observablehq/plot@0.6.17";
export { parseHTML } from "npm:linkedom@0.18.11";

/** Imports resvg's native build (`@resvg/resvg-js`). */
export function importResvgNative(): Promise<typeof import("npm:@resvg/resvg-js@2.6.2")> {
  return import("npm:@resvg/resvg-js@2.6.2");
}

/** Imports resvg's WebAssembly build (`@resvg/resvg-wasm`). */
export function importResvgWasm(): Promise<typeof import("npm:@resvg/resvg-wasm@2.6.2")> {
  return import("npm:@resvg/resvg-wasm@2.6.2");
}
