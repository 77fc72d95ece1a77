// The simulator's HTTP server (node:http): routes a request to its operation, checks the
// session or token, applies the faults, runs the operation's behaviour, negotiates the media
// type, encodes the answer (XML through @veeam-sessions/xml, JSON with the API's nulls and
// casing) and checks it against the contract before it leaves (the guard).
import { createHash } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { isObject, type Json } from "@veeam-sessions/spec";
import { toCamel } from "@veeam-sessions/spec/casing";
import { createXmlCodec, type XmlCodec } from "@veeam-sessions/xml";
import type { ContractValidator } from "@veeam-sessions/contract";
import { checkBody, checkUrl, readBody, refuse, type Refusal } from "../guard.js";
import { negotiate } from "../negotiate.js";
import type { Exchange } from "../front.js";
import type { Violation } from "../violations.js";
import type { ApiName } from "../spec.js";
import { SimError, type Behaviour, type Call, type Reply } from "./behaviour.js";
import { rebaseUrls } from "./urls.js";
import { isJson, isXml, type SimOperation, type SpecModel } from "./model.js";
import type { SimulatorProfile } from "./profile.js";
import type { SimRecord } from "./dataset.js";
import type { Random } from "./random.js";

/** Faults for resilience tests; change them at any time (`mock.faults.errorRate = 0.1`). */
export interface Faults {
  /** Added before every answer (ms). */
  latencyMs?: number;
  /** Share of requests (0–1) answered 500 with the API's error body. */
  errorRate?: number;
  /** Share of requests (0–1) whose connection is dropped without an answer. */
  dropRate?: number;
  /** Bodies are sent in 8 chunks spread over this many ms. */
  slowBodyMs?: number;
}

export interface SimServerOptions {
  api: ApiName;
  model: SpecModel;
  profile: SimulatorProfile;
  behaviour: Behaviour;
  /** Faults' dice (seeded: a run is repeatable). */
  random: Random;
  faults: Faults;
  /** Answer JSON camelCased (EM 13). */
  camelJson: boolean;
  /** Checks every answer against the contract (the guard); undefined: no guard. */
  validator: ContractValidator | undefined;
  onExchange?: ((exchange: Exchange) => void) | undefined;
  /** Called for every contract violation the guard finds (the CLI prints them). */
  onViolation?: ((exchange: Exchange) => void) | undefined;
  base: () => string;
  /** The time, ms since the epoch (default `Date.now`). */
  clock?: () => number;
}

const GUARD_CACHE = 4096;

/** A record's encoded answer, and what the record was when it was encoded. */
interface EncodedRecord {
  version: number;
  members: [string, unknown][];
  text: string;
}

export function createSimServer(o: SimServerOptions): http.Server & { violations: () => number } {
  const { model, profile } = o;
  const doc = model.doc;
  const codec: XmlCodec = createXmlCodec(doc);
  const checked = new Map<string, Violation[]>();
  const encoded = new WeakMap<SimRecord, Map<string, EncodedRecord>>();
  let violationCount = 0;
  const schemes = ((doc.components as Json | undefined)?.securitySchemes ?? {}) as Record<string, Json>;
  const apiKeys = Object.values(schemes).filter((s) => s.type === "apiKey");

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const bad = checkUrl(req.url ?? "/");
    const refused = (refusal: Refusal) => {
      refuse(res, doc, req, refusal);
      report(req, refusal.status, String(res.getHeader("content-type")), started, []);
    };
    if (bad) return void (req.resume(), refused(bad));
    void readBody(req).then(
      async (body) => {
        if (body === undefined) return refused({ status: 413, message: "The request body is too large." });
        const badBody = checkBody(req.headers["content-type"], body);
        if (badBody) return refused(badBody);
        await handle(req, res, body, started);
      },
      (error: unknown) => fail(res, error),
    );
  });

  function fail(res: ServerResponse, error: unknown) {
    // A bug of ours answers 500 and the server stays up.
    console.error(`veeam-mock: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (!res.headersSent)
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("veeam-mock: internal error\n");
    else res.destroy();
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer, started: number) {
    const f = o.faults;
    if (f.dropRate && o.random.next() < f.dropRate) {
      req.socket.destroy();
      report(req, 0, undefined, started, []);
      return;
    }
    if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
    const now = (o.clock ?? Date.now)();
    const url = new URL(req.url ?? "/", "http://sim");
    const method = (req.method ?? "GET").toUpperCase();
    const found = model.match(method === "HEAD" ? "GET" : method, url.pathname);
    let op: SimOperation | undefined;
    let reply: Reply;
    try {
      if (!("params" in found)) {
        op = found.op;
        throw new SimError(
          found.status,
          found.status === 405
            ? `The method ${method} is not allowed for ${url.pathname}.`
            : `The resource ${url.pathname} was not found.`,
        );
      }
      op = found.op;
      const query = new Map<string, string[]>();
      for (const [k, v] of url.searchParams) query.set(k.toLowerCase(), [...(query.get(k.toLowerCase()) ?? []), v]);
      const call: Call = { op, params: found.params, query, url: req.url ?? "/", body, headers: req.headers, now };
      if (op.secured) {
        const principal = o.behaviour.authenticate(credential(req), now);
        if (!principal)
          throw new SimError(401, "Authentication is required, or the session has expired: log on again.");
        call.principal = principal;
      }
      if (f.errorRate && o.random.next() < f.errorRate)
        throw new SimError(500, "Simulated server error (--error-rate).");
      o.behaviour.settle(now);
      const handler = o.behaviour.handlers.get(op.id);
      reply = handler ? handler(call) : { status: Number(model.success(op)), example: true };
    } catch (error) {
      if (!(error instanceof SimError)) throw error;
      reply = errorReply(op, error, url.pathname);
    }
    send(req, res, op, reply, started);
  }

  /** The session token or bearer token of a request. */
  function credential(req: IncomingMessage): string | undefined {
    const bearer = /^bearer\s+(\S+)/i.exec(String(req.headers.authorization ?? ""))?.[1];
    if (bearer) return bearer;
    for (const s of apiKeys) {
      const name = String(s.name);
      if (s.in === "header") {
        const v = req.headers[name.toLowerCase()];
        if (typeof v === "string" && v) return v;
      } else if (s.in === "cookie") {
        for (const part of String(req.headers.cookie ?? "").split(";")) {
          const [k, ...v] = part.trim().split("=");
          if (k === name && v.length) return v.join("=");
        }
      }
    }
    return undefined;
  }

  /** The API's error body for `error.status`, from the operation's documented example. */
  function errorReply(op: SimOperation | undefined, error: SimError, path: string): Reply {
    // The error body of the operation for that status; else of any operation that documents it
    // (an unknown path, a method the path lacks: 405), else any operation's 400 with this status.
    const candidates = [op, ...model.operations];
    const any =
      candidates.find((x) => model.errorStatus(x, error.status)) ?? candidates.find((x) => model.errorStatus(x, 400));
    const status = model.errorStatus(any, error.status) ?? model.errorStatus(any, 400);
    const type = status ? model.mediaTypes(any!, status).find(isJson) : undefined;
    const template = status && type ? model.responseExample(any!, status, type) : undefined;
    const body: Json = isObject(template) ? structuredClone(template) : {};
    body[profile.errors.message] = error.message;
    if (profile.errors.status) body[profile.errors.status] = error.status;
    // problem+json's `instance`: the path of this request.
    if ("instance" in body) body.instance = path;
    const headers: Record<string, string> = {};
    if (error.status === 401 && op?.basic) headers["www-authenticate"] = 'Basic realm="RestSvc"';
    return {
      status: error.status,
      body: JSON.parse(JSON.stringify(body)) as Json,
      schema: schemaName(any, status),
      headers,
      ...(any && status ? { from: { op: any, status } } : {}),
    };
  }

  function schemaName(op: SimOperation | undefined, status: string | undefined): string | undefined {
    if (!op || !status) return undefined;
    for (const c of Object.values((op.responses.get(status)?.content ?? {}) as Record<string, Json>)) {
      const ref = (c.schema as Json | undefined)?.$ref;
      if (typeof ref === "string") return ref.split("/").pop();
    }
    return undefined;
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    op: SimOperation | undefined,
    reply: Reply,
    started: number,
  ) {
    const headers: http.OutgoingHttpHeaders = { ...reply.headers };
    let payload: Buffer | undefined;
    let mediaType: string | undefined;
    const statusKey = op ? (model.errorStatus(op, reply.status) ?? String(reply.status)) : String(reply.status);
    if (reply.body !== undefined || reply.example) {
      const offers = reply.from
        ? model.mediaTypes(reply.from.op, reply.from.status)
        : op
          ? model.mediaTypes(op, statusKey)
          : [];
      mediaType = negotiate(req.headers.accept || "*/*", offers) ?? offers[0] ?? "application/json";
      payload = Buffer.from(encode(op, reply, statusKey, mediaType));
      headers["content-type"] = isJson(mediaType) || isXml(mediaType) ? `${mediaType}; charset=utf-8` : mediaType;
    }
    // The contract checks JSON and XML bodies (a CSV export is passed as it is).
    const checkable = !mediaType || isJson(mediaType) || isXml(mediaType);
    // An answer the operation does not document (a 405, a 404 for a path no operation has)
    // borrows another operation's error body: nothing of this operation to check it against.
    const documented =
      !!op && model.errorStatus(op, reply.status) !== undefined && (!reply.from || reply.from.op === op);
    const violations =
      o.validator && op && checkable && documented ? guard(o.validator, op, reply.status, mediaType, payload) : [];
    if (violations.length) headers["x-veeam-mock-violations"] = String(violations.length);
    if (payload && reply.status !== 204) headers["content-length"] = payload.length;
    res.writeHead(reply.status, headers);
    const exchangeViolations = violations;
    const done = () => {
      const exchange = report(req, reply.status, mediaType, started, exchangeViolations);
      if (exchangeViolations.length) o.onViolation?.(exchange);
    };
    const slow = o.faults.slowBodyMs;
    if (!payload || req.method === "HEAD" || !slow) {
      res.end(req.method === "HEAD" ? undefined : payload);
      return done();
    }
    const chunks = 8;
    const size = Math.ceil(payload.length / chunks);
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      const part = payload.subarray(i * size, (i + 1) * size);
      i++;
      if (i >= chunks) {
        res.end(part);
        done();
      } else {
        res.write(part);
        setTimeout(next, slow / chunks);
      }
    };
    next();
  }

  function encode(op: SimOperation | undefined, reply: Reply, statusKey: string, mediaType: string): string {
    if (reply.example && op) {
      const value = model.responseExample(op, statusKey, mediaType);
      if (typeof value === "string")
        return value.replace(/https?:\/\/[^/\s"'<>]+(?=\/api\b)/gi, new URL(o.base()).origin);
      const json = rebaseUrls(structuredClone(value ?? {}), o.base());
      return JSON.stringify(o.camelJson && isJson(mediaType) ? toCamel(json) : json);
    }
    const schema = reply.schema ?? (op ? schemaName(op, statusKey) : undefined);
    const record = reply.record && reply.record.body === reply.body ? reply.record : undefined;
    const what = `${op?.id ?? "?"} ${reply.status}`;
    if (!record) return encodeBody(reply.body, schema, mediaType, what);
    // A record's answer is encoded once per media type and schema while the record is unchanged:
    // same version (every change through the dataset or `mock.sessions.update`) and the same
    // top-level members (a body changed in place through `mock.sessions.get`).
    const key = `${mediaType} ${schema ?? ""}`;
    let entries = encoded.get(record);
    if (!entries) encoded.set(record, (entries = new Map<string, EncodedRecord>()));
    const hit = entries.get(key);
    if (hit && hit.version === record.version && sameMembers(hit.members, record.body)) return hit.text;
    const text = encodeBody(reply.body, schema, mediaType, what);
    entries.set(key, { version: record.version, members: Object.entries(record.body), text });
    return text;
  }

  function encodeBody(body: unknown, schema: string | undefined, mediaType: string, what: string): string {
    if (isXml(mediaType)) {
      if (!schema) throw new Error(`no schema to encode the XML answer of ${what} with`);
      return codec.encode(body, schema);
    }
    let value = body;
    if (profile.jsonNulls && schema) value = withNulls(model, value, model.schema(schema));
    if (o.camelJson) value = toCamel(value);
    return JSON.stringify(value);
  }

  function guard(
    validator: ContractValidator,
    op: SimOperation,
    status: number,
    mediaType: string | undefined,
    payload: Buffer | undefined,
  ): Violation[] {
    const text = payload?.toString("utf8") ?? "";
    // Keyed by a digest of the answer, not its text: 4096 pages of 100 sessions would hold 600 MB.
    const key = `${op.id} ${status} ${mediaType ?? ""} ${createHash("sha1").update(text).digest("base64")}`;
    let found = checked.get(key);
    if (!found) {
      const result = validator.validateResponse({
        api: o.api,
        operationId: op.id,
        status,
        ...(mediaType ? { mediaType } : {}),
        body: text,
        ...(o.camelJson ? { casing: "camel" as const } : {}),
      });
      // Strict about what it produces: drift (a value the spec does not list, a member, element
      // or attribute it does not name, XML out of order) is a finding too, as a warning.
      found = [
        ...result.errors.map((e) => ({ e, severity: "error" as const })),
        ...result.warnings.map((e) => ({ e, severity: "warning" as const })),
      ].map(({ e, severity }) => ({
        location: `response.body${e.instancePath.replace(/\//g, ".")}`,
        severity,
        message: e.message,
        code: e.code ?? e.keyword,
      }));
      if (checked.size >= GUARD_CACHE) checked.delete(checked.keys().next().value!);
      checked.set(key, found);
    }
    violationCount += found.length;
    return found;
  }

  function report(
    req: IncomingMessage,
    status: number,
    mediaType: string | undefined,
    started: number,
    violations: Violation[],
  ) {
    const exchange: Exchange = {
      api: o.api,
      method: req.method ?? "GET",
      url: req.url ?? "/",
      status,
      mediaType: mediaType?.split(";")[0]?.trim(),
      ms: performance.now() - started,
      violations,
    };
    o.onExchange?.(exchange);
    return exchange;
  }

  server.keepAliveTimeout = 5000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.on("clientError", (_error, socket: Socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  return Object.assign(server, { violations: () => violationCount });
}

/** Whether `body` has exactly these members, in this order, with these (identical) values. */
function sameMembers(members: [string, unknown][], body: Json): boolean {
  let i = 0;
  for (const name in body) {
    const m = members[i++];
    if (!m || m[0] !== name || m[1] !== body[name]) return false;
  }
  return i === members.length;
}

/**
 * The JSON a .NET server writes for a value: every member the schema declares that may be
 * `null` and is absent comes as `null` (the XML form omits it). Walks nested objects and arrays.
 */
export function withNulls(model: SpecModel, value: unknown, schema: Json | undefined, depth = 0): unknown {
  if (!schema || depth > 12 || value === null || typeof value !== "object") return value;
  const plan = planOf(model, schema);
  if (!plan) return value;
  if (Array.isArray(value)) return plan.items ? value.map((v) => withNulls(model, v, plan.items, depth + 1)) : value;
  if (!plan.props) return value;
  const out: Json = { ...(value as Json) };
  for (const [name, p, isNullable] of plan.props) {
    if (name in out) out[name] = withNulls(model, out[name], p, depth + 1);
    else if (isNullable) out[name] = null;
  }
  return out;
}

/** What withNulls needs of a schema, worked out once per schema node (the document does not change). */
interface NullsPlan {
  items: Json | undefined;
  /** Each declared member: name, schema, whether it may be null. */
  props: Array<[string, Json, boolean]> | undefined;
}
const plans = new WeakMap<SpecModel, WeakMap<Json, NullsPlan | null>>();

function planOf(model: SpecModel, schema: Json): NullsPlan | undefined {
  let byNode = plans.get(model);
  if (!byNode) plans.set(model, (byNode = new WeakMap()));
  let plan = byNode.get(schema);
  if (plan === undefined) {
    const s = resolve(model, schema);
    const props = s?.properties as Record<string, Json> | undefined;
    plan = s
      ? {
          items: s.items as Json | undefined,
          props:
            props && Object.entries(props).map(([name, p]): [string, Json, boolean] => [name, p, nullable(model, p)]),
        }
      : null;
    byNode.set(schema, plan);
  }
  return plan ?? undefined;
}

function resolve(model: SpecModel, schema: Json | undefined, depth = 0): Json | undefined {
  if (!schema || depth > 8) return undefined;
  if (typeof schema.$ref === "string") return resolve(model, model.schema(schema.$ref.split("/").pop()!), depth + 1);
  const alts = ((schema.anyOf ?? schema.oneOf) as Json[] | undefined)?.filter((a) => a.type !== "null");
  if (alts?.length === 1) return resolve(model, alts[0], depth + 1);
  return schema;
}

function nullable(model: SpecModel, p: Json, depth = 0): boolean {
  if (depth > 8) return false;
  if (Array.isArray(p.type) && p.type.includes("null")) return true;
  if (p.type === "null") return true;
  if (typeof p.$ref === "string") {
    const target = model.schema(p.$ref.split("/").pop()!);
    return target ? nullable(model, target, depth + 1) : false;
  }
  return ((p.anyOf ?? p.oneOf) as Json[] | undefined)?.some((a) => nullable(model, a, depth + 1)) ?? false;
}
