// One Prism process (`prism mock` or `prism proxy`) on 127.0.0.1 and a free port, started
// through bin/prism-child.mjs; resolves once Prism listens, and stops it for good.
import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("../bin/prism-child.mjs", import.meta.url));

/**
 * The one line a user without Prism reads. Prism (~55 MB) is an optional peer dependency: the
 * simulator needs none of it, `engine: "prism"` and the proxy do.
 */
export const PRISM_INSTALL_HINT =
  "Prism is not installed (an optional peer of @veeam-sessions/mock, needed for --engine prism and proxy): npm install --save-dev @stoplight/prism-cli@5.14.2";

/** The installed Prism's version, as bin/prism-child.mjs would find it; undefined when there is none. */
export function prismVersion(): string | undefined {
  try {
    return (createRequire(CHILD)("@stoplight/prism-cli/package.json") as { version: string }).version;
  } catch {
    return undefined;
  }
}

export type PrismLogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

export interface PrismProcessOptions {
  /** `mock` or `proxy` and what follows, e.g. `["mock", doc, "--dynamic"]`. Port and host are added. */
  args: string[];
  logLevel: PrismLogLevel;
  /** Every line Prism prints (its own log), when wanted. */
  onLog?: ((line: string) => void) | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  timeoutMs: number;
}

export interface PrismProcess {
  port: number;
  pid: number;
  /** Milliseconds from spawning Prism until it listened. */
  startupMs: number;
  /** Why Prism ended, if it did. */
  readonly exited: string | undefined;
  /** Resolves with why Prism ended (also after `stop()`). */
  readonly ended: Promise<string>;
  /** The last lines Prism printed (its log, a crash's stack trace). */
  lastLines(): string[];
  stop(): Promise<void>;
}

const KEEP = 60;

export async function startPrism(options: PrismProcessOptions): Promise<PrismProcess> {
  if (prismVersion() === undefined) throw new Error(PRISM_INSTALL_HINT);
  const started = performance.now();
  const child: ChildProcess = fork(
    CHILD,
    [...options.args, "--port", "0", "--host", "127.0.0.1", "--verboseLevel", options.logLevel],
    {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, ...options.env, FORCE_COLOR: "0" },
      execArgv: [],
    },
  );
  // The last lines Prism printed, for error messages; always drained so Prism never blocks on a full pipe.
  const tail: string[] = [];
  const onLine = (line: string) => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > KEEP) tail.shift();
    options.onLog?.(line);
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      lines.forEach(onLine);
    });
    stream.on("end", () => rest && onLine(rest));
  }
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    // "close", not "exit": by then stderr is drained, so a crash's stack trace is in `tail`.
    child.once("close", (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
  });
  // An IPC channel error (the child gone mid-message) must not take the parent down.
  child.on("error", () => undefined);

  const stop = async () => {
    if (exited === undefined) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exit;
      clearTimeout(timer);
    }
  };

  const port = await new Promise<number>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(`Prism did not listen within ${options.timeoutMs} ms`), options.timeoutMs);
    function fail(reason: string) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => {
        const log = tail.length ? `\nPrism said:\n  ${tail.slice(-15).join("\n  ")}` : "";
        reject(new Error(`${reason}${log}`));
      });
    }
    child.on("message", (message: { type?: string; port?: number }) => {
      if (!settled && message?.type === "listening" && typeof message.port === "number") {
        settled = true;
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    child.once("error", (error) => fail(`Prism could not start: ${error.message}`));
    void exit.then(() => fail(`Prism ${exited} before it listened`));
  });

  return {
    port,
    pid: child.pid!,
    startupMs: performance.now() - started,
    get exited() {
      return exited;
    },
    ended: exit.then(() => exited!),
    lastLines: () => [...tail],
    stop,
  };
}
