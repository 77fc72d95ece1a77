// Keeps Prism running behind the front: when it ends without being asked to (a crash, a kill,
// the OOM killer), say why (exit code or signal and its last lines) and start it again, a
// bounded number of times in a window; past that, report a fatal error so the CLI can exit
// non-zero instead of answering 502 forever.
import type { PrismProcess } from "./prism.js";

export interface SuperviseOptions {
  /** Restarts allowed within `windowMs` before giving up (default 3 in 60 s). */
  maxRestarts?: number;
  windowMs?: number;
  /** Where to say what happened (default: stderr). */
  log?: (line: string) => void;
  /** Called once when Prism cannot be kept running. */
  onFatal: (error: Error) => void;
}

export interface Supervised {
  readonly current: PrismProcess;
  /** How many times Prism was restarted. */
  readonly restarts: number;
  /** Set while a restart is under way, or once the supervisor gave up. */
  readonly trouble: string | undefined;
  stop(): Promise<void>;
}

export async function supervise(start: () => Promise<PrismProcess>, options: SuperviseOptions): Promise<Supervised> {
  const maxRestarts = options.maxRestarts ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  const log = options.log ?? ((line: string) => console.error(line));
  let current = await start();
  let stopping = false;
  let restarts = 0;
  let trouble: string | undefined;
  const recent: number[] = [];

  const watch = (prism: PrismProcess) => {
    void prism.ended.then(async (reason) => {
      if (stopping || prism !== current) return;
      const lines = prism.lastLines().slice(-10);
      log(
        `veeam-mock: Prism (pid ${prism.pid}) ${reason}${lines.length ? `; its last lines:\n  ${lines.join("\n  ")}` : ""}`,
      );
      let last = reason;
      for (;;) {
        const now = Date.now();
        while (recent.length && recent[0]! < now - windowMs) recent.shift();
        if (recent.length >= maxRestarts) {
          trouble = `Prism ${reason}, and ${maxRestarts} restarts within ${Math.round(windowMs / 1000)} s did not keep it running (last: ${last})`;
          log(`veeam-mock: giving up: ${trouble}`);
          options.onFatal(new Error(trouble));
          return;
        }
        recent.push(now);
        trouble = `Prism ${reason}; restarting`;
        log(`veeam-mock: restarting Prism (${recent.length}/${maxRestarts} within ${Math.round(windowMs / 1000)} s)`);
        try {
          const next = await start();
          if (stopping) return void (await next.stop());
          current = next;
          restarts++;
          trouble = undefined;
          log(`veeam-mock: Prism is running again (pid ${next.pid}, port ${next.port})`);
          watch(next);
          return;
        } catch (error) {
          last = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
          log(`veeam-mock: Prism did not start again: ${last}`);
          if (stopping) return;
        }
      }
    });
  };
  watch(current);

  return {
    get current() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    get trouble() {
      return trouble;
    },
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}
