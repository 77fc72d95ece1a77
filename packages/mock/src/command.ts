// veeam-mock: mock servers for the Veeam session APIs (the simulator, or Prism), or a validation proxy.
// run() is the command; src/cli.ts runs it with the process's arguments (the tests call it in-process too).
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { apis, findApi } from "@veeam-sessions/spec";
import {
  API_TITLES,
  APIS,
  DEFAULT_USER,
  defaultEngine,
  MAX_SESSIONS,
  startMocks,
  startProxy,
  type ApiName,
  type AuthUser,
  type Exchange,
  type MockServer,
} from "./index.js";
import { PRISM_INSTALL_HINT, prismVersion } from "./prism.js";
import { formatViolation } from "./violations.js";

const require = createRequire(import.meta.url);
const VERSION = (require("../package.json") as { version: string }).version;
// Prism is an optional peer: the help and --version say when it is not installed.
const PRISM_VERSION = prismVersion() ?? "(not installed)";

const NAMES = apis()
  .map((a) => a.slug)
  .join("|");
const [FIRST, SECOND] = apis();
const HELP = `veeam-mock ${VERSION}: mock servers for the Veeam session APIs (a simulator, or Prism ${PRISM_VERSION})

Usage:
  veeam-mock [--api ${NAMES}|all] [--port N] [--host H] [--engine sim|prism]
             [simulator options] [--dynamic] [--em-json-case pascal|camel]
  veeam-mock proxy --api ${NAMES} --upstream URL [--port N] [--errors] [--insecure]

Mock (default):
  --engine sim    (default) a stateful simulator: a generated week of sessions, logon sessions
                  and tokens that expire, the query service's filter/sort/paging, stop tasks
  --engine prism  Prism: answers from the bundled specs' examples
  --api NAME      ${apis()
    .map((a) => `${a.slug} (${a.alias})`)
    .join(", ")} or all (default: all)
  --port N        port to listen on; 0 picks a free one (default: ${apis()
    .map((a) => `${a.port} ${a.alias}`)
    .join(", ")};
                  with --api all, ${FIRST?.alias ?? "the first"} takes N${SECOND ? `, ${SECOND.alias} N+1 and so on` : ""})
  --host H        address to listen on (default: 127.0.0.1)
  --dynamic       prism: generate JSON bodies from the schemas instead of the examples (XML stays examples)
  --em-json-case pascal|camel
                  Enterprise Manager's JSON member names: pascal (default) answers as EM 12 and
                  earlier (the schema's names, JobUid), camel as EM 13 (jobUid, creationTimeUTC)
  --cors          prism: add CORS headers and answer preflights (the real servers do not)

Simulator:
  --seed N        seed of the generated sessions (default 1: the same sessions every run)
  --sessions N    top-level sessions over the last 7 days (default 300, at most ${MAX_SESSIONS};
                  task sessions on top)
  --data DIR      replay recorded responses (recordTo() output) instead of generating; every
                  session must fit its schema (an error names the file and the member)
  --user NAME:PASSWORD
                  who may log on; repeat for more (default: ${DEFAULT_USER.username}:${DEFAULT_USER.password})
  --session-ttl S a logon session ends after S seconds idle (default 900)
  --token-ttl S   access tokens' expires_in (default 3600)
  --stop-time MS  how long stopping a session takes (default 2000)
  --guard         check every answer against the contract; a violation prints a ✗ line and
                  sets the x-veeam-mock-violations header
  --latency MS    delay every answer
  --error-rate R  answer this share of requests (0-1) with a 500
  --drop-rate R   drop this share of connections without an answer
  --slow-body MS  send each body in 8 parts over MS milliseconds

Proxy: Prism's validation proxy in front of a real server; every answer is checked against the
contract and each violation is printed on its own line.
  --upstream URL  the server's base URL, ending with the API's base path: ${apis()
    .map((a) => `https://${a.alias}.corp${a.basePath}`)
    .join(" or ")}
  --errors        answer a violating response with Prism's 500 instead of passing it on
  --insecure      accept the upstream's self-signed TLS certificate

Both:
  --start-timeout S  give up when Prism has not started after S seconds (default 300)
  --quiet         print no line per request (violations still print in proxy mode)
  --verbose       also print Prism's own log
  -h, --help      this text;  --version  the version

Base URLs: ${apis()
  .map(
    (a) =>
      `${a.title} http://HOST:PORT${a.basePath}${a.auth.kind.startsWith("oauth2") && a.auth.tokenPath ? ` (token: http://HOST:PORT${a.auth.tokenPath})` : ""}`,
  )
  .join(", ")}.
An API whose server has a version variable answers under each of its versions (e.g. /api/v1 … /api/v8.1),
each with that version's behaviour. The simulator wants a logon (or token) first; Prism accepts any
session id or bearer token, and answers 401 without one. Ctrl-C stops the servers.
Exit codes: 0 stopped by Ctrl-C, 1 could not start or keep running, 2 bad arguments.`;

class UsageError extends Error {}

function apiName(value: string | undefined, allowAll: boolean): ApiName[] {
  const v = (value ?? (allowAll ? "all" : "")).toLowerCase();
  if (!v) throw new UsageError(`--api is required: ${APIS.join(" or ")}`);
  if (v === "all" && allowAll) return [...APIS];
  const found = findApi(v);
  if (found) return [found.slug as ApiName];
  throw new UsageError(`unknown api "${value}": use ${APIS.join(", ")}${allowAll ? " or all" : ""}`);
}

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port ${value} is not a port number (0-65535)`);
  return n;
}

function numberOf(flag: string, value: string | undefined, check: (n: number) => boolean, what: string) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n))
    throw new UsageError(`--${flag} ${value} is not ${what}`);
  return n;
}

function simulatorOptions(values: Record<string, string | boolean | string[] | undefined>) {
  const str = (k: string) => values[k] as string | undefined;
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  const share = (n: number) => n >= 0 && n <= 1;
  const users = (values.user as string[] | undefined)?.map((u): AuthUser => {
    const colon = u.indexOf(":");
    if (colon <= 0) throw new UsageError(`--user ${u} is not NAME:PASSWORD`);
    return { username: u.slice(0, colon), password: u.slice(colon + 1) };
  });
  const seed = numberOf("seed", str("seed"), Number.isInteger, "a whole number");
  const sessions = numberOf(
    "sessions",
    str("sessions"),
    (n) => whole(n) && n <= MAX_SESSIONS,
    `a number of sessions from 0 to ${MAX_SESSIONS}`,
  );
  const ttl = numberOf("session-ttl", str("session-ttl"), (n) => n > 0, "a number of seconds");
  const tokenTtl = numberOf("token-ttl", str("token-ttl"), (n) => whole(n) && n > 0, "a number of seconds");
  const stopMs = numberOf("stop-time", str("stop-time"), whole, "a number of milliseconds");
  const latencyMs = numberOf("latency", str("latency"), whole, "a number of milliseconds");
  const errorRate = numberOf("error-rate", str("error-rate"), share, "a share from 0 to 1");
  const dropRate = numberOf("drop-rate", str("drop-rate"), share, "a share from 0 to 1");
  const slowBodyMs = numberOf("slow-body", str("slow-body"), whole, "a number of milliseconds");
  const faults = Object.fromEntries(
    Object.entries({ latencyMs, errorRate, dropRate, slowBodyMs }).filter(([, v]) => v !== undefined),
  );
  return {
    ...(seed !== undefined ? { seed } : {}),
    ...(sessions !== undefined ? { sessions } : {}),
    ...(str("data") !== undefined ? { data: str("data")! } : {}),
    ...(users ? { users } : {}),
    ...(ttl !== undefined ? { sessionTtlMs: ttl * 1000 } : {}),
    ...(tokenTtl !== undefined ? { tokenTtlSeconds: tokenTtl } : {}),
    ...(stopMs !== undefined ? { stopMs } : {}),
    ...(values.guard ? { guard: true } : {}),
    faults,
  };
}

const time = () => new Date().toISOString().slice(11, 23);
const SHORT: Record<ApiName, string> = Object.fromEntries(apis().map((a) => [a.slug, a.alias])) as Record<
  ApiName,
  string
>;
const WIDTH = Math.max(...apis().map((a) => a.alias.length));

function reporter(quiet: boolean, proxy: boolean, many: boolean, guard = false) {
  const counts = { requests: 0, violating: 0, violations: 0 };
  let xmlNote = false;
  const log = (e: Exchange) => {
    counts.requests++;
    if (e.violations.length) counts.violating++;
    counts.violations += e.violations.length;
    if (!quiet) {
      const tag = many ? `${(SHORT[e.api] ?? e.api).padEnd(WIDTH)} ` : "";
      const found = e.violations.length
        ? `  ${e.violations.length} violation${e.violations.length > 1 ? "s" : ""}`
        : "";
      console.log(
        `${time()} ${tag}${e.method} ${e.url} → ${e.status} ${e.mediaType ?? "-"} (${Math.round(e.ms)} ms)${found}`,
      );
    }
    if (proxy || guard || !quiet)
      for (const v of e.violations) console.log(`  ✗ ${e.method} ${e.url} ${formatViolation(v)}`);
    if (proxy && !xmlNote && e.mediaType?.includes("xml")) {
      xmlNote = true;
      console.log(
        "  note: Prism checks status, headers and JSON bodies; it cannot validate XML bodies (record them and validate with @veeam-sessions/contract).",
      );
    }
  };
  return { log, counts };
}

async function main(argv: string[]): Promise<number> {
  const proxy = argv[0] === "proxy";
  const { values, positionals } = parseArgs({
    args: proxy ? argv.slice(1) : argv,
    allowPositionals: true,
    options: {
      api: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      dynamic: { type: "boolean" },
      "em-json-case": { type: "string" },
      cors: { type: "boolean" },
      upstream: { type: "string" },
      errors: { type: "boolean" },
      insecure: { type: "boolean" },
      quiet: { type: "boolean" },
      verbose: { type: "boolean" },
      "start-timeout": { type: "string" },
      engine: { type: "string" },
      seed: { type: "string" },
      sessions: { type: "string" },
      data: { type: "string" },
      user: { type: "string", multiple: true },
      "session-ttl": { type: "string" },
      "token-ttl": { type: "string" },
      "stop-time": { type: "string" },
      guard: { type: "boolean" },
      latency: { type: "string" },
      "error-rate": { type: "string" },
      "drop-rate": { type: "string" },
      "slow-body": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.version) {
    console.log(`veeam-mock ${VERSION} (simulator; Prism ${PRISM_VERSION})`);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (the only command is "proxy")`);
  if (!proxy)
    for (const flag of ["upstream", "errors", "insecure"] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for "veeam-mock proxy"`);
  if (proxy && values.dynamic) throw new UsageError(`--dynamic is for the mock, not the proxy`);
  const emJsonCase = values["em-json-case"];
  if (emJsonCase !== undefined && emJsonCase !== "pascal" && emJsonCase !== "camel")
    throw new UsageError(`--em-json-case must be "pascal" or "camel", not "${emJsonCase}"`);
  if (proxy && emJsonCase !== undefined)
    throw new UsageError(`--em-json-case is for the mock, not the proxy (the upstream answers as it does)`);

  const selected = apiName(values.api, !proxy);
  const engineFlag = values.engine;
  if (engineFlag !== undefined && engineFlag !== "sim" && engineFlag !== "prism")
    throw new UsageError(`--engine must be "sim" or "prism", not "${engineFlag}"`);
  if (proxy && engineFlag !== undefined) throw new UsageError(`--engine is for the mock; the proxy is Prism's`);
  const engines = selected.map((api) => engineFlag ?? defaultEngine(api));
  const simFlags = [
    "seed",
    "sessions",
    "data",
    "user",
    "session-ttl",
    "token-ttl",
    "stop-time",
    "guard",
    "latency",
    "error-rate",
    "drop-rate",
    "slow-body",
  ] as const;
  if (proxy || !engines.includes("sim"))
    for (const flag of simFlags)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for the simulator (--engine sim)`);
  if (values.dynamic && engines.includes("sim")) throw new UsageError(`--dynamic is for --engine prism`);
  // Without Prism, say so in one line before anything starts.
  if ((proxy || engines.includes("prism")) && prismVersion() === undefined) throw new Error(PRISM_INSTALL_HINT);
  const sim = simulatorOptions(values);
  const port = portOf(values.port);
  const startTimeout = values["start-timeout"];
  if (startTimeout !== undefined && !(Number(startTimeout) > 0))
    throw new UsageError(`--start-timeout ${startTimeout} is not a number of seconds`);
  const startTimeoutMs = startTimeout === undefined ? undefined : Number(startTimeout) * 1000;
  const host = values.host ?? "127.0.0.1";
  const report = reporter(!!values.quiet, proxy, selected.length > 1, !!values.guard);
  const prismLog = values.verbose ? (line: string) => console.log(`  [prism] ${line}`) : undefined;
  const started = performance.now();
  let servers: MockServer[] = [];
  // Prism could not be kept running (supervise.ts): stop everything and exit non-zero.
  const onFatal = (error: Error) => {
    console.error(`veeam-mock: ${error.message}; exiting`);
    void Promise.allSettled(servers.map((s) => s.stop())).finally(() => process.exit(1));
  };
  if (proxy) {
    if (!values.upstream)
      throw new UsageError(
        `--upstream is required: the server's base URL, e.g. https://${findApi(selected[0]!)?.alias ?? "server"}.corp${findApi(selected[0]!)?.basePath ?? ""}`,
      );
    servers = [
      await startProxy({
        api: selected[0]!,
        upstream: values.upstream,
        port,
        host,
        errors: values.errors,
        insecure: values.insecure,
        cors: values.cors,
        onExchange: report.log,
        prismLog,
        onFatal,
        startTimeoutMs,
      }),
    ];
  } else {
    servers = await startMocks(selected, {
      ...(engineFlag !== undefined ? { engine: engineFlag } : {}),
      ...sim,
      // The reporter prints each violation the guard finds (a ✗ line).
      onViolation: () => undefined,
      port,
      host,
      dynamic: values.dynamic,
      ...(emJsonCase !== undefined ? { emJsonCase } : {}),
      cors: values.cors,
      onExchange: report.log,
      prismLog,
      onFatal,
      startTimeoutMs,
    });
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const width = Math.max(...servers.map((s) => API_TITLES[s.api].length));
  if (proxy) {
    console.log(
      `veeam-mock proxy: Prism ${PRISM_VERSION} validation proxy, ready in ${seconds(performance.now() - started)}`,
    );
    for (const s of servers) console.log(`  ${API_TITLES[s.api].padEnd(width)}  ${s.url}  →  ${values.upstream}`);
    console.log(
      "Every answer is checked against the contract; each violation prints on a line starting with ✗. Ctrl-C stops.",
    );
  } else {
    console.log(`veeam-mock: ready in ${seconds(performance.now() - started)}`);
    for (const s of servers) {
      const auth = findApi(s.api)?.auth;
      const extra = auth?.kind.startsWith("oauth2") && auth.tokenPath ? `  (token: ${s.origin}${auth.tokenPath})` : "";
      const what =
        s.engine === "sim" ? simulated(s) : `Prism ${PRISM_VERSION}${values.dynamic ? ", dynamic JSON" : ""}`;
      console.log(`  ${API_TITLES[s.api].padEnd(width)}  ${s.url}${extra}  (${what})`);
    }
    if (servers.some((s) => s.engine === "sim")) {
      const users = sim.users ?? [DEFAULT_USER];
      console.log(
        `Log on as ${users.map((u) => u.username).join(", ")}${sim.users ? "" : ` (password ${DEFAULT_USER.password})`}.`,
      );
    }
    console.log(values.quiet ? "Ctrl-C stops." : "One line per request below; Ctrl-C stops.");
  }

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        console.error(`veeam-mock: ${signal} again, exiting now`);
        process.exit(130);
      }
      stopping = true;
      void Promise.all(servers.map((s) => s.stop())).then(() => {
        const c = report.counts;
        console.log(
          `veeam-mock: stopped (${c.requests} request${c.requests === 1 ? "" : "s"}${proxy ? `, ${c.violating} with violations, ${c.violations} violations` : ""}).`,
        );
        resolve();
      });
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
  return 0;
}

/**
 * Runs veeam-mock with `argv` (the arguments after the command) and resolves with its exit code:
 * 0 once stopped, 2 for a usage error, 1 for any other failure (said on stderr). While servers
 * run, SIGINT and SIGTERM stop them.
 */
export async function run(argv: string[]): Promise<number> {
  // `pnpm … mock -- --api <name>` passes the `--` on: skip it.
  try {
    return await main(argv[0] === "--" ? argv.slice(1) : argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    let message = error instanceof Error ? error.message : String(error);
    if (code === "EADDRINUSE")
      message = message.replace(/pick another port.*$/, "pick another with --port N, or --port 0 for a free one");
    const usage = error instanceof UsageError || code?.startsWith("ERR_PARSE_ARGS");
    console.error(`veeam-mock: ${message}${usage ? "\nSee veeam-mock --help." : ""}`);
    return usage ? 2 : 1;
  }
}

/** `simulator, 300 sessions, 748 task sessions`: sessions as --sessions counts them, then their children. */
function simulated(mock: MockServer): string {
  const kinds = (findApi(mock.api)?.simulator?.kinds ?? {}) as Record<string, { parent?: unknown }>;
  let sessions = 0;
  let tasks = 0;
  for (const kind of mock.sessions.kinds) {
    const n = mock.sessions.list(kind).length;
    if (kinds[kind]?.parent) tasks += n;
    else sessions += n;
  }
  return `simulator, ${sessions} sessions${tasks ? `, ${tasks} task sessions` : ""}`;
}
