/**
 * Access to Deno's Jupyter API (`Deno.jupyter`), which exists only inside `deno jupyter`.
 *
 * @module
 */

/** The parts of `Deno.jupyter` the plot helpers use. */
export interface JupyterApi {
  /** Sends a message on the IOPub channel (`display_data`, `update_display_data`, ...). */
  broadcast(type: string, content: Record<string, unknown>): Promise<void> | void;
  /** Displays an object now, as IPython's `display(obj)`. */
  display?(obj: unknown, options?: Record<string, unknown>): Promise<void>;
}

/** Deno's Jupyter API when running inside the Deno kernel, else null. */
export function jupyterApi(): JupyterApi | null {
  try {
    // Outside the kernel, reading Deno.jupyter throws.
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return api && typeof api.broadcast === "function" ? api : null;
  } catch {
    return null;
  }
}
