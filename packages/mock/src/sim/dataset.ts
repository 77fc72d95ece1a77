// The simulator's data: session-like records of each kind of the profile, generated from a seed
// (templates are the document's own examples, with ids, names, times, states and links varied)
// or added by the user. Every record keeps its body in the schema's member names; the phase of a
// stopped session is worked out when it is read (no timers).
import { isObject, type Json } from "@veeam-sessions/spec";
import type { XmlCodec } from "@veeam-sessions/xml";
import type { KindProfile, SimulatorProfile } from "./profile.js";
import { text, type SpecModel } from "./model.js";
import { createRandom, type Random } from "./random.js";
import { rebaseUrls } from "./urls.js";
import { deleteMember, getMember, memberSchema, setMember } from "./members.js";

export interface SimRecord {
  kind: string;
  id: string;
  body: Json;
  parent?: SimRecord;
  children: SimRecord[];
  /** When a stop was asked for (ms since epoch); the session is Stopping until `stopMs` later. */
  stopAt?: number;
  /** Bumped on every change (cache key for encoded bodies). */
  version: number;
}

export interface DatasetOptions {
  seed: number;
  /** Top-level sessions (children come on top). */
  sessions: number;
  /** The end of the generated week (ms). */
  now: number;
  /** Base URL of the mock (`http://127.0.0.1:4010/api`): every Href and link points here. */
  base: string;
  /** The API's XML codec when it answers sessions in XML: a record must be encodable. */
  xml?: XmlCodec | undefined;
}

/**
 * Data the simulator refuses to hold: a session that does not fit its schema (a `--data`
 * record, or members given to `mock.sessions.add` / `update`), whose answer would break the
 * contract or fail (XML cannot carry a NUL, nor an integer "abc"); or a `--data` file that cannot
 * be read (not JSON, too large).
 */
export class SimDataError extends Error {
  override readonly name = "SimDataError";
  readonly code = "SIM_DATA";
  /** The kind (schema name) of the session, when a session is wrong. */
  readonly kind: string | undefined;
  /** JSON Pointer of the member that is wrong (in the file when `file` is set), "" for the whole. */
  readonly member: string;
  /** What is wrong. */
  readonly reason: string;
  /** The `--data` file it came from. */
  readonly file: string | undefined;

  constructor(details: { reason: string; member?: string; kind?: string; file?: string; where?: string }) {
    const where = details.where ?? details.kind ?? "data";
    const member = details.member ?? "";
    super(
      `${where}: ${member ? `${member}: ` : ""}${details.reason}${details.kind ? ` (a ${details.kind} must fit its schema)` : ""}`,
    );
    this.kind = details.kind;
    this.member = member;
    this.reason = details.reason;
    this.file = details.file;
  }
}

/** Where a value breaks a schema, and why. */
export interface SchemaProblem {
  /** JSON Pointer of the value, from the checked one. */
  path: string;
  reason: string;
}

const pointer = (path: string, name: string | number) =>
  `${path}/${String(name).replace(/~/g, "~0").replace(/\//g, "~1")}`;
const typeOf = (v: unknown) =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? "an array"
      : typeof v === "object"
        ? "an object"
        : typeof v === "number" && Number.isInteger(v)
          ? "an integer"
          : `a ${typeof v}`;
const shown = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
const fitsType = (type: unknown, v: unknown) =>
  type === "null"
    ? v === null
    : type === "array"
      ? Array.isArray(v)
      : type === "object"
        ? isObject(v)
        : type === "integer"
          ? Number.isInteger(v)
          : type === "number"
            ? typeof v === "number" && Number.isFinite(v)
            : typeof v === type;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const patterns = new Map<string, RegExp | null>();

/**
 * The first place `value` breaks `schema` (the keywords the specs use: type, enum, const,
 * pattern, minLength, minimum, maximum, the date-time, uuid and int32 formats, required,
 * properties, additionalProperties, items, allOf, anyOf, oneOf, $ref), or undefined when it fits.
 * `oneOf` is read as `anyOf`: the simulator only needs a record it can answer.
 */
export function schemaProblem(
  model: SpecModel,
  schema: unknown,
  value: unknown,
  path = "",
  depth = 0,
): SchemaProblem | undefined {
  if (!isObject(schema) || depth > 40) return undefined;
  const problem = (reason: string) => ({ path, reason });
  if (typeof schema.$ref === "string") {
    const found = schemaProblem(model, model.schema(schema.$ref.split("/").pop()!), value, path, depth + 1);
    if (found) return found;
  }
  for (const branch of (schema.allOf as unknown[] | undefined) ?? []) {
    const found = schemaProblem(model, branch, value, path, depth + 1);
    if (found) return found;
  }
  for (const key of ["anyOf", "oneOf"]) {
    const branches = schema[key] as unknown[] | undefined;
    if (!Array.isArray(branches) || !branches.length) continue;
    const found: SchemaProblem[] = [];
    for (const branch of branches) {
      const p = schemaProblem(model, branch, value, path, depth + 1);
      if (!p) break;
      found.push(p);
    }
    // No branch fits: the deepest problem says most (a branch of the right type that failed inside).
    if (found.length === branches.length) return found.reduce((a, b) => (b.path.length > a.path.length ? b : a));
  }
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types && !types.some((t) => fitsType(t, value)))
    return problem(`${typeOf(value)} (${shown(value)}) where the schema wants ${types.join(" or ")}`);
  if ("const" in schema && value !== schema.const) return problem(`${shown(value)} is not ${shown(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    return problem(
      `${shown(value)} is not one of ${schema.enum
        .slice(0, 12)
        .map((e) => shown(e))
        .join(", ")}${schema.enum.length > 12 ? ", ..." : ""}`,
    );
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && [...value].length < schema.minLength)
      return problem(`${shown(value)} is shorter than ${schema.minLength} characters`);
    if (typeof schema.pattern === "string") {
      let re = patterns.get(schema.pattern);
      if (re === undefined) {
        try {
          re = new RegExp(schema.pattern, "u");
        } catch {
          re = null;
        }
        patterns.set(schema.pattern, re);
      }
      if (re && !re.test(value)) return problem(`${shown(value)} does not match ${schema.pattern}`);
    }
    if (schema.format === "date-time" && !(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !isNaN(Date.parse(value))))
      return problem(`${shown(value)} is not a date and time`);
    if (schema.format === "uuid" && !UUID.test(value)) return problem(`${shown(value)} is not a UUID`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      return problem(`${value} is less than ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum)
      return problem(`${value} is more than ${schema.maximum}`);
    if (schema.format === "int32" && (value < -(2 ** 31) || value >= 2 ** 31))
      return problem(`${value} is not a 32-bit integer`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (let i = 0; i < value.length; i++) {
      const found = schemaProblem(model, schema.items, value[i], pointer(path, i), depth + 1);
      if (found) return found;
    }
  }
  if (isObject(value)) {
    for (const name of (schema.required as string[] | undefined) ?? [])
      if (value[name] === undefined) return problem(`the required member ${name} is missing`);
    const props = (schema.properties ?? {}) as Record<string, unknown>;
    for (const [name, member] of Object.entries(value)) {
      if (member === undefined) continue;
      const sub = props[name] ?? schema.additionalProperties;
      if (sub === false) return { path: pointer(path, name), reason: "the schema has no such member" };
      const found = schemaProblem(model, sub, member, pointer(path, name), depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const DAY = 86_400_000;

/** A value allowed by a member's schema: the first of `wanted` (a list) its enum has. */
function allowed(model: SpecModel, schema: Json | undefined, member: string, wanted: unknown): unknown {
  if (!Array.isArray(wanted)) return wanted;
  const prop = enumOf(model, memberSchema(model, schema, member));
  return wanted.find((w) => !prop || prop.includes(w)) ?? wanted[0];
}

/** The enum a schema (through `$ref`s and `anyOf`/`oneOf`) lists, if any. */
export function enumOf(model: SpecModel, node: unknown, depth = 0): unknown[] | undefined {
  if (!node || typeof node !== "object" || depth > 8) return undefined;
  const n = node as Json;
  if (typeof n.$ref === "string") return enumOf(model, model.schema(n.$ref.split("/").pop()!), depth + 1);
  if (Array.isArray(n.enum)) return n.enum as unknown[];
  for (const alt of [...((n.anyOf as unknown[]) ?? []), ...((n.oneOf as unknown[]) ?? [])]) {
    const e = enumOf(model, alt, depth + 1);
    if (e) return e;
  }
  return undefined;
}

/** `2021-09-24 20:00:09`: the time part of EM session names. */
const nameTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
/** .NET TimeSpan text (constant format `[d.]hh:mm:ss.fffffff`): `00:02:47.7726740`, `1.06:00:00.0000000`. */
function timeSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const frac = String(Math.floor(Math.max(0, ms) % 1000)).padStart(3, "0") + "0000";
  const days = Math.floor(s / 86_400);
  const hh = String(Math.floor(s / 3600) % 24).padStart(2, "0");
  const clock = `${hh}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}.${frac}`;
  return days ? `${days}.${clock}` : clock;
}

export class Dataset {
  readonly byKind = new Map<string, Map<string, SimRecord>>();
  /** UID → record (references style). */
  readonly byUid = new Map<string, SimRecord>();
  private counter = 0;
  /** The last update sequence number given (`members.usn`). */
  private usn = 0;
  private random: Random;
  private readonly templates = new Map<string, Json>();
  private readonly jobs = new Map<string, string>();

  constructor(
    readonly model: SpecModel,
    readonly profile: SimulatorProfile,
    readonly options: DatasetOptions,
    /** The path of each kind's resources (`/api/backupSessions`), from its `get` operation. */
    readonly kindPaths: Map<string, string>,
  ) {
    this.random = createRandom(options.seed);
    for (const kind of Object.keys(profile.kinds)) this.byKind.set(kind, new Map());
  }

  template(kind: string): Json {
    let t = this.templates.get(kind);
    if (!t) {
      const example = this.model.example(kind);
      if (!example || typeof example !== "object")
        throw new Error(
          `the simulator needs an example named ${kind} (components.examples) as the template of ${kind}`,
        );
      t = example as Json;
      this.templates.set(kind, t);
    }
    return structuredClone(t);
  }

  newId(): string {
    return this.profile.ids === "guid" ? this.random.guid() : String(++this.counter);
  }

  /** The member roles of a kind: the profile's, with the kind's own on top. */
  membersOf(kind: string): SimulatorProfile["members"] {
    return { ...this.profile.members, ...this.profile.kinds[kind]?.members };
  }

  hrefOf(kind: string, id: string): string {
    return `${this.options.base}${this.kindPaths.get(kind) ?? `/${kind}`}/${id}`;
  }

  uidOf(kind: string, id: string): string {
    return `urn:veeam:${kind}:${id}`;
  }

  /** Generates the seeded dataset. */
  generate(): void {
    const { sessions, now } = this.options;
    const top = Object.entries(this.profile.kinds).filter(([, k]) => !k.parent && (k.share ?? 0) > 0);
    const weights = Object.fromEntries(top.map(([name, k]) => [name, k.share!]));
    const starts = Array.from({ length: sessions }, () => now - this.random.next() * 7 * DAY).sort((a, b) => a - b);
    starts.forEach((created, i) => {
      const kind = this.random.weighted(weights);
      // The newest sessions (about 3 %) still run.
      const running = i >= sessions - Math.max(1, Math.round(sessions * 0.03));
      this.create(kind, { created, running });
    });
  }

  /**
   * Adds one record of `kind` (children too, for a kind that has children), from its template,
   * `overrides` (members in the schema's names) applied last.
   */
  create(
    kind: string,
    options: {
      created?: number;
      running?: boolean;
      result?: string;
      parent?: SimRecord;
      /** The latest it may end (a task session ends by the time its session does). */
      until?: number;
      job?: string;
      overrides?: Json;
      /** Refuse (SimDataError) a session that does not fit its schema: one the user asked for. */
      check?: boolean;
    } = {},
  ): SimRecord {
    const k = this.profile.kinds[kind];
    if (!k) throw new Error(`unknown kind "${kind}": use ${Object.keys(this.profile.kinds).join(", ")}`);
    const schema = this.model.schema(kind);
    const has = (member: string | undefined): member is string => !!memberSchema(this.model, schema, member);
    const m = this.membersOf(kind);
    const r = this.random;
    const counter = this.counter;
    const id = this.newId();
    const body = this.template(kind);
    const created = options.created ?? this.options.now - r.next() * DAY;
    const running = options.running ?? false;
    const durationMs = r.int(45, 5400) * 1000;
    const ended = created + durationMs;
    const result = options.result ?? r.weighted(this.profile.results);
    const oldId = this.idOf(body);

    // Job (policy) the session ran for, with a stable UID per name.
    const jobName = options.job ?? this.jobName(k, options.parent);
    const rename = new Map<string, string>();
    const jobMember = k.job?.member ?? m.job;
    const jobUidMember = k.job?.uid ?? m.jobUid;
    if (jobName && has(jobMember)) {
      if (typeof body[jobMember] === "string") rename.set(body[jobMember], jobName);
      body[jobMember] = jobName;
    }
    if (jobName && has(jobUidMember)) {
      let uid = this.jobs.get(jobName);
      if (!uid) this.jobs.set(jobName, (uid = r.guid()));
      const old = text(body[jobUidMember]);
      const oldGuid = old.split(":").pop();
      if (oldGuid) rename.set(oldGuid, uid);
      // In the template's form: a UID (`urn:veeam:Job:<guid>`) or a bare GUID.
      body[jobUidMember] = old.startsWith("urn:") ? `urn:veeam:Job:${uid}` : uid;
    }
    if (oldId) rename.set(oldId, id);
    // Identity.
    if ("id" in body) body.id = id;
    if (has("Href")) body.Href = `${this.hrefOf(kind, id)}?format=Entity`;
    if (has("UID")) body.UID = this.uidOf(kind, id);
    // The processed item (VM) of a task session.
    if (has(m.item))
      setMember(body, m.item, `${r.pick(["vm", "srv", "app", "db", "web"])}-${String(r.int(1, 60)).padStart(2, "0")}`);
    if (has("Name")) {
      const label = has(m.item) ? text(getMember(body, m.item)) : (jobName ?? kind);
      if (typeof body.Name === "string") rename.set(body.Name, `${label}@${nameTime(created)}`);
      body.Name = `${label}@${nameTime(created)}`;
    }
    if (k.types && k.typeMember) {
      const type = r.pick(Object.keys(k.types));
      body[k.typeMember] = type;
      if (k.typeName) body[k.typeName] = k.types[type];
    }
    for (const [member, value] of Object.entries(k.set ?? {})) body[member] = value;
    if (options.parent && k.parent) {
      body[k.parent.member] = options.parent.body.UID ?? options.parent.id;
      for (const member of k.parent.inherit ?? []) body[member] = options.parent.body[member];
    }
    if (has(m.created)) setMember(body, m.created, new Date(created).toISOString());
    const record: SimRecord = { kind, id, body, children: [], version: 0 };
    if (options.parent) record.parent = options.parent;
    if (running) this.phase(record, "running", Math.max(created, this.options.now));
    else this.finish(record, result, Math.min(ended, options.until ?? ended, options.parent?.stopAt ?? ended));
    // Links: the template's, pointing at this mock, this record and its job.
    this.relink(body, rename);
    Object.assign(body, options.overrides ?? {});
    if (options.check) {
      try {
        this.check(kind, body);
      } catch (error) {
        // Refused before it is held: the next session gets the id this one would have had.
        this.counter = counter;
        throw error;
      }
    }
    this.add(record);
    // Children, whose results add up to the parent's.
    for (const [childKind, ck] of Object.entries(this.profile.kinds)) {
      if (ck.parent?.kind !== kind) continue;
      const [min, max] = ck.parent.count ?? [1, 3];
      const n = r.int(min, max);
      for (let i = 0; i < n; i++) {
        const childResult = i === 0 ? result : r.weighted({ [result]: 1, [Object.keys(this.profile.results)[0]!]: 3 });
        this.create(childKind, {
          // Starts within its session (a few seconds in) and, once done, ends by the session's end.
          created: created + Math.min(r.int(5, 60) * 1000, durationMs / 2),
          running,
          result: childResult,
          parent: record,
          ...(running ? {} : { until: ended }),
          ...(jobName ? { job: jobName } : {}),
        });
      }
    }
    return record;
  }

  private jobName(k: KindProfile, parent: SimRecord | undefined): string | undefined {
    if (parent) {
      const member = this.profile.kinds[parent.kind]?.job?.member ?? this.membersOf(parent.kind).job;
      return member && typeof parent.body[member] === "string" ? parent.body[member] : undefined;
    }
    if (!k.job || k.job.member === "none") return k.job ? this.random.pick(k.job.names) : undefined;
    return `${this.random.pick(k.job.names)}${k.job.suffix ? ` ${k.job.suffix}` : ""}`;
  }

  /**
   * Throws a {@link SimDataError} when `body` does not fit the schema of `kind`, or the API's XML
   * cannot carry it; `where` names the session in the message (`sessions.update BackupJobSession 12`).
   */
  check(kind: string, body: Json, where?: string): void {
    const found = schemaProblem(this.model, this.model.schema(kind), body);
    if (found) throw new SimDataError({ kind, member: found.path, reason: found.reason, ...(where ? { where } : {}) });
    if (!this.options.xml) return;
    try {
      this.options.xml.encode(body, kind);
    } catch (error) {
      // An XmlError names the member (`path`) and says why without it (`reason`).
      const e = error as { path?: unknown; reason?: unknown; message?: unknown };
      throw new SimDataError({
        kind,
        member: typeof e.path === "string" ? e.path : "",
        reason: `cannot be written as XML: ${String(typeof e.reason === "string" ? e.reason : e.message)}`,
        ...(where ? { where } : {}),
      });
    }
  }

  /** The id of a template or record body: its `id`, else the last path segment of its `Href`. */
  idOf(body: Json): string | undefined {
    if (typeof body.id === "string") return body.id;
    if (typeof body.Href === "string") return body.Href.split("?")[0]!.split("/").pop();
    return undefined;
  }

  /** Sets the members of a phase (running, stopping, finished, stopped). */
  phase(record: SimRecord, phase: keyof SimulatorProfile["phases"], since: number): void {
    const schema = this.model.schema(record.kind);
    const m = this.membersOf(record.kind);
    const body = record.body;
    const has = (member: string | undefined): member is string => !!memberSchema(this.model, schema, member);
    for (const [member, value] of Object.entries(this.profile.phases[phase] ?? {}))
      if (has(member)) setMember(body, member, allowed(this.model, schema, member, value));
    if (phase === "running" || phase === "stopping") {
      if (has(m.ended)) deleteMember(body, m.ended);
      if (has(m.progress)) setMember(body, m.progress, this.random.int(5, 95));
      if (has(m.failure)) deleteMember(body, m.failure);
      const created = Date.parse(text(getMember(body, m.created)));
      if (has(m.duration)) setMember(body, m.duration, timeSpan(Math.max(0, since - created)));
    }
    this.changed(record);
  }

  /** Counts a change of a record: a new version, and the next update sequence number. */
  changed(record: SimRecord): void {
    record.version++;
    const usn = this.membersOf(record.kind).usn;
    if (usn && memberSchema(this.model, this.model.schema(record.kind), usn)) setMember(record.body, usn, ++this.usn);
  }

  /** Ends a record with `result` at `at`. */
  finish(record: SimRecord, result: string, at: number, phase: "finished" | "stopped" = "finished"): void {
    const schema = this.model.schema(record.kind);
    const has = (member: string | undefined): member is string => !!memberSchema(this.model, schema, member);
    const m = this.membersOf(record.kind);
    const body = record.body;
    if (has(m.result)) setMember(body, m.result, allowed(this.model, schema, m.result, result));
    this.phase(record, phase, at);
    if (has(m.ended)) setMember(body, m.ended, new Date(at).toISOString());
    if (has(m.progress)) setMember(body, m.progress, 100);
    const created = Date.parse(text(getMember(body, m.created)));
    if (has(m.duration)) setMember(body, m.duration, timeSpan(at - created));
    if (has(m.failure)) {
      const failed = /fail|error/i.test(text(getMember(body, m.result)));
      if (phase === "finished" && failed && this.profile.failures?.length)
        setMember(body, m.failure, this.random.pick(this.profile.failures));
      else if (phase === "finished") deleteMember(body, m.failure);
    }
  }

  /** Points every link at the mock and renames the template's ids, names and job UIDs in them. */
  private relink(body: Json, rename: Map<string, string>): void {
    for (const k of ["Links", "_links"]) if (k in body) body[k] = rebaseUrls(body[k], this.options.base, rename);
  }

  add(record: SimRecord): void {
    this.byKind.get(record.kind)!.set(record.id, record);
    if (typeof record.body.UID === "string") this.byUid.set(record.body.UID.toLowerCase(), record);
    record.parent?.children.push(record);
  }

  get(kind: string, id: string): SimRecord | undefined {
    const records = this.byKind.get(kind);
    return records?.get(id) ?? records?.get(id.toLowerCase());
  }

  all(kind: string): SimRecord[] {
    return [...(this.byKind.get(kind)?.values() ?? [])];
  }

  clear(): void {
    for (const records of this.byKind.values()) records.clear();
    this.byUid.clear();
    this.counter = 0;
    this.usn = 0;
    this.random = createRandom(this.options.seed);
    this.jobs.clear();
  }
}
