/**
 * A headless Chromium driven through the DevTools protocol over Deno's built-in WebSocket (no npm
 * driver, nothing downloaded), and a PNG decoder for its screenshots. Used by
 * `tests/browser_test.ts`.
 *
 * ```ts
 * const browser = await launchChromium({ timeoutMs: 20_000 });
 * try {
 *   const page = await browser.newPage("http://127.0.0.1:8000/");
 *   const title = await page.evaluate("document.title");
 *   const png = await page.screenshot();
 * } finally {
 *   await browser.close();
 * }
 * ```
 *
 * @module
 */

/** Where Debian (and most Linux distributions) install Chromium. */
export const CHROMIUM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/** The first Chromium binary found, or `undefined`. */
export function findChromium(): string | undefined {
  for (const p of CHROMIUM_PATHS) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Flags of a quiet, throw-away headless browser. */
export const HEADLESS_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--remote-debugging-port=0",
];

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** The binary; default {@link findChromium}'s. */
  path?: string;
  /** Extra command-line flags. */
  flags?: string[];
  /** Time limit of each protocol call and of the start; default 30 s. */
  timeoutMs?: number;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  method: string;
}

/** A protocol connection: commands with replies, events by name. */
class Connection {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, Pending>();
  #listeners: ((method: string, params: Record<string, unknown>, sessionId?: string) => void)[] =
    [];
  #timeoutMs: number;

  constructor(ws: WebSocket, timeoutMs: number) {
    this.#ws = ws;
    this.#timeoutMs = timeoutMs;
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data as string);
      if (msg.id !== undefined) {
        const p = this.#pending.get(msg.id);
        if (!p) return;
        this.#pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p.resolve(msg.result);
      } else {
        for (const l of this.#listeners) l(msg.method, msg.params ?? {}, msg.sessionId);
      }
    };
    ws.onclose = () => {
      for (const p of this.#pending.values()) p.reject(new Error(`${p.method}: browser closed`));
      this.#pending.clear();
    };
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
    timeoutMs = this.#timeoutMs,
  ): Promise<Record<string, unknown>> {
    const id = this.#next++;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, method });
    });
    this.#ws.send(JSON.stringify({ id, method, params, sessionId }));
    return withTimeout(reply, timeoutMs, method).finally(() => this.#pending.delete(id));
  }

  /** Resolves with the params of the next event `method` (of `sessionId`). */
  waitFor(method: string, sessionId?: string): Promise<Record<string, unknown>> {
    return withTimeout(
      new Promise((resolve) => {
        const l = (m: string, params: Record<string, unknown>, s?: string) => {
          if (m === method && s === sessionId) {
            this.#listeners = this.#listeners.filter((x) => x !== l);
            resolve(params);
          }
        };
        this.#listeners.push(l);
      }),
      this.#timeoutMs,
      `waiting for ${method}`,
    );
  }

  on(listener: (method: string, params: Record<string, unknown>, sessionId?: string) => void) {
    this.#listeners.push(listener);
  }

  close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((r) => this.#ws.addEventListener("close", () => r()));
    this.#ws.close();
    return withTimeout(closed, 2000, "closing the DevTools socket").catch(() => {});
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** One tab. */
export class Page {
  readonly #conn: Connection;
  readonly sessionId: string;
  /** Console messages and uncaught exceptions of the page, in order. */
  readonly log: string[] = [];

  constructor(conn: Connection, sessionId: string) {
    this.#conn = conn;
    this.sessionId = sessionId;
    conn.on((method, params, s) => {
      if (s !== sessionId) return;
      if (method === "Runtime.consoleAPICalled") {
        const args = (params.args as { value?: unknown; description?: string }[])
          .map((a) => a.value ?? a.description ?? "").join(" ");
        this.log.push(`console.${params.type}: ${args}`);
      } else if (method === "Runtime.exceptionThrown") {
        const d = params.exceptionDetails as {
          text?: string;
          exception?: { description?: string };
        };
        this.log.push(`exception: ${d.exception?.description ?? d.text}`);
      }
    });
  }

  /** A protocol command in this tab. */
  send(method: string, params: Record<string, unknown> = {}, timeoutMs?: number) {
    return this.#conn.send(method, params, this.sessionId, timeoutMs);
  }

  /** Loads `url` and waits for its load event. */
  async goto(url: string): Promise<void> {
    const loaded = this.#conn.waitFor("Page.loadEventFired", this.sessionId);
    await this.send("Page.navigate", { url });
    await loaded;
  }

  /**
   * Evaluates a JavaScript expression in the page, awaiting a promise, and returns its value
   * (JSON-serialisable). A thrown error becomes an Error here with the page's message.
   */
  async evaluate<T = unknown>(expression: string, timeoutMs?: number): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }, timeoutMs);
    const details = r.exceptionDetails as
      | { text?: string; exception?: { description?: string } }
      | undefined;
    if (details) {
      throw new Error(`in the page: ${details.exception?.description ?? details.text}`);
    }
    return (r.result as { value: T }).value;
  }

  /** A PNG screenshot of the viewport. */
  async screenshot(): Promise<Uint8Array> {
    const r = await this.send("Page.captureScreenshot", { format: "png" });
    return Uint8Array.from(atob(r.data as string), (c) => c.charCodeAt(0));
  }
}

/** A running browser; {@link Browser.close} ends it and removes its profile folder. */
export interface Browser {
  /** The DevTools WebSocket URL. */
  readonly wsUrl: string;
  /** Opens a tab at `url` (sized 1400×1000). */
  newPage(url: string): Promise<Page>;
  /** The browser's `Browser.getVersion` product, e.g. `HeadlessChrome/156.0...`. */
  version(): Promise<string>;
  /** Ends the browser (SIGTERM, then SIGKILL after 3 s) and removes its profile. */
  close(): Promise<void>;
}

/**
 * Starts a headless Chromium with a fresh profile and connects to it; the DevTools port is
 * read from the browser's stderr (`DevTools listening on ws://...`).
 * @throws Error when the browser does not start within the time limit (it is killed then).
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const path = options.path ?? findChromium();
  if (!path) throw new Error(`launchChromium: no Chromium in ${CHROMIUM_PATHS.join(", ")}`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const profile = await Deno.makeTempDir({ prefix: "chromium_profile_" });
  const child = new Deno.Command(path, {
    args: [
      ...HEADLESS_FLAGS,
      ...(options.flags ?? []),
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const status = child.status;
  let exited = false;
  status.then(() => exited = true);
  const stderrLines: string[] = [];
  const kill = async () => {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      const late = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, 3000);
      await status;
      clearTimeout(late);
    }
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  };
  try {
    const wsUrl = await withTimeout(
      (async () => {
        const decoder = new TextDecoderStream();
        const reader = child.stderr.pipeThrough(decoder).getReader();
        let buffer = "";
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          const m = buffer.match(/DevTools listening on (ws:\/\/\S+)/);
          if (m) {
            // keep draining stderr so that the browser never blocks on a full pipe
            (async () => {
              while (!(await reader.read().catch(() => ({ done: true }))).done) { /* drain */ }
            })();
            return m[1];
          }
          stderrLines.push(...buffer.split("\n").slice(0, -1));
          buffer = buffer.split("\n").pop()!;
        }
        throw new Error(`Chromium exited before listening: ${stderrLines.slice(-5).join(" | ")}`);
      })(),
      timeoutMs,
      "launchChromium: waiting for the DevTools port",
    );
    const ws = new WebSocket(wsUrl);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error(`cannot connect to ${wsUrl}`));
      }),
      timeoutMs,
      "launchChromium: connecting",
    );
    const conn = new Connection(ws, timeoutMs);
    return {
      wsUrl,
      async newPage(url: string): Promise<Page> {
        const { targetId } = await conn.send("Target.createTarget", { url: "about:blank" });
        const { sessionId } = await conn.send("Target.attachToTarget", { targetId, flatten: true });
        const page = new Page(conn, sessionId as string);
        await page.send("Page.enable");
        await page.send("Runtime.enable");
        await page.send("Emulation.setDeviceMetricsOverride", {
          width: 1400,
          height: 1000,
          deviceScaleFactor: 1,
          mobile: false,
        });
        await page.goto(url);
        return page;
      },
      async version(): Promise<string> {
        return (await conn.send("Browser.getVersion")).product as string;
      },
      async close(): Promise<void> {
        await conn.send("Browser.close", {}, undefined, 3000).catch(() => {});
        await conn.close();
        await kill();
      },
    };
  } catch (e) {
    await kill();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// PNG

/** A decoded image: `width × height` RGBA bytes, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Bytes per pixel of each supported PNG colour type: gray, RGB, gray+alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("deflate"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Decodes an 8-bit gray, gray+alpha, RGB or RGBA, non-interlaced PNG (what Chromium's screenshots
 * and resvg's figures are) to RGBA.
 * @throws Error for other PNG kinds.
 */
export async function decodePng(png: Uint8Array): Promise<RgbaImage> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!signature.every((b, i) => png[i] === b)) throw new Error("decodePng: not a PNG");
  let pos = 8, width = 0, height = 0, colorType = 0;
  const idat: Uint8Array[] = [];
  while (pos < png.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (type === "IHDR") {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      const depth = data[8], interlace = data[12];
      colorType = data[9];
      if (depth !== 8 || !(colorType in CHANNELS) || interlace !== 0) {
        throw new Error(
          `decodePng: bit depth ${depth}, colour type ${colorType}, interlace ${interlace} ` +
            `not supported (8-bit gray, gray+alpha, RGB or RGBA, not interlaced)`,
        );
      }
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    pos += 12 + length;
  }
  const raw = await inflate(new Uint8Array(idat.flatMap((c) => [...c])));
  const channels = CHANNELS[colorType];
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels] : 0;
      const b = prev[x];
      const c = x >= channels ? prev[x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[x] = v & 0xff;
    }
  }
  // Gray (+ alpha) spreads to R, G and B; a missing alpha is opaque.
  const data = new Uint8Array(width * height * 4);
  const colours = channels >= 3 ? 3 : 1;
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < 3; k++) data[i * 4 + k] = pixels[i * channels + (colours === 3 ? k : 0)];
    data[i * 4 + 3] = channels === 2 || channels === 4 ? pixels[i * channels + channels - 1] : 255;
  }
  return { width, height, data };
}
