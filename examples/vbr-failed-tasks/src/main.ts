// Veeam Backup & Replication sessions of the last 24 hours (or --hours) that failed, each with
// its failed task sessions and their failed or warning log lines.
//
//   pnpm --filter @example/vbr-failed-tasks start -- --base-url https://vbr.corp:9419 --username admin --password …
import { parseArgs } from "node:util";
import {
  createBackupReplicationClient,
  unwrap,
  VeeamApiError,
  type BackupReplicationClient,
  type VbrPagedItem,
} from "@veeam-sessions/client";

const HELP = `vbr-failed-tasks: failed Veeam Backup & Replication sessions, their failed task sessions and log lines

Usage: vbr-failed-tasks [--base-url URL] [--username USER] [--password PASSWORD]
                        [--hours N] [--api-version V] [--limit N]

  --base-url URL     the REST API's root, e.g. https://vbr.corp:9419          (env VBR_BASE_URL)
  --username USER    a Veeam Backup & Replication user                         (env VBR_USERNAME)
  --password PASS    its password                                              (env VBR_PASSWORD)
  --hours N          sessions created in the last N hours (default 24)
  --api-version V    x-api-version to send (default 1.3-rev1; task sessions need 1.2-rev1 or later)
  --limit N          stop after N failed sessions
  -h, --help         this text

Exit code 0 when the report was printed (failures found or not), 1 when it could not be
fetched, 2 on a usage error.`;

class UsageError extends Error {}

interface Options {
  baseUrl: string;
  username: string;
  password: string;
  hours: number;
  apiVersion: string | undefined;
  limit: number;
}

function positive(name: string, value: string | undefined): number | undefined {
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
      hours: { type: "string" },
      "api-version": { type: "string" },
      limit: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return undefined;
  const baseUrl = values["base-url"] ?? process.env.VBR_BASE_URL;
  const username = values.username ?? process.env.VBR_USERNAME;
  const password = values.password ?? process.env.VBR_PASSWORD;
  const missing = [
    !baseUrl && "--base-url (VBR_BASE_URL)",
    !username && "--username (VBR_USERNAME)",
    !password && "--password (VBR_PASSWORD)",
  ].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(", ")}`);
  const apiVersion = values["api-version"];
  if (apiVersion !== undefined && !/^\d+\.\d+-rev\d+$/.test(apiVersion))
    throw new UsageError(`--api-version must look like 1.3-rev1, not ${apiVersion}`);
  return {
    baseUrl: baseUrl!,
    username: username!,
    password: password!,
    hours: positive("hours", values.hours) ?? 24,
    apiVersion,
    limit: positive("limit", values.limit) ?? Infinity,
  };
}

type Task = VbrPagedItem<"/api/v1/sessions/{id}/taskSessions">;

/** A task session failed: its result (backup, replica, restore) or its scan (antivirus). */
function failed(task: Task): boolean {
  return task.type === "Antivirus" ? task.scanResult === "Failed" : task.result?.result === "Failed";
}

function reason(task: Task): string {
  return task.type === "Antivirus" ? `scan ${task.scanResult}` : (task.result?.message ?? "").trim();
}

async function report(vbr: BackupReplicationClient, opts: Options, out: (line: string) => void): Promise<void> {
  const since = new Date(Date.now() - opts.hours * 3600_000).toISOString();
  out(`Failed sessions created since ${since} (x-api-version ${vbr.apiVersion})`);
  const withTasks = !/^1\.[01]-/.test(vbr.apiVersion); // task sessions exist from 1.2-rev1
  const seen = new Set<string>();
  let sessions = 0;
  let tasks = 0;
  for await (const s of vbr.paginate("/api/v1/sessions", {
    query: { createdAfterFilter: since, resultFilter: ["Failed"], orderColumn: "CreationTime", orderAsc: false },
  })) {
    // A server that ignores `skip` answers the first page again: nothing new, so stop there.
    if (seen.has(s.id)) break;
    seen.add(s.id);
    if (s.result?.result !== "Failed") continue;
    sessions++;
    const ended = s.endTime ? ` → ${s.endTime}` : "";
    out(`${s.name}  ${s.sessionType}  ${s.creationTime}${ended}  ${(s.result.message ?? "").trim()}`);
    if (!withTasks) continue;
    for await (const t of vbr.paginate("/api/v1/sessions/{id}/taskSessions", { path: { id: s.id } })) {
      if (!failed(t)) continue;
      tasks++;
      out(`  ✗ ${t.name}  ${reason(t)}`);
      const log = unwrap(await vbr.GET("/api/v1/taskSessions/{id}/logs", { params: { path: { id: t.id } } }));
      for (const r of log.records ?? [])
        if (r.status === "Failed" || r.status === "Warning")
          out(`      ${r.startTime ?? ""}  ${r.status}  ${(r.title ?? "").trim()}`);
    }
    if (sessions >= opts.limit) break;
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  out(
    withTasks
      ? `${plural(sessions, "failed session")}, ${plural(tasks, "failed task session")}.`
      : `${plural(sessions, "failed session")} (task sessions need x-api-version 1.2-rev1 or later).`,
  );
}

export async function main(argv: string[]): Promise<number> {
  let opts: Options | undefined;
  try {
    opts = options(argv);
  } catch (error) {
    console.error(`vbr-failed-tasks: ${(error as Error).message}\nSee --help.`);
    return 2;
  }
  if (!opts) {
    console.log(HELP);
    return 0;
  }
  const vbr = createBackupReplicationClient({
    baseUrl: opts.baseUrl,
    auth: { username: opts.username, password: opts.password },
    timeoutMs: 30_000,
    ...(opts.apiVersion ? { apiVersion: opts.apiVersion } : {}),
  });
  try {
    await report(vbr, opts, (line) => console.log(line));
    await vbr.logout();
    return 0;
  } catch (error) {
    const what = error instanceof VeeamApiError ? `${error.kind}: ${error.message}` : String(error);
    console.error(`vbr-failed-tasks: ${what}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
