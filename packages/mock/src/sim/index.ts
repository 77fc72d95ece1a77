// startSimulator(): the simulator engine behind `startMock()` (engine "sim", the default for an
// API with a spec/<api>/simulator.yaml).
import type { AddressInfo } from "node:net";
import { getApi, isObject, type Json } from "@veeam-sessions/spec";
import { loadSpec, rebase, type ApiName } from "../spec.js";
import type { Exchange } from "../front.js";
import { Behaviour, type AuthUser } from "./behaviour.js";
import { Dataset, SimDataError, type SimRecord } from "./dataset.js";
import { loadRecorded } from "./recorded.js";
import { createXmlCodec } from "@veeam-sessions/xml";
import { createValidator } from "@veeam-sessions/contract";
import { isXml, SpecModel } from "./model.js";
import { profileOf } from "./profile.js";
import { createRandom } from "./random.js";
import { createSimServer, type Faults } from "./server.js";

export type { Faults } from "./server.js";
export type { AuthUser } from "./behaviour.js";
export { SimDataError } from "./dataset.js";

/**
 * The most top-level sessions the simulator generates (`sessions`, `--sessions`): about 350,000
 * records with their task sessions, some hundreds of MB. More would take minutes and gigabytes
 * to build (1e9 never started) for a mock whose pages show 100 at a time.
 */
export const MAX_SESSIONS = 100_000;

/**
 * The user the simulator accepts when none is configured (README, "The simulator"). Its password
 * appears in no body, so recordings (which scrub the password everywhere) stay readable.
 */
export const DEFAULT_USER: AuthUser = { username: "veeam", password: "mockpass" };

export interface SimulatorOptions {
  /** Seed of the generated dataset (default 1): the same seed, the same sessions. */
  seed?: number;
  /** Top-level sessions to generate (default 300, at most `MAX_SESSIONS`; their task sessions come on top). */
  sessions?: number;
  /** Read the dataset from a folder of recorded responses (`recordTo()` output) instead. */
  data?: string;
  /** The end of the generated week (default: now). */
  now?: Date | number;
  /** Who may log on (default: `DEFAULT_USER`, `veeam` / `mockpass`). */
  users?: AuthUser[];
  /** A logon session ends after this long idle (default 15 min, as Enterprise Manager). */
  sessionTtlMs?: number;
  /** Lifetime of an access token, `expires_in` (default 3600 s). */
  tokenTtlSeconds?: number;
  /** How long a stop takes: the session is Stopping, its task Running, for this long (default 2000 ms). */
  stopMs?: number;
  /**
   * Where the simulator reads the time, in ms since the epoch (default `Date.now`). A test passes
   * its own to step through a stop or a token's expiry without waiting on the wall clock.
   */
  clock?: () => number;
  /** Check every answer against the contract (default: on under vitest, off otherwise). */
  guard?: boolean;
  /** Faults for resilience tests; `mock.faults` changes them later. */
  faults?: Faults;
  /** Called for each answer the guard finds out of contract (default: a line on stderr). */
  onViolation?: (exchange: Exchange) => void;
}

export interface SimSessions {
  /** The kinds of session-like resources (schema names): `BackupJobSession`, `JobSession` … */
  readonly kinds: readonly string[];
  /**
   * Adds a session of `kind` (its task sessions too); `members` (schema names) override generated
   * values. Returns its id. Throws a `SimDataError` (naming the member) and adds nothing when the
   * session would not fit its schema.
   */
  add: (kind: string, options?: { running?: boolean; result?: string; created?: Date; members?: Json }) => string;
  /**
   * The body of a session, as stored (schema member names), or undefined. Change it with `update`:
   * answers are encoded once per version of a session, and a change made in place is seen only
   * for its top-level members.
   */
  get: (kind: string, id: string) => Json | undefined;
  /** Changes members of a session; throws a `SimDataError` and changes nothing when the result would not fit its schema. */
  update: (kind: string, id: string, members: Json) => void;
  /** Every session of a kind. */
  list: (kind: string) => Json[];
}

export interface SimulatorControl {
  readonly sessions: SimSessions;
  /** Ends every logon session and token now: the next call gets 401, as after an idle timeout. */
  expireSessions: () => void;
  /** Back to the generated dataset, no logon sessions, no tasks, no faults. */
  reset: () => void;
  /** The faults in force; assign to change them. */
  faults: Faults;
  /** Answers the guard found out of contract so far. */
  violations: () => number;
}

export interface SimulatorStart extends SimulatorOptions {
  api: ApiName;
  host: string;
  port: number;
  onExchange?: ((exchange: Exchange) => void) | undefined;
  emJsonCase: "pascal" | "camel";
  /** node:http's timeouts, for tests that see a 408 without waiting 20 s (not a public option). */
  httpTimeouts?: { headersMs?: number; requestMs?: number; checkMs?: number };
}

export async function startSimulator(options: SimulatorStart): Promise<
  SimulatorControl & {
    url: string;
    origin: string;
    port: number;
    stop: () => Promise<void>;
  }
> {
  const sessionCount = options.sessions ?? 300;
  if (!Number.isInteger(sessionCount) || sessionCount < 0 || sessionCount > MAX_SESSIONS)
    throw new RangeError(`sessions must be a whole number from 0 to ${MAX_SESSIONS}, not ${String(options.sessions)}`);
  const entry = getApi(options.api);
  const profile = profileOf(entry.simulator, entry.slug);
  const source = loadSpec(options.api);
  const { doc, basePath } = rebase(source);
  const model = new SpecModel(doc);
  const random = createRandom((options.seed ?? 1) ^ 0x5eed);
  const faults: Faults = { ...options.faults };
  let base = "";
  const casings = Array.isArray(source["x-veeam-json-casing"]) ? (source["x-veeam-json-casing"] as string[]) : [];
  let behaviour: Behaviour | undefined;
  const validator = (options.guard ?? !!process.env.VITEST) ? await createValidator() : undefined;
  // Under vitest an answer out of contract, a warning too, fails the test that caused it (a soft
  // expect on the test running when it was sent), unless the caller takes the findings itself.
  const vitest =
    validator && process.env.VITEST && !options.onViolation ? await import("vitest").catch(() => undefined) : undefined;
  let dataset: Dataset | undefined;
  const clock = options.clock ?? Date.now;
  const server = createSimServer({
    api: options.api,
    model,
    profile,
    get behaviour() {
      return behaviour!;
    },
    random,
    faults,
    camelJson: options.emJsonCase === "camel" && casings.includes("camel"),
    validator,
    onExchange: options.onExchange,
    clock,
    onViolation:
      options.onViolation ??
      ((e) => {
        const line = `veeam-mock: answer out of contract: ${e.method} ${e.url} ${e.status}: ${e.violations.map((v) => `${v.severity} ${v.location}: ${v.message}`).join("; ")}`;
        console.error(line);
        try {
          vitest?.expect.soft(e.violations, line).toEqual([]);
        } catch {
          // No test running (a globalSetup's mock, a hook): the line above says it.
        }
      }),
    base: () => base,
    secrets: () => (options.users ?? [DEFAULT_USER]).map((u) => u.password),
    ...(options.httpTimeouts ? { timeouts: options.httpTimeouts } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? Object.assign(
              new Error(
                `port ${options.port} on ${options.host} is in use (another veeam-mock?): pick another port, or port 0 for a free one`,
              ),
              { code: error.code },
            )
          : error,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  // An error of the listening socket itself (accept failing: too many open files) is printed;
  // without a listener node would end the process with it.
  server.on("error", (error) => console.error(`veeam-mock: ${options.api}: ${error.message}`));
  const address = server.address() as AddressInfo;
  const host = options.host;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const origin = `http://${shownHost}:${address.port}`;
  base = origin + basePath;

  // Each kind's resource path (`/api/backupSessions`) from its `get` operation's template.
  const kindPaths = new Map<string, string>();
  for (const [kind, k] of Object.entries(profile.kinds)) {
    const get = k.get ? model.copies(k.get)[0] : undefined;
    if (get) kindPaths.set(kind, get.template.replace(/\/\{[^}]+\}$/, "").slice(basePath.length));
  }
  const now = options.now === undefined ? clock() : +options.now;
  // An API that answers its sessions in XML can only hold sessions XML can carry.
  const speaksXml = Object.values(profile.kinds).some((k) => {
    const get = k.get ? model.copies(k.get)[0] : undefined;
    return !!get && model.mediaTypes(get, model.success(get)).some(isXml);
  });
  const xml = speaksXml ? createXmlCodec(doc) : undefined;
  const build = () => {
    const data = new Dataset(
      model,
      profile,
      { seed: options.seed ?? 1, sessions: sessionCount, now, base, xml },
      kindPaths,
    );
    if (options.data) loadRecorded(data, options.data, xml ?? createXmlCodec(doc));
    else data.generate();
    return data;
  };
  const makeBehaviour = (data: Dataset) =>
    new Behaviour({
      model,
      profile,
      data,
      random,
      users: options.users?.length ? options.users : [DEFAULT_USER],
      sessionTtlMs: options.sessionTtlMs ?? 15 * 60_000,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      stopMs: options.stopMs ?? 2000,
      base,
      ...(entry.auth.header ? { sessionHeader: entry.auth.header } : {}),
    });
  try {
    dataset = build();
  } catch (error) {
    await new Promise<void>((r) => server.close(() => r()));
    throw error;
  }
  behaviour = makeBehaviour(dataset);

  const need = (kind: string) => {
    if (!profile.kinds[kind]) throw new Error(`unknown kind "${kind}": use ${Object.keys(profile.kinds).join(", ")}`);
  };
  const find = (kind: string, id: string): SimRecord => {
    need(kind);
    const record = dataset!.get(kind, id);
    if (!record) throw new Error(`no ${kind} with id ${id}`);
    return record;
  };
  let stopping: Promise<void> | undefined;
  return {
    url: base,
    origin,
    port: address.port,
    sessions: {
      kinds: Object.keys(profile.kinds),
      add(kind, o = {}) {
        need(kind);
        if (o.members !== undefined && !isObject(o.members))
          throw new SimDataError({ kind, reason: "members must be an object of the schema's member names" });
        return dataset!.create(kind, {
          ...(o.running !== undefined ? { running: o.running } : {}),
          ...(o.result !== undefined ? { result: o.result } : {}),
          created: o.created ? +o.created : clock(),
          ...(o.members ? { overrides: o.members } : {}),
          check: true,
        }).id;
      },
      get: (kind, id) => {
        need(kind);
        return dataset!.get(kind, id)?.body;
      },
      update(kind, id, members) {
        const record = find(kind, id);
        if (!isObject(members))
          throw new SimDataError({ kind, reason: "members must be an object of the schema's member names" });
        // Checked on a copy: a refused change leaves the session as it was.
        dataset!.check(kind, { ...record.body, ...members }, `${kind} ${id}`);
        Object.assign(record.body, members);
        // A change the caller made: the next update sequence number, unless it sets one itself.
        if ((dataset!.membersOf(kind).usn ?? "") in members) record.version++;
        else dataset!.changed(record);
      },
      list: (kind) => {
        need(kind);
        return dataset!.all(kind).map((r) => r.body);
      },
    },
    expireSessions: () => behaviour!.expireAll(),
    reset() {
      dataset = build();
      behaviour = makeBehaviour(dataset);
      for (const k of Object.keys(faults) as (keyof Faults)[]) delete faults[k];
    },
    get faults() {
      return faults;
    },
    set faults(next: Faults) {
      for (const k of Object.keys(faults) as (keyof Faults)[]) delete faults[k];
      Object.assign(faults, next);
    },
    violations: () => server.violations(),
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
