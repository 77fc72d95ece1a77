// What each operation the profile names does, over the dataset: lists, one resource, children,
// the query service, stop, logon/logoff, tokens, tasks. Handlers return a value in the schema's
// member names (or an error); server.ts negotiates, encodes and sends it.
import { isObject, type Json } from "@veeam-sessions/spec";
import {
  compileFilter,
  compileSortKey,
  compileWildcard,
  FilterError,
  type FieldSpec,
  type FieldType,
} from "./filter.js";
import { enumOf, type Dataset, type SimRecord } from "./dataset.js";
import { text, type SimOperation, type SpecModel } from "./model.js";
import { rebaseUrls } from "./urls.js";
import type { LogProfile, SimulatorProfile } from "./profile.js";
import { getMember, setMember } from "./members.js";
import { credentials, type Random } from "./random.js";

export interface Reply {
  status: number;
  /** JSON value in the schema's names; undefined for no body. */
  body?: unknown;
  /** The schema of `body` (components.schemas name), for XML and the JSON nulls. */
  schema?: string;
  headers?: Record<string, string>;
  /** Answer with the operation's documented example for this status. */
  example?: boolean;
  /** Where the body's media types are documented, when not the operation's own `status` (an error borrowed from another operation). */
  from?: { op: SimOperation; status: string };
  /** The record whose stored body `body` is: its encoded answer may be reused while it is unchanged. */
  record?: SimRecord;
}

export interface Call {
  op: SimOperation;
  params: Record<string, string>;
  /** Query parameters, names lowercased. */
  query: Map<string, string[]>;
  /** Path and query as requested. */
  url: string;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The logon session or token of the call (when the operation is secured). */
  principal?: Principal;
  now: number;
}

export interface Principal {
  user: string;
  /** EM: the logon session's GUID; OAuth: the access token's id. */
  id: string;
  token: string;
  lastUsed: number;
  expiresAt?: number;
  refresh?: string;
  body?: Json;
}

export interface AuthUser {
  username: string;
  password: string;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface TaskRecord {
  id: string;
  created: number;
  body: Json;
  finishedResult: unknown;
}

export interface BehaviourOptions {
  model: SpecModel;
  profile: SimulatorProfile;
  data: Dataset;
  /**
   * Not read any more: credentials come from node:crypto (`credentials` in random.ts) and the
   * dataset has its own seeded PRNG. Still accepted, so a caller passing it keeps compiling.
   */
  random?: Random;
  users: AuthUser[];
  sessionTtlMs: number;
  tokenTtlSeconds: number;
  stopMs: number;
  base: string;
  /** The header of a session-header API (`X-RestSvcSessionId`). */
  sessionHeader?: string;
}

/** How far apart the log entries of a running session are written. */
const LOG_STEP_MS = 30_000;

/**
 * Live logon sessions (or access tokens) one user may hold, and live refresh tokens: past it,
 * the user's oldest one ends (least recently used for EM's idle sessions, first issued for
 * tokens). Without a bound a client that logs on for every call and never logs off (20 000
 * logons held 180 MB) grows the mock without end; no real client holds anywhere near this many
 * at once. Per user, so one user's logons never end another's. README, "Robustness and security".
 */
export const MAX_CREDENTIALS_PER_USER = 1000;

/** How long a refresh token can be exchanged: 14 days, as both servers document (TokenModel, TokenResponse). */
const REFRESH_TTL_MS = 14 * 24 * 3600_000;

interface RefreshToken {
  user: string;
  expiresAt: number;
}

/**
 * Live credentials by their secret, in the order they expire: every item of a store has the same
 * lifetime (the session TTL after its last use, or a fixed one from its issue), so the one first
 * in the map (oldest issued, or least recently used: `touch` moves a used one to the back) is the
 * first to expire. Expired ones are dropped from the front as time passes (`purge`, a step per
 * dropped item, so amortised constant time per request) and are never returned, even before that
 * (so a test clock that steps back costs at most a late purge, never a wrong answer).
 */
export class CredentialStore<T extends { user: string }> {
  private readonly items = new Map<string, T>();
  /** The same items, each user's apart and in the same order: for the per-user bound and listing. */
  private readonly byUser = new Map<string, Map<string, T>>();

  constructor(
    private readonly expired: (item: T, now: number) => boolean,
    private readonly limit = MAX_CREDENTIALS_PER_USER,
  ) {}

  /** Items held, expired ones not yet purged included (tests check the bound with it). */
  get size(): number {
    return this.items.size;
  }

  /** The live item under `key` (an expired one is dropped). */
  get(key: string, now: number): T | undefined {
    const item = this.items.get(key);
    if (item && this.expired(item, now)) {
      this.delete(key);
      return undefined;
    }
    return item;
  }

  /** Moves an item to the back: just used, it is now the last to expire (an idle timeout). */
  touch(key: string): void {
    const item = this.items.get(key);
    if (!item) return;
    this.items.delete(key);
    this.items.set(key, item);
    const mine = this.byUser.get(item.user);
    mine?.delete(key);
    mine?.set(key, item);
  }

  /** Adds an item; past the user's bound, their oldest one ends. */
  add(key: string, item: T, now: number): void {
    this.purge(now);
    this.items.set(key, item);
    let mine = this.byUser.get(item.user);
    if (!mine) this.byUser.set(item.user, (mine = new Map<string, T>()));
    mine.set(key, item);
    for (const oldest of mine.keys()) {
      if (mine.size <= this.limit) break;
      this.delete(oldest);
    }
  }

  delete(key: string): boolean {
    const item = this.items.get(key);
    if (!item) return false;
    this.items.delete(key);
    const mine = this.byUser.get(item.user);
    mine?.delete(key);
    if (mine?.size === 0) this.byUser.delete(item.user);
    return true;
  }

  /** Drops the expired items at the front; stops at the first live one. */
  purge(now: number): void {
    for (const [key, item] of this.items) {
      if (!this.expired(item, now)) break;
      this.delete(key);
    }
  }

  /** A user's live items, oldest first. */
  of(user: string, now: number): T[] {
    return [...(this.byUser.get(user)?.values() ?? [])].filter((item) => !this.expired(item, now));
  }

  clear(): void {
    this.items.clear();
    this.byUser.clear();
  }
}

const first = (query: Map<string, string[]>, name: string) => query.get(name.toLowerCase())?.[0];

export class Behaviour {
  readonly handlers = new Map<string, (call: Call) => Reply>();
  /** Logon sessions or access tokens, by token. */
  readonly principals = new CredentialStore<Principal>((p, now) =>
    p.expiresAt !== undefined ? now >= p.expiresAt : now - p.lastUsed > this.o.sessionTtlMs,
  );
  /** Refresh tokens not yet exchanged, by token. */
  readonly refreshTokens = new CredentialStore<RefreshToken>((r, now) => now >= r.expiresAt);
  private readonly tasks = new Map<string, TaskRecord>();
  private taskCounter = 0;
  private readonly pending = new Set<SimRecord>();
  private readonly fieldsCache = new Map<string, FieldSpec[]>();
  private readonly logonTemplates = new Map<SimOperation, { text: string; oldId: string }>();

  constructor(readonly o: BehaviourOptions) {
    const p = o.profile;
    for (const [kind, k] of Object.entries(p.kinds)) {
      if (k.list) this.handlers.set(k.list, (c) => this.list(c, kind));
      if (k.get) this.handlers.set(k.get, (c) => this.getOne(c, kind));
      if (k.stop) this.handlers.set(k.stop, (c) => this.stop(c, kind));
      if (k.log) this.handlers.set(k.log, (c) => this.log(c, kind));
      if (k.parent?.list) this.handlers.set(k.parent.list, (c) => this.children(c, kind));
    }
    if (p.query) this.handlers.set(p.query.operation, (c) => this.query(c));
    const a = p.auth ?? {};
    if (a.logon) this.handlers.set(a.logon, (c) => this.logon(c));
    if (a.logoff) this.handlers.set(a.logoff, (c) => this.logoff(c));
    if (a.get) this.handlers.set(a.get, (c) => this.logonSession(c));
    if (a.list) this.handlers.set(a.list, (c) => this.logonSessions(c));
    if (a.token) this.handlers.set(a.token, (c) => this.token(c));
    if (a.revoke) this.handlers.set(a.revoke, (c) => this.revoke(c));
    if (p.tasks?.get) this.handlers.set(p.tasks.get, (c) => this.task(c));
    if (p.tasks?.list) this.handlers.set(p.tasks.list, (c) => this.taskList(c));
    if (p.tasks?.delete) this.handlers.set(p.tasks.delete, (c) => this.taskDelete(c));
  }

  // ---- sessions and tokens --------------------------------------------------------------

  /** The principal a request carries, if valid now (idle sessions and old tokens expire). */
  authenticate(token: string | undefined, now: number): Principal | undefined {
    if (!token) return undefined;
    const p = this.principals.get(token, now);
    if (!p) return undefined;
    p.lastUsed = now;
    // An idle timeout starts again with each use; a token's lifetime does not.
    if (p.expiresAt === undefined) this.principals.touch(token);
    return p;
  }

  /** Ends every logon session and token now (`mock.expireSessions()`). */
  expireAll(): void {
    this.principals.clear();
    this.refreshTokens.clear();
  }

  private checkUser(user: string | undefined, password: string | undefined): string {
    const found = this.o.users.find((u) => u.username.toLowerCase() === (user ?? "").toLowerCase());
    if (!found || found.password !== password) throw new SimError(401, "Invalid user name or password.");
    return found.username;
  }

  private logon(call: Call): Reply {
    const auth = String(call.headers.authorization ?? "");
    const m = /^basic\s+(\S+)/i.exec(auth);
    if (!m) throw new SimError(401, "Authentication is required: send the user name and password with HTTP Basic.");
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = this.checkUser(
      decoded.slice(0, colon < 0 ? undefined : colon),
      colon < 0 ? "" : decoded.slice(colon + 1),
    );
    const a = this.o.profile.auth!;
    const id = credentials.guid();
    const token = credentials.token(16);
    const { text: template, oldId } = this.logonTemplate(call.op);
    const body = JSON.parse(template.split(oldId || "\u0000").join(id)) as Json;
    body[a.user ?? "UserName"] = user;
    body[a.sessionId ?? "SessionId"] = id;
    this.principals.add(token, { user, id, token, lastUsed: call.now, body }, call.now);
    const headers: Record<string, string> = {};
    if (this.o.sessionHeader) {
      headers[this.o.sessionHeader] = token;
      headers["set-cookie"] = `${this.o.sessionHeader}=${token}; path=/; HttpOnly`;
    }
    return { status: Number(this.o.model.success(call.op)), body, schema: this.schemaOf(call.op), headers };
  }

  /**
   * The caller's own live logon sessions. Another user's session, even one whose GUID the caller
   * knows, is not there: it answers 404 as an unknown one does, so it can be neither read nor
   * ended, and no answer tells that it exists.
   */
  private ownSessions(call: Call): Principal[] {
    return call.principal ? this.principals.of(call.principal.user, call.now) : [];
  }

  /**
   * The logon answer's example as JSON text with its URLs on the mock, and the example's session
   * GUID in it: made once per operation, as a logon costs a parse of it and no more (a client that
   * logs on before every call is common in tests).
   */
  private logonTemplate(op: SimOperation): { text: string; oldId: string } {
    let t = this.logonTemplates.get(op);
    if (!t) {
      const template = this.example(op, "json");
      const member = this.o.profile.auth?.sessionId ?? "SessionId";
      const oldId = typeof template[member] === "string" ? template[member] : "";
      rebaseUrls(template, this.o.base);
      this.logonTemplates.set(op, (t = { text: JSON.stringify(template), oldId }));
    }
    return t;
  }

  private findSession(call: Call, id: string): Principal | undefined {
    const wanted = id.toLowerCase();
    return this.ownSessions(call).find((p) => p.id.toLowerCase() === wanted);
  }

  private logoff(call: Call): Reply {
    const id = Object.values(call.params)[0] ?? "";
    const p = this.findSession(call, decodeURIComponent(id));
    if (!p) throw new SimError(404, `Logon session ${id} was not found.`);
    this.principals.delete(p.token);
    return { status: 204 };
  }

  private logonSession(call: Call): Reply {
    const id = decodeURIComponent(Object.values(call.params)[0] ?? "");
    const p = this.findSession(call, id);
    if (!p?.body) throw new SimError(404, `Logon session ${id} was not found.`);
    return { status: 200, body: p.body, schema: this.schemaOf(call.op) };
  }

  private logonSessions(call: Call): Reply {
    const bodies = this.ownSessions(call).flatMap((p) => (p.body ? [p.body] : []));
    return { status: 200, body: { LogonSessions: bodies }, schema: "LogonSessions" };
  }

  private token(call: Call): Reply {
    const form = new URLSearchParams(call.body.toString("utf8"));
    const field = (name: string) => {
      for (const [k, v] of form) if (k.toLowerCase() === name) return v;
      return undefined;
    };
    const grant = (field("grant_type") ?? "").toLowerCase();
    let user: string;
    if (grant === "password") user = this.checkUser(field("username"), field("password"));
    else if (grant === "refresh_token") {
      const refresh = field("refresh_token") ?? "";
      const owner = this.refreshTokens.get(refresh, call.now);
      if (!owner) throw new SimError(400, "The refresh token is invalid or expired.");
      this.refreshTokens.delete(refresh);
      user = owner.user;
    } else
      throw new SimError(400, `Unsupported grant_type "${field("grant_type") ?? ""}": use password or refresh_token.`);
    const token = credentials.token(32).replace(/[+/=]/g, "");
    const refresh = credentials.token(16).replace(/[+/=]/g, "");
    const ttl = this.o.tokenTtlSeconds;
    const body = this.example(call.op, "json");
    Object.assign(body, {
      access_token: token,
      refresh_token: refresh,
      token_type: "bearer",
      expires_in: ttl,
      ".issued": new Date(call.now).toISOString(),
      ".expires": new Date(call.now + ttl * 1000).toISOString(),
    });
    // Only where the API's token answer has a user name (Backup for Azure's `Login`; not VBR's `TokenModel`).
    if ("username" in body) body.username = user;
    this.principals.add(
      token,
      { user, id: credentials.guid(), token, lastUsed: call.now, expiresAt: call.now + ttl * 1000, refresh },
      call.now,
    );
    this.refreshTokens.add(refresh, { user, expiresAt: call.now + REFRESH_TTL_MS }, call.now);
    return { status: 200, body, schema: this.schemaOf(call.op) };
  }

  private revoke(call: Call): Reply {
    if (call.principal) {
      this.principals.delete(call.principal.token);
      if (call.principal.refresh) this.refreshTokens.delete(call.principal.refresh);
    }
    return this.done(call.op);
  }

  /** An action's success answer: its status, and its documented body where it has one (`EmptySuccessResponse`). */
  private done(op: SimOperation): Reply {
    const status = Number(this.o.model.success(op));
    return this.o.model.mediaTypes(op, String(status)).length ? { status, example: true } : { status };
  }

  // ---- sessions -------------------------------------------------------------------------

  /** Applies what time has done: a stopping session whose stop is done is stopped. */
  settle(now: number): void {
    this.principals.purge(now);
    this.refreshTokens.purge(now);
    for (const record of this.pending) {
      if (record.stopAt === undefined || now < record.stopAt + this.o.stopMs) continue;
      this.pending.delete(record);
      const stopped = this.o.profile.phases.stopped;
      const member = this.o.data.membersOf(record.kind).result;
      const result = text(Object.entries(stopped).find(([k]) => k === member)?.[1]);
      for (const r of [record, ...record.children]) {
        this.o.data.finish(r, result, record.stopAt + this.o.stopMs, "stopped");
      }
    }
  }

  private record(call: Call, kind: string): SimRecord {
    const id = decodeURIComponent(Object.values(call.params)[0] ?? "");
    const record = this.o.data.get(kind, id);
    if (!record) throw new SimError(404, `${kind} with id ${id} was not found.`);
    return record;
  }

  private format(call: Call, fallback: string): string {
    return (first(call.query, "format") ?? fallback).toLowerCase();
  }

  private list(call: Call, kind: string, records = this.o.data.all(kind)): Reply {
    if (this.o.profile.style === "pages") return this.page(call, kind, records);
    const format = this.format(call, "Refs");
    if (format === "entities" || format === "entity")
      return { status: 200, body: { [`${kind}s`]: records.map((r) => r.body) }, schema: `${kind}s` };
    if (format !== "refs")
      throw new SimError(400, `Unknown format "${first(call.query, "format")}": use Refs or Entities.`);
    return { status: 200, body: { Refs: records.map((r) => this.ref(r)) }, schema: "EntityReferences" };
  }

  private children(call: Call, kind: string): Reply {
    const parentKind = this.o.profile.kinds[kind]!.parent!.kind;
    const parent = this.record(call, parentKind);
    return this.list(call, kind, parent.children);
  }

  private getOne(call: Call, kind: string): Reply {
    const record = this.record(call, kind);
    if (this.o.profile.style === "pages") return { status: 200, body: record.body, schema: kind, record };
    const format = this.format(call, "Ref");
    if (format === "entity" || format === "entities") return { status: 200, body: record.body, schema: kind, record };
    return { status: 200, body: this.ref(record), schema: "EntityRef" };
  }

  /** A record's reference (references style). */
  ref(record: SimRecord): Json {
    const href = this.o.data.hrefOf(record.kind, record.id);
    const b = record.body;
    return {
      Type: `${record.kind}Reference`,
      Href: href,
      ...(b.Name !== undefined ? { Name: b.Name } : {}),
      ...(b.UID !== undefined ? { UID: b.UID } : {}),
      Links: [{ Type: record.kind, Href: `${href}?format=Entity`, Name: b.Name, Rel: "Alternate" }],
    };
  }

  private isRunning(record: SimRecord): boolean {
    const m = this.o.data.membersOf(record.kind);
    return !!m.ended && getMember(record.body, m.ended) === undefined && record.stopAt === undefined;
  }

  private stop(call: Call, kind: string): Reply {
    const record = this.record(call, kind);
    if (!this.isRunning(record)) throw new SimError(400, `The session ${record.id} is not running.`);
    record.stopAt = call.now;
    for (const r of [record, ...record.children]) this.o.data.phase(r, "stopping", call.now);
    this.pending.add(record);
    const status = Number(this.o.model.success(call.op));
    if (!this.o.profile.tasks) return this.done(call.op);
    // An asynchronous task: Running until the session has stopped, then Finished.
    const template = this.example(call.op, "json");
    // The result of a finished task: from the task operation's example of a finished one.
    const getTask = this.o.profile.tasks.get ? this.o.model.copies(this.o.profile.tasks.get)[0] : undefined;
    const finished = (
      getTask
        ? this.o.model
            .responseExamples(getTask, "200", "application/json")
            .find((e) => isObject(e) && e.State === this.o.profile.tasks!.finished && isObject(e.Result))
        : undefined
    ) as Json | undefined;
    const id = `task-${++this.taskCounter}`;
    const body = JSON.parse(JSON.stringify(template).replaceAll(text(template.TaskId) || "\u0000", id)) as Json;
    rebaseUrls(body, this.o.base);
    // The finished message names the stopped session (`Job Session "<name>" triggered to stop.`, post_backupsessions_id_stop.md).
    const result = finished?.Result as Json | undefined;
    const name = record.body.Name;
    const finishedResult =
      result && typeof result.Message === "string" && typeof name === "string"
        ? { ...result, Message: result.Message.replace(/"[^"]*"/, () => `"${name}"`) }
        : result;
    this.tasks.set(id, { id, created: call.now, body, finishedResult });
    return { status, body: this.taskBody(this.tasks.get(id)!, call.now), schema: this.o.profile.tasks.schema };
  }

  private taskBody(task: TaskRecord, now: number): Json {
    const done = now >= task.created + this.o.stopMs;
    const { running, finished } = this.o.profile.tasks!;
    const body: Json = { ...task.body, State: done ? finished : running };
    if (done && task.finishedResult !== undefined) body.Result = task.finishedResult;
    else delete body.Result;
    return body;
  }

  private task(call: Call): Reply {
    const id = decodeURIComponent(Object.values(call.params)[0] ?? "");
    const task = this.tasks.get(id);
    if (!task) throw new SimError(404, `Task ${id} was not found.`);
    return { status: 200, body: this.taskBody(task, call.now), schema: this.o.profile.tasks!.schema };
  }

  private taskList(call: Call): Reply {
    const schema = `${this.o.profile.tasks!.schema}s`;
    return { status: 200, body: { [schema]: [...this.tasks.values()].map((t) => this.taskBody(t, call.now)) }, schema };
  }

  private taskDelete(call: Call): Reply {
    const id = decodeURIComponent(Object.values(call.params)[0] ?? "");
    if (!this.tasks.delete(id)) throw new SimError(404, `Task ${id} was not found.`);
    return { status: 204 };
  }

  private log(call: Call, kind: string): Reply {
    const record = this.record(call, kind);
    const m = this.o.data.membersOf(kind);
    const l: LogProfile = this.o.profile.logs ?? AZURE_LOG;
    const body = this.logExample(call.op, l.examples?.[text(getMember(record.body, m.result))]);
    const start = Date.parse(text(getMember(record.body, m.created)));
    const endText = text(getMember(record.body, m.ended));
    const ended = endText ? Date.parse(endText) : undefined;
    const statusOf = (r: SimRecord) => {
      const rm = this.o.data.membersOf(r.kind);
      return l.statusOf === "state"
        ? text(getMember(r.body, rm.state))
        : l.statusOf?.[text(getMember(r.body, rm.result))];
    };
    const status = statusOf(record);
    let items = Array.isArray(body[l.items]) ? (body[l.items] as Json[]) : [];
    if (l.texts) items = this.logTexts(items, record, l, statusOf, start, ended);
    if (l.session) body[l.session] = record.id;
    // A finished session's entries are spread over its run; a running one's are written one by
    // one, LOG_STEP_MS apart from its start, and an entry once listed keeps its time.
    const step = (i: number) => (l.newestFirst ? items.length - i : i + 1);
    const kept = items
      .map((item, i) => ({
        item,
        at:
          ended === undefined
            ? start + step(i) * LOG_STEP_MS
            : start + ((ended - start) * step(i)) / (items.length + 1),
      }))
      .filter(({ at }) => ended !== undefined || at <= call.now);
    for (const { item, at } of kept) for (const t of l.times) setMember(item, t, new Date(at).toISOString());
    const newest = l.newestFirst ? kept[0] : kept.at(-1);
    if (newest && l.status && status) setMember(newest.item, l.status, status);
    body[l.items] = kept.map((k) => k.item);
    if (l.total) body[l.total] = kept.length;
    return { status: 200, body, schema: this.schemaOf(call.op) };
  }

  /** A fresh copy of the log operation's example named `name`, else of its first. */
  private logExample(op: SimOperation, name: string | undefined): Json {
    const status = this.o.model.success(op);
    const type = this.o.model.mediaTypes(op, status).find((t) => /json/i.test(t));
    const named = name && type ? this.o.model.namedResponseExample(op, status, type, name) : undefined;
    return isObject(named) ? structuredClone<Json>(named) : this.example(op, "json");
  }

  /** The log's records with their texts told for `record` (`logs.texts`). */
  private logTexts(
    items: Json[],
    record: SimRecord,
    l: LogProfile,
    statusOf: (r: SimRecord) => string | undefined,
    start: number,
    ended: number | undefined,
  ): Json[] {
    const { member, rules } = l.texts!;
    const hasChildren = Object.values(this.o.profile.kinds).some((k) => k.parent?.kind === record.kind);
    const valuesOf = (r: SimRecord): Record<string, string> => {
      const rm = this.o.data.membersOf(r.kind);
      return {
        start: consoleTime(start),
        end: ended === undefined ? "" : consoleTime(ended),
        item: text(getMember(r.body, rm.item)),
        failure: text(getMember(r.body, rm.failure)),
      };
    };
    // A template filled in, or undefined when the result has no text or a value it needs is empty.
    const told = (template: string | Record<string, string>, r: SimRecord, groups: Record<string, string>) => {
      const t =
        typeof template === "string"
          ? template
          : template[text(getMember(r.body, this.o.data.membersOf(r.kind).result))];
      if (t === undefined) return undefined;
      const values = { ...groups, ...valuesOf(r) };
      let empty = false;
      const out = t.replace(/\{(\w+)\}/g, (_, name: string) => {
        const v = values[name] ?? "";
        if (!v) empty = true;
        return v;
      });
      return empty ? undefined : out;
    };
    const out: Json[] = [];
    let expanded = false;
    // Numbers for the records added for children: past the example's highest.
    let nextId = Math.max(0, ...items.map((i) => Number(getMember(i, l.id ?? "")) || 0));
    for (const item of items) {
      const current = text(getMember(item, member));
      let rule: (typeof rules)[number] | undefined;
      let groups: Record<string, string> = {};
      for (const r of rules) {
        const found = compiledPattern(r.match).exec(current);
        if (found) {
          rule = r;
          groups = { ...found.groups };
          break;
        }
      }
      if (!rule) {
        out.push(item);
        continue;
      }
      if (rule.each === "children" && hasChildren) {
        // The first such record stands for every child; the example's others go.
        if (expanded) continue;
        expanded = true;
        for (const child of record.children) {
          const value = told(rule.text, child, groups);
          if (value === undefined) continue;
          const copy = structuredClone(item);
          setMember(copy, member, value);
          if (l.id && out.some((o) => getMember(o, l.id) === getMember(copy, l.id))) setMember(copy, l.id, ++nextId);
          const status = statusOf(child);
          if (l.status && status) setMember(copy, l.status, status);
          out.push(copy);
        }
        continue;
      }
      const value = told(rule.text, record, groups);
      if (value === undefined) continue;
      setMember(item, member, value);
      out.push(item);
    }
    return out;
  }

  // ---- pages style (offset/limit) -------------------------------------------------------

  private page(call: Call, kind: string, records: SimRecord[]): Reply {
    const p = this.o.profile;
    const paging = p.paging!;
    const num = (name: string, fallback: number) => {
      const raw = first(call.query, name);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new SimError(400, `The value '${raw}' is not valid for ${name}.`);
      return n;
    };
    const offset = num(paging.offset, 0);
    const limit = num(paging.limit, paging.defaultLimit ?? 30);
    if (offset < 0) throw new SimError(400, `${paging.offset} must be 0 or more.`);
    let selected = records;
    const value = (r: SimRecord, member: string) => text(getMember(r.body, member));
    for (const [param, f] of Object.entries({ ...p.filters, ...p.kinds[kind]?.filters })) {
      const values = (call.query.get(param.toLowerCase()) ?? []).flatMap((v) => v.split(","));
      if (!values.length) continue;
      if (f.op === "in") {
        const wanted = new Set(values.map((v) => v.toLowerCase()));
        selected = selected.filter((r) => wanted.has(value(r, f.member).toLowerCase()));
      } else if (f.op === "like") {
        // `*` stands for any characters; case-insensitive; linear time, whatever the pattern.
        const matches = compileWildcard(values[0]!);
        selected = selected.filter((r) => matches(value(r, f.member)));
      } else {
        const t = Date.parse(values[0]!);
        if (Number.isNaN(t)) throw new SimError(400, `The value '${values[0]}' is not valid for ${param}.`);
        selected = selected.filter((r) => {
          const v = Date.parse(value(r, f.member));
          return f.op === "ge" ? v >= t : f.op === "le" ? v <= t : v === t;
        });
      }
    }
    // Newest first, unless the request orders by a column the profile knows.
    let member = this.o.data.membersOf(kind).created ?? "";
    let ascending = false;
    const sort = paging.sort;
    const column = sort ? first(call.query, sort.column) : undefined;
    if (sort && column !== undefined) {
      const columns = p.kinds[kind]?.columns ?? sort.columns;
      const found = Object.entries(columns).find(([c]) => c.toLowerCase() === column.toLowerCase());
      if (!found) throw new SimError(400, `The value '${column}' is not valid for ${sort.column}.`);
      member = found[1];
      ascending = sort.defaultAscending ?? true;
    }
    const asked = sort ? first(call.query, sort.ascending) : undefined;
    if (asked !== undefined) ascending = /^true$/i.test(asked);
    const sign = ascending ? 1 : -1;
    selected = [...selected].sort((a, b) => sign * compareValues(getMember(a.body, member), getMember(b.body, member)));
    const items = limit < 0 ? selected.slice(offset) : selected.slice(offset, offset + limit);
    const values: Record<string, unknown> = {
      $items: items.map((r) => r.body),
      $total: selected.length,
      $count: items.length,
      $offset: offset,
      $limit: limit,
      $self: `${new URL(this.o.base).origin}${call.url}`,
    };
    return { status: 200, body: fillTemplate(paging.body, values), schema: this.schemaOf(call.op) };
  }

  // ---- the query service (references style) ---------------------------------------------

  private fields(kind: string): FieldSpec[] {
    let fields = this.fieldsCache.get(kind);
    if (fields) return fields;
    const query = this.o.profile.kinds[kind]!.query!;
    const schema = this.o.model.schema(`${query}QueryFields`);
    fields = Object.entries((schema?.properties ?? {}) as Record<string, Json>).map(([name, s]) => {
      const type = this.fieldType(s);
      // A field with a list of values compares by its place in the list (query_comparison.md).
      const values = type === "string" ? enumOf(this.o.model, s)?.map(String) : undefined;
      return { name, type, ...(values ? { values } : {}) };
    });
    this.fieldsCache.set(kind, fields);
    return fields;
  }

  private fieldType(s: Json, depth = 0): FieldType {
    if (depth > 6) return "string";
    if (typeof s.$ref === "string") {
      const name = s.$ref.split("/").pop()!;
      if (/DateTime/i.test(name)) return "date";
      return this.fieldType(this.o.model.schema(name) ?? {}, depth + 1);
    }
    const types: unknown = s.type;
    const type = Array.isArray(types) ? (types as unknown[]).find((t) => t !== "null") : types;
    if (s.format === "date-time") return "date";
    if (type === "integer" || type === "number") return "number";
    if (type === "boolean") return "boolean";
    for (const alt of (s.anyOf as Json[] | undefined) ?? [])
      if (alt.type !== "null") return this.fieldType(alt, depth + 1);
    return "string";
  }

  /** A record's members by query field name (`profile.fields` maps them): one accessor for a whole pass, `at(record)` before each use. */
  private cursor(): { at: (record: SimRecord) => (field: string) => unknown } {
    const map = this.o.profile.fields ?? {};
    const members = new Map<string, string>();
    let body: Json = {};
    const get = (field: string) => {
      let member = members.get(field);
      if (member === undefined) members.set(field, (member = map[field] ?? field));
      const v = body[member];
      return v === null ? undefined : v;
    };
    return {
      at: (record) => {
        body = record.body;
        return get;
      },
    };
  }

  private query(call: Call): Reply {
    const type = first(call.query, "type");
    if (!type)
      throw new SimError(400, "The query type is not specified: add type=<type>, such as type=BackupJobSession.");
    const kind = Object.entries(this.o.profile.kinds).find(
      ([, k]) => k.query?.toLowerCase() === type.toLowerCase(),
    )?.[0];
    if (!kind) throw new SimError(400, `Query type '${type}' is not supported.`);
    const format = this.format(call, "Refs");
    if (!["refs", "entities"].includes(format))
      throw new SimError(
        400,
        `Format '${first(call.query, "format")}' is not supported for type ${type}: use Refs or Entities.`,
      );
    const fields = this.fields(kind);
    let records = this.o.data.all(kind);
    const filter = first(call.query, "filter");
    try {
      if (filter !== undefined && filter !== "") {
        const test = compileFilter(filter, fields);
        const cursor = this.cursor();
        records = records.filter((r) => test(cursor.at(r)));
      }
      const sortAsc = first(call.query, "sortAsc");
      const sortDesc = first(call.query, "sortDesc");
      if (sortAsc !== undefined || sortDesc !== undefined) {
        // Each record's key is read once (a date key parses text), then the keys are sorted (stable).
        const { key, compare } = compileSortKey((sortAsc ?? sortDesc)!, sortAsc === undefined, fields);
        const cursor = this.cursor();
        records = records
          .map((r) => ({ r, k: key(cursor.at(r)) }))
          .sort((a, b) => compare(a.k, b.k))
          .map((x) => x.r);
      }
    } catch (error) {
      if (error instanceof FilterError) throw new SimError(400, error.message);
      throw error;
    }
    const pageSizeRaw = first(call.query, "pageSize");
    const pageRaw = first(call.query, "page");
    const pageSize = pageSizeRaw === undefined ? Math.max(records.length, 1) : Number(pageSizeRaw);
    const page = pageRaw === undefined ? 1 : Number(pageRaw);
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new SimError(400, `pageSize must be a whole number from 1, not '${pageSizeRaw}'.`);
    if (!Number.isInteger(page) || page < 1)
      throw new SimError(400, `page must be a whole number from 1, not '${pageRaw}'.`);
    const pages = Math.ceil(records.length / pageSize);
    const items = records.slice((page - 1) * pageSize, page * pageSize);
    const link = (n: number, rel: string) => ({ Href: this.queryHref(call, n, pageSize), Rel: rel });
    const links = [];
    if (pages > 0) links.push(link(1, "First"), link(pages, "Last"));
    if (page < pages) links.push(link(page + 1, "Next"));
    if (page > 1 && page <= pages) links.push(link(page - 1, "Previous"));
    const paging = { PageNum: page, PageSize: pageSize, PagesCount: pages, Links: links };
    const body =
      format === "entities"
        ? { Entities: { [`${kind}s`]: { [`${kind}s`]: items.map((r) => r.body) } }, PagingInfo: paging }
        : { Refs: { Refs: items.map((r) => this.ref(r)) }, PagingInfo: paging };
    return { status: 200, body, schema: this.o.profile.query!.result };
  }

  /** A paging link: the request's own parameters (filter copied as sent), with pageSize and page. */
  private queryHref(call: Call, page: number, pageSize: number): string {
    const raw = call.url.split("?")[1] ?? "";
    const kept = raw
      .split("&")
      .filter((p) => p && !/^(page|pagesize)=/i.test(p))
      .map((p) => {
        const [k = "", v = ""] = p.split("=");
        return `${k}=${k.toLowerCase() === "filter" ? safeDecode(v) : v}`;
      });
    return `${this.o.base}/query?${[...kept, `pageSize=${pageSize}`, `page=${page}`].join("&")}`;
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** A fresh copy of the operation's first JSON example for its success status. */
  example(op: SimOperation, kind: "json"): Json {
    const status = this.o.model.success(op);
    const type = this.o.model.mediaTypes(op, status).find((t) => (kind === "json" ? /json/i.test(t) : true));
    const value = type ? this.o.model.responseExample(op, status, type) : undefined;
    return value && typeof value === "object" ? (structuredClone(value) as Json) : {};
  }

  /** The components.schemas name of an operation's success body (a direct `$ref`). */
  schemaOf(op: SimOperation): string | undefined {
    const status = this.o.model.success(op);
    const content = op.responses.get(status)?.content as Record<string, Json> | undefined;
    for (const c of Object.values(content ?? {})) {
      const ref = (c.schema as Json | undefined)?.$ref;
      if (typeof ref === "string") return ref.split("/").pop();
    }
    return undefined;
  }

  /** Drops the state of sessions, tokens and tasks (`mock.reset()`). */
  reset(): void {
    this.principals.clear();
    this.refreshTokens.clear();
    this.tasks.clear();
    this.pending.clear();
    this.taskCounter = 0;
  }
}

const patterns = new Map<string, RegExp>();
/** A profile's regular expression, compiled once. */
function compiledPattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source)));
  return re;
}

/** A time as the Windows console writes it in log texts: `11/5/2021 6:03:15 AM` (UTC here). */
function consoleTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/** Backup for Azure's log members: the default of `logs`. */
const AZURE_LOG: LogProfile = {
  items: "log",
  times: ["logTime", "executionStartTime"],
  session: "jobSessionId",
  status: "status",
  statusOf: "state",
};

/** A page body from the profile's template: `"$items"`, `"$total"` … replaced by their values. */
function fillTemplate(template: unknown, values: Record<string, unknown>): unknown {
  if (typeof template === "string") return template in values ? values[template] : template;
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, values));
  if (isObject(template))
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, values)]));
  return template;
}

/** Numbers numerically, anything else as text (ISO times sort as text). */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return text(a).localeCompare(text(b));
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v.replace(/\+/g, " "));
  } catch {
    return v;
  }
}
