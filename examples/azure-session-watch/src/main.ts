// Lists Veeam Backup for Microsoft Azure job sessions page by page and prints each session's
// log; with --watch, keeps polling and prints sessions that are new or changed status.
//
//   pnpm --filter @example/azure-session-watch start -- --base-url https://vbazure.corp/api/v1 --username admin --password …
import { parseArgs } from "node:util";
import {
  createBackupForAzureClient,
  paginate,
  VeeamApiError,
  type BackupForAzureClient,
  type BackupForAzureClientOptions,
} from "@veeam-sessions/client";

const STATUSES = ["Success", "Warning", "Error", "Running", "Canceled"] as const;
type Status = (typeof STATUSES)[number];

const HELP = `azure-session-watch: Backup for Microsoft Azure job sessions and their logs

Usage: azure-session-watch [--base-url URL] [--username USER] [--password PASSWORD]
                           [--status S,S] [--page-size N] [--limit N] [--watch SECONDS]

  --base-url URL   REST base URL with the version, e.g. https://vbazure.corp/api/v1  (env AZ_BASE_URL)
  --username USER  portal user                                                    (env AZ_USERNAME)
  --password PASS  its password                                                   (env AZ_PASSWORD)
  --status S,S     only these statuses: ${STATUSES.join(", ")}
  --page-size N    sessions per request (default 100)
  --limit N        stop after N sessions
  --watch SECONDS  poll again every SECONDS and print what is new or changed, until Ctrl-C
  -h, --help       this text

Exit code 0 when the list was printed, 1 when it could not be fetched, 2 on a usage error.`;

class UsageError extends Error {}

interface Options {
  baseUrl: string;
  username: string;
  password: string;
  status: Status[] | undefined;
  pageSize: number;
  limit: number;
  watchSeconds: number | undefined;
}

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number, not ${value}`);
  return n;
}

function options(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv[0] === "--" ? argv.slice(1) : argv, // `pnpm … start -- --base-url …` passes the `--` on
    options: {
      "base-url": { type: "string" },
      username: { type: "string" },
      password: { type: "string" },
      status: { type: "string" },
      "page-size": { type: "string" },
      limit: { type: "string" },
      watch: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return undefined;
  const baseUrl = values["base-url"] ?? process.env.AZ_BASE_URL;
  const username = values.username ?? process.env.AZ_USERNAME;
  const password = values.password ?? process.env.AZ_PASSWORD;
  const missing = [
    !baseUrl && "--base-url (AZ_BASE_URL)",
    !username && "--username (AZ_USERNAME)",
    !password && "--password (AZ_PASSWORD)",
  ].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(", ")}`);
  const status = values.status?.split(",").map((s) => s.trim());
  const unknown = status?.filter((s) => !(STATUSES as readonly string[]).includes(s));
  if (unknown?.length) throw new UsageError(`unknown --status ${unknown.join(",")}: use ${STATUSES.join(", ")}`);
  return {
    baseUrl: baseUrl!.replace(/\/+$/, ""),
    username: username!,
    password: password!,
    status: status as Status[] | undefined,
    pageSize: count("page-size", values["page-size"]) ?? 100,
    limit: count("limit", values.limit) ?? Infinity,
    watchSeconds: count("watch", values.watch),
  };
}

type Middleware = NonNullable<BackupForAzureClientOptions["middleware"]>[number];

/** One pass over the list: prints sessions not printed yet (or whose status changed) with their logs. */
async function pass(
  az: BackupForAzureClient,
  o: Options,
  printed: Map<string, string>,
  pages: { count: number },
  signal: AbortSignal,
): Promise<void> {
  const seen = new Set<string>();
  let listed = 0;
  let fresh = 0;
  pages.count = 0;
  for await (const s of paginate(az, "/jobSessions", { query: { Status: o.status }, pageSize: o.pageSize, signal })) {
    // Paging by offset can repeat a session when new ones arrive between pages: print each once.
    if (!seen.has(s.id) && seen.size >= o.limit) break;
    listed++;
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    if (printed.get(s.id) === s.status) continue;
    printed.set(s.id, s.status);
    fresh++;
    const ended = s.executionStopTime ? ` → ${s.executionStopTime}` : "";
    console.log(`#${s.id}  ${s.type}  ${s.status}  ${s.executionStartTime}${ended}  (${s.executionDuration})`);
    const { data: log } = await az.GET("/jobSessions/{sessionId}/log", {
      params: { path: { sessionId: s.id } },
      signal,
    });
    for (const entry of log?.log ?? [])
      console.log(`    ${entry.logTime}  ${String(entry.status).padEnd(7)}  ${entry.message}`);
    if (!log?.log?.length) console.log("    (no log entries)");
  }
  const repeats = listed - seen.size;
  console.log(
    `${fresh} session${fresh === 1 ? "" : "s"} printed; ${seen.size} listed over ${pages.count} page${pages.count === 1 ? "" : "s"}${repeats > 0 ? ` (${repeats} repeats skipped)` : ""}.`,
  );
}

async function run(o: Options): Promise<void> {
  const pages = { count: 0 };
  const countPages: Middleware = {
    onRequest({ schemaPath }) {
      if (schemaPath === "/jobSessions") pages.count++;
      return undefined;
    },
  };
  const az = createBackupForAzureClient({
    baseUrl: o.baseUrl,
    auth: { username: o.username, password: o.password },
    middleware: [countPages],
    timeoutMs: 60_000,
  });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const printed = new Map<string, string>();
  try {
    for (;;) {
      await pass(az, o, printed, pages, stop.signal);
      if (o.watchSeconds === undefined || stop.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, o.watchSeconds! * 1000);
        stop.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (stop.signal.aborted) break;
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await az.logout().catch(() => undefined);
  }
  if (stop.signal.aborted) console.log("stopped.");
}

async function main(): Promise<number> {
  let o: Options | undefined;
  try {
    o = options(process.argv.slice(2));
  } catch (error) {
    console.error(`azure-session-watch: ${(error as Error).message}\nSee --help.`);
    return 2;
  }
  if (!o) {
    console.log(HELP);
    return 0;
  }
  try {
    await run(o);
    return 0;
  } catch (error) {
    const detail =
      error instanceof VeeamApiError
        ? `${error.message}${error.kind === "network" ? ` (is ${o.baseUrl} right?)` : ""}`
        : String(error);
    console.error(`azure-session-watch: ${detail}`);
    return 1;
  }
}

process.exitCode = await main();
