/**
 * Colours: matplotlib's default colour cycle and the colormaps the assignments use (`gray`,
 * `viridis`, `coolwarm`, `Blues`), so that a figure here reads like the original.
 *
 * Each colormap is a table of evenly spaced anchor colours sampled from matplotlib 3.6 and
 * interpolated linearly in RGB, which is how matplotlib builds its own lookup tables.
 *
 * @module
 */

/** matplotlib's `tab10` cycle: the colours `plt.plot` gives series C0, C1, ... */
export const TAB10: readonly string[] = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** Names of the colormaps `colormap()` knows (append `_r` to reverse one). */
export type ColormapName =
  | "gray"
  | "viridis"
  | "coolwarm"
  | "Blues"
  | "gray_r"
  | "viridis_r"
  | "coolwarm_r"
  | "Blues_r";

/** A colormap: maps t in [0, 1] to an `[r, g, b]` triple of 0..255 integers. */
export type Colormap = (t: number) => [number, number, number];

// Anchors sampled from matplotlib.cm.get_cmap(name)(np.linspace(0, 1, n)).
const ANCHORS: Record<string, string> = {
  viridis: "440154 470d60 48186a 482374 472d7b 453781 424086 3e4989 3b528b 375b8d 33638d " +
    "2f6b8e 2c728e 297a8e 26828e 23898e 21918c 1f988b 1fa088 22a785 28ae80 32b67a 3fbc73 " +
    "4ec36b 5ec962 70cf57 84d44b 98d83e addc30 c2df23 d8e219 ece51b fde725",
  coolwarm: "3b4cc0 445acc 4e68d8 5875e1 6282ea 6c8ff1 779af7 82a6fb 8db0fe 98b9ff a3c2fe " +
    "aec9fc b9d0f9 c3d5f4 ccd9ed d5dbe5 dddcdc e5d8d1 ecd3c5 f1ccb8 f5c4ac f7ba9f f7b093 " +
    "f6a586 f4987a f08b6e eb7d62 e46e56 dd5f4b d44e41 ca3b37 be242e b40426",
  Blues: "f7fbff deebf7 c6dbef 9dcae1 6aaed6 4191c6 2070b4 08509b 08306b",
  gray: "000000 ffffff",
};

function parseHex(hex: string): [number, number, number] {
  const n = parseInt(hex, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * The colormap called `name` (matplotlib's names; `_r` reverses). Values outside [0, 1] are
 * clamped, NaN maps to t = 0.
 */
export function colormap(name: ColormapName | string): Colormap {
  const reversed = name.endsWith("_r");
  const base = reversed ? name.slice(0, -2) : name;
  const hexes = ANCHORS[base];
  if (!hexes) {
    throw new RangeError(
      `colormap: unknown colormap "${name}"; known: ${Object.keys(ANCHORS).join(", ")} (+ "_r")`,
    );
  }
  const anchors = hexes.split(" ").map(parseHex);
  const last = anchors.length - 1;
  return (t: number): [number, number, number] => {
    let u = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
    if (reversed) u = 1 - u;
    const pos = u * last;
    const i = Math.min(last - 1, Math.floor(pos));
    const f = pos - i;
    const a = anchors[i];
    const b = anchors[i + 1];
    return [
      Math.round(a[0] + (b[0] - a[0]) * f),
      Math.round(a[1] + (b[1] - a[1]) * f),
      Math.round(a[2] + (b[2] - a[2]) * f),
    ];
  };
}

/** An `[r, g, b]` triple as a CSS colour `rgb(r,g,b)`. */
export function rgbString(rgb: readonly [number, number, number]): string {
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}

/** The colormap as a CSS-string interpolator, the form Observable Plot's `interpolate` takes. */
export function cssInterpolator(name: ColormapName | string): (t: number) => string {
  const map = colormap(name);
  return (t: number) => rgbString(map(t));
}

/** A 256-entry RGB lookup table (768 bytes) of a colormap, for painting pixels fast. */
export function colormapTable(name: ColormapName | string): Uint8Array {
  const map = colormap(name);
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) table.set(map(i / 255), i * 3);
  return table;
}

/** Relative luminance (0 dark .. 1 light), to pick black or white text over a colour. */
export function luminance(rgb: readonly [number, number, number]): number {
  return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
}
