// Runs the veeam-mock CLI (from src, through tsx) as a child process and watches its output; or,
// for a command that ends on its own (a usage error, --help), its run() in this process.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import { vi } from "vitest";
import { run } from "../src/command.js";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

export interface RunningCli {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr, in order). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal) once the process has exited and its output is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let text = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const w of waiters) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // "close", not "exit": it comes after the last output chunk, so nothing printed is missed.
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(text);
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${pattern} in the output within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() => {
          check();
          if (waiters.has(check)) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`the CLI exited before printing ${pattern}:\n${text}`));
          }
        });
        check();
      });
    },
  };
}

/**
 * veeam-mock's run() in this process, for commands that end without starting a server: its exit
 * code and everything it printed (console.log and console.error, in order). A child process per
 * usage error took seconds each (Node, tsx, the sources); the CLI's own process path (exit code,
 * stderr) is covered by the tests that use runCli.
 */
export async function runInProcess(args: string[]): Promise<{ code: number; output: string }> {
  let output = "";
  const capture = (...values: unknown[]) => {
    output += `${format(...values)}\n`;
  };
  const log = vi.spyOn(console, "log").mockImplementation(capture);
  const error = vi.spyOn(console, "error").mockImplementation(capture);
  try {
    return { code: await run(args), output };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
