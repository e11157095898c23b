/**
 * Orthographic 3-D to 2-D projection with matplotlib's view angles (`ax.view_init(elev, azim)`),
 * for drawing 3-D scatter plots on a flat plot.
 *
 * @module
 */

/** Camera angles in degrees, as matplotlib's `view_init(elev, azim)`. */
export interface ViewAngles {
  /** Angle above the x-y plane. matplotlib's default is 30. */
  elevation?: number;
  /** Angle around the z axis, from +x towards +y. matplotlib's default is -60. */
  azimuth?: number;
}

/** A projected point: screen x (right), screen y (up) and depth (larger is nearer the viewer). */
export interface Projected {
  /** Horizontal screen coordinate. */
  sx: number;
  /** Vertical screen coordinate (up is positive). */
  sy: number;
  /** Distance towards the viewer along the line of sight. */
  depth: number;
}

/** The camera's unit vectors: `right`, `up` and `eye` (towards the viewer), each `[x, y, z]`. */
export interface Camera {
  /** Screen right. */
  right: [number, number, number];
  /** Screen up. */
  up: [number, number, number];
  /** From the scene towards the viewer. */
  eye: [number, number, number];
}

/** The camera for the given angles; `right x up = eye`, a right-handed frame. */
export function camera(view: ViewAngles = {}): Camera {
  const elev = ((view.elevation ?? 30) * Math.PI) / 180;
  const azim = ((view.azimuth ?? -60) * Math.PI) / 180;
  const ce = Math.cos(elev);
  const se = Math.sin(elev);
  const ca = Math.cos(azim);
  const sa = Math.sin(azim);
  return {
    right: [-sa, ca, 0],
    up: [-se * ca, -se * sa, ce],
    eye: [ce * ca, ce * sa, se],
  };
}

/** Projects one point `(x, y, z)` with a camera. */
export function projectPoint(cam: Camera, x: number, y: number, z: number): Projected {
  const { right: r, up: u, eye: e } = cam;
  return {
    sx: r[0] * x + r[1] * y + r[2] * z,
    sy: u[0] * x + u[1] * y + u[2] * z,
    depth: e[0] * x + e[1] * y + e[2] * z,
  };
}
