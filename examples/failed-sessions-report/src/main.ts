// Logs on to Veeam Backup Enterprise Manager, queries the backup job sessions of the last 24 h
// (query service, typed filter) and prints the failed ones.
//
//   pnpm --filter @example/failed-sessions-report start -- --base-url https://em:9398/api --username 'CORP\svc' --password …
import { parseArgs } from "node:util";
import { createEnterpriseManagerClient, query, where, VeeamApiError } from "@veeam-sessions/client";

const HELP = `failed-sessions-report: the failed Enterprise Manager backup job sessions of the last hours

Usage: failed-sessions-report [--base-url URL] [--username USER] [--password PASSWORD]
                              [--format xml|json] [--hours N]

  --base-url URL   Enterprise Manager REST base URL, e.g. https://em.corp:9398/api  (env EM_BASE_URL)
  --username USER  Enterprise Manager user, e.g. CORP\\svc-monitoring             (env EM_USERNAME)
  --password PASS  its password                                                   (env EM_PASSWORD)
  --format F       what to ask the server for: xml (its default) or json; the report is the same
  --hours N        how far back to look (default 24)
  -h, --help       this text

Exit code 0 when the report was printed (failed sessions or not), 1 when it could not be made,
2 on a usage error.`;

class UsageError extends Error {}

interface Options {
  baseUrl: string;
  username: string;
  password: string;
  format: "xml" | "json";
  hours: number;
}

function options(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      "base-url": { type: "string" },
      username: { type: "string" },
      password: { type: "string" },
      format: { type: "string", default: "xml" },
      hours: { type: "string", default: "24" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return undefined;
  const baseUrl = values["base-url"] ?? process.env.EM_BASE_URL;
  const username = values.username ?? process.env.EM_USERNAME;
  const password = values.password ?? process.env.EM_PASSWORD;
  const missing = [
    !baseUrl && "--base-url (EM_BASE_URL)",
    !username && "--username (EM_USERNAME)",
    !password && "--password (EM_PASSWORD)",
  ].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(", ")}`);
  if (values.format !== "xml" && values.format !== "json")
    throw new UsageError(`--format must be xml or json, not ${values.format}`);
  const hours = Number(values.hours);
  if (!(hours > 0)) throw new UsageError(`--hours must be a positive number, not ${values.hours}`);
  return {
    baseUrl: baseUrl!.replace(/\/+$/, ""),
    username: username!,
    password: password!,
    format: values.format,
    hours,
  };
}

const utc = (iso: string | null | undefined) => (iso ? iso.replace("T", " ").replace(/(\.\d+)?Z$/, "Z") : "-");

async function report(o: Options): Promise<void> {
  const em = createEnterpriseManagerClient({
    baseUrl: o.baseUrl,
    auth: { username: o.username, password: o.password },
    format: o.format,
    timeoutMs: 60_000,
  });
  const since = new Date(Date.now() - o.hours * 3600_000);
  try {
    const sessions = new Map<
      string,
      {
        JobName: string;
        CreationTimeUTC: string;
        EndTimeUTC?: string | null;
        State: string;
        Result: string;
        UID: string;
        FailureMessage?: string | null;
      }
    >();
    // Paging can repeat a session when new ones arrive between pages: keep each UID once.
    for await (const s of query(em, {
      type: "BackupJobSession",
      filter: where("CreationTime").ge(since),
      sortDesc: "CreationTime",
    }))
      sessions.set(s.UID, s);
    const failed = [...sessions.values()].filter((s) => s.Result === "Failed");

    console.log(
      `Failed backup job sessions since ${utc(since.toISOString())} (Enterprise Manager ${o.baseUrl}, ${o.format.toUpperCase()}):`,
    );
    if (failed.length) {
      const rows = [
        ["JOB", "STARTED", "ENDED", "STATE", "SESSION"],
        ...failed.map((s) => [s.JobName, utc(s.CreationTimeUTC), utc(s.EndTimeUTC), s.State, s.UID]),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows)
        console.log(
          `  ${r
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join("  ")
            .trimEnd()}`,
        );
      for (const s of failed) if (s.FailureMessage) console.log(`  ${s.JobName}: ${s.FailureMessage}`);
    } else {
      console.log("  none");
    }
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    console.log(`${failed.length} failed of ${plural(sessions.size, "backup job session")} in the last ${o.hours} h.`);
  } finally {
    await em.logout().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  let o: Options | undefined;
  try {
    // `pnpm … start -- --base-url …` passes the `--` on: skip it.
    const argv = process.argv.slice(2);
    o = options(argv[0] === "--" ? argv.slice(1) : argv);
  } catch (error) {
    console.error(`failed-sessions-report: ${(error as Error).message}\nSee --help.`);
    return 2;
  }
  if (!o) {
    console.log(HELP);
    return 0;
  }
  try {
    await report(o);
    return 0;
  } catch (error) {
    const detail =
      error instanceof VeeamApiError
        ? `${error.message}${error.kind === "network" ? ` (is ${o.baseUrl} right?)` : ""}`
        : String(error);
    console.error(`failed-sessions-report: ${detail}`);
    return 1;
  }
}

process.exitCode = await main();
