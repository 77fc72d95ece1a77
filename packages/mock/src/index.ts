// @veeam-sessions/mock: two engines behind one startMock(). "sim" (the default for an API with a
// spec/<api>/simulator.yaml): a stateful simulator (./sim). "prism": Prism on the bundled spec,
// behind a small front that makes it answer like the servers on what clients see (base paths,
// media types); also the validation proxy.
import type { AddressInfo } from "node:net";
import { createFront, type Exchange } from "./front.js";
import { startPrism, type PrismLogLevel } from "./prism.js";
import { apis as registryApis, findApi, getApi, mediaProfile } from "@veeam-sessions/spec";
import { supervise, type Supervised } from "./supervise.js";
import { startSimulator, type SimulatorControl, type SimulatorOptions } from "./sim/index.js";
import { APIS, loadSpec, rebase, splitUpstream, writeTemp, xmlTwins, type ApiName } from "./spec.js";

export type { ApiName } from "./spec.js";
export type { Exchange } from "./front.js";
export type { Violation } from "./violations.js";
export { formatViolation, parseViolations } from "./violations.js";
export { APIS, specPath } from "./spec.js";
export { DEFAULT_USER, MAX_SESSIONS, SimDataError } from "./sim/index.js";
export type { AuthUser, Faults, SimSessions, SimulatorControl, SimulatorOptions } from "./sim/index.js";

/** Where the CLI (and `startMock` without `port`) listens: each API's `port` in its spec/<api>/api.yaml. */
export const DEFAULT_PORTS: Readonly<Record<ApiName, number>> = Object.fromEntries(
  registryApis().map((a) => [a.slug, a.port]),
) as Record<ApiName, number>;
/** Each API's title from its manifest. */
export const API_TITLES: Readonly<Record<ApiName, string>> = Object.fromEntries(
  registryApis().map((a) => [a.slug, a.title]),
) as Record<ApiName, string>;

interface CommonOptions {
  api: ApiName;
  /** Port to listen on; 0 picks a free one. Default: the API's port in the registry. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Called after every exchange (method, URL, status, media type, time, violations). */
  onExchange?: (exchange: Exchange) => void;
  /** Prism's own log: each line goes here (default: kept quiet, shown when Prism fails to start). */
  prismLog?: (line: string) => void;
  /** Prism's log level when `prismLog` is set (default "info"). */
  prismLogLevel?: PrismLogLevel;
  /** Let Prism answer CORS preflights and add CORS headers (default false: the servers do not). */
  cors?: boolean;
  /** Give up when Prism has not listened after this long (default 300 s: a hang, not a slow machine). */
  startTimeoutMs?: number;
  /**
   * Prism is restarted when it ends on its own (why is printed to stderr, or to `onPrismTrouble`),
   * up to 3 times in 60 s; past that this is called (the CLI exits non-zero). Default: print it.
   */
  onFatal?: (error: Error) => void;
  /** Where lines about Prism ending and restarting go (default: stderr). */
  onPrismTrouble?: (line: string) => void;
}

/** `"sim"`: the stateful simulator; `"prism"`: Prism on the spec's examples. */
export type Engine = "sim" | "prism";

/** Whether an API can be simulated (it has a spec/<api>/simulator.yaml): the default engine then. */
export function defaultEngine(api: ApiName): Engine {
  return getApi(known(api)).simulator ? "sim" : "prism";
}

export interface MockOptions extends CommonOptions, SimulatorOptions {
  /** Default `"sim"` where the API has a simulator profile, else `"prism"`. */
  engine?: Engine;
  /** Prism: generate JSON bodies from the schemas (json-schema-faker) instead of the examples. XML always comes from examples. */
  dynamic?: boolean;
  /**
   * Enterprise Manager's JSON member names: `"pascal"` (default) answers as EM 12 and earlier,
   * with the schema's names (`JobUid`); `"camel"` as EM 13 (`jobUid`, `creationTimeUTC`, `uid`).
   * XML is the same either way. Ignored for an API whose spec declares no camelCase JSON
   * (`x-veeam-json-casing`).
   */
  emJsonCase?: "pascal" | "camel";
}

export interface ProxyOptions extends CommonOptions {
  /** The real server's base URL, ending with the API's base path (its first server URL's path). */
  upstream: string;
  /** Prism answers a contract violation with a 500 problem+json instead of the upstream's answer. */
  errors?: boolean;
  /** Accept any TLS certificate from the upstream (self-signed EM certificates). */
  insecure?: boolean;
}

export interface MockServer extends SimulatorControl {
  api: ApiName;
  engine: Engine;
  /** Base URL for the clients: `http://127.0.0.1:4010/api` (EM), `http://127.0.0.1:4011/api/v1` (Azure). */
  url: string;
  /** `http://host:port`. */
  origin: string;
  port: number;
  host: string;
  /** Milliseconds from the call until the mock answered requests. */
  startupMs: number;
  /** The Prism process behind the front now (127.0.0.1, a free port; a new one after a restart); undefined for the simulator. */
  readonly prism: { url: string; pid: number; startupMs: number; restarts: number } | undefined;
  /** Stops Prism and the front; the port is free when this resolves. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a mock of the API on `host:port`: the simulator (the default where the API has a
 * spec/<api>/simulator.yaml), or Prism on its bundled spec behind a front (`engine: "prism"`):
 *
 * ```ts
 * const mock = await startMock({ api: "enterprise-manager", port: 0 });
 * const em = createEnterpriseManagerClient({ baseUrl: mock.url, auth: DEFAULT_USER });
 * await mock.stop();
 * ```
 */
export async function startMock(options: MockOptions): Promise<MockServer> {
  const api = known(options.api);
  const emJsonCase = options.emJsonCase ?? "pascal";
  if (emJsonCase !== "pascal" && emJsonCase !== "camel")
    throw new Error(`emJsonCase must be "pascal" or "camel", not "${String(emJsonCase)}"`);
  const engine = options.engine ?? defaultEngine(api);
  if (engine !== "sim" && engine !== "prism")
    throw new Error(`engine must be "sim" or "prism", not "${String(engine)}"`);
  if (engine === "sim") {
    const started = performance.now();
    const host = options.host ?? "127.0.0.1";
    const sim = await startSimulator({
      ...options,
      api,
      host,
      port: options.port ?? getApi(api).port,
      onExchange: options.onExchange,
      emJsonCase,
    });
    return {
      api,
      engine,
      url: sim.url,
      origin: sim.origin,
      port: sim.port,
      host,
      startupMs: performance.now() - started,
      prism: undefined,
      sessions: sim.sessions,
      expireSessions: sim.expireSessions,
      reset: sim.reset,
      get faults() {
        return sim.faults;
      },
      set faults(next) {
        sim.faults = next;
      },
      violations: sim.violations,
      stop: sim.stop,
    };
  }
  const source = loadSpec(api);
  const { doc, basePath } = rebase(source);
  return start(
    { ...options, api },
    "mock",
    doc,
    basePath,
    options.dynamic ? ["--dynamic"] : [],
    {},
    !!options.dynamic,
    emJsonCase,
  );
}

/** Starts one mock per API (in parallel); `port` applies to the first, each next one takes port + 1 (0 stays 0). */
export async function startMocks(
  apis: readonly ApiName[] = APIS,
  options: Omit<MockOptions, "api"> = {},
): Promise<MockServer[]> {
  const results = await Promise.allSettled(
    apis.map((api, i) =>
      startMock({
        ...options,
        api,
        port: options.port === undefined ? getApi(api).port : options.port === 0 ? 0 : options.port + i,
      }),
    ),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  if (failed) {
    await Promise.all(started.map((m) => m.stop()));
    throw failed.reason;
  }
  return started;
}

/**
 * Prism's validation proxy: forwards every request to `upstream` and reports what breaks the
 * contract (`onExchange(...).violations`, and the `sl-violations` header).
 */
export async function startProxy(options: ProxyOptions): Promise<MockServer> {
  const source = loadSpec(known(options.api));
  const { target, vars } = splitUpstream(source, options.upstream);
  const { doc, basePath } = rebase(source, vars);
  options = { ...options, api: known(options.api) };
  // Prism forwards to the front's relay, which sends the request upstream as the caller sent it
  // (front.ts); the relay, not Prism, speaks TLS to the upstream and honours --insecure.
  const upstream = { target, insecure: options.insecure === true };
  return start(options, "proxy", doc, basePath, options.errors ? ["--errors"] : [], {}, false, "pascal", upstream);
}

/** The slug for a slug or alias; an unknown name is an error naming the known ones. */
function known(api: ApiName): ApiName {
  const found = typeof api === "string" ? findApi(api) : undefined;
  if (!found) throw new Error(`unknown api "${String(api)}": use ${APIS.join(" or ")}`);
  return found.slug as ApiName;
}

/** The JSON casings a document declares (`x-veeam-json-casing`, spec/EXTENSIONS.md). */
function jsonCasings(doc: Record<string, unknown>): string[] {
  const declared = doc["x-veeam-json-casing"];
  return Array.isArray(declared) ? declared.filter((c): c is string => typeof c === "string") : [];
}

async function start(
  options: CommonOptions,
  mode: "mock" | "proxy",
  doc: Record<string, unknown>,
  basePath: string,
  /** Prism's arguments after `mock|proxy <document>`. */
  extra: string[],
  env: NodeJS.ProcessEnv,
  dynamic: boolean,
  emJsonCase: "pascal" | "camel" = "pascal",
  /** Proxy mode: the upstream (origin and gateway prefix) the front's relay sends requests to. */
  upstream?: { target: string; insecure: boolean },
): Promise<MockServer> {
  const started = performance.now();
  const { api } = options;
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? getApi(api).port;
  let prism: Supervised | undefined;
  const source = loadSpec(api);
  const profile = mediaProfile(source);
  const front = createFront({
    api,
    mode,
    prismPort: () => prism?.current.port ?? 0,
    dynamic,
    profile,
    camelJson: emJsonCase === "camel" && jsonCasings(source).includes("camel"),
    twins: profile.twins ? xmlTwins(source) : new Map<string, string>(),
    onExchange: options.onExchange,
    prismExited: () => prism?.trouble ?? prism?.current.exited,
    doc,
    upstream,
  });
  // Bind first: a port in use fails at once, before Prism takes its second to start.
  await new Promise<void>((resolve, reject) => {
    front.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          Object.assign(
            new Error(
              `port ${port} on ${host} is in use (another veeam-mock?): pick another port, or port 0 for a free one`,
            ),
            { code: error.code },
          ),
        );
      } else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
        reject(Object.assign(new Error(`cannot listen on ${host}: no such local address`), { code: error.code }));
      } else reject(error);
    });
    front.listen(port, host, () => resolve());
  });
  const temp = writeTemp(api, doc);
  const closeFront = () =>
    new Promise<void>((resolve) => {
      front.close(() => resolve());
      front.closeAllConnections();
      front.agent.destroy();
    });
  try {
    if (front.relay) extra = [await front.relay(), ...extra];
    prism = await supervise(
      () =>
        startPrism({
          args: [mode, temp.path, ...extra, ...(options.cors ? [] : ["--no-cors"])],
          logLevel: options.prismLog ? (options.prismLogLevel ?? "info") : "fatal",
          onLog: options.prismLog,
          env: { ...env, VEEAM_MOCK_TEMP_DIR: temp.dir },
          timeoutMs: options.startTimeoutMs ?? 300_000,
        }),
      {
        log: options.onPrismTrouble,
        onFatal: options.onFatal ?? ((error) => console.error(`veeam-mock: ${error.message}`)),
      },
    );
  } catch (error) {
    temp.remove();
    await closeFront();
    throw error;
  }
  const address = front.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const origin = `http://${shownHost}:${address.port}`;
  let stopping: Promise<void> | undefined;
  const running = prism;
  return {
    ...prismHasNoSimulator(),
    api,
    engine: "prism",
    url: origin + basePath,
    origin,
    port: address.port,
    host,
    startupMs: performance.now() - started,
    get prism() {
      const p = running.current;
      return { url: `http://127.0.0.1:${p.port}`, pid: p.pid, startupMs: p.startupMs, restarts: running.restarts };
    },
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([running.stop(), closeFront()]);
        temp.remove();
      })()),
  };
}

/** The simulator's controls on a Prism mock: each says it needs the simulator. */
function prismHasNoSimulator(): SimulatorControl {
  const no = (): never => {
    throw new Error('this needs the simulator engine (engine: "sim"); this mock runs Prism');
  };
  return {
    sessions: { kinds: [], add: no, get: no, update: no, list: no },
    expireSessions: no,
    reset: no,
    faults: {},
    violations: () => 0,
  };
}
