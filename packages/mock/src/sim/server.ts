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
import { checkBody, checkUrl, clientErrorStatus, parseTarget, readBody, type Refusal } from "../guard.js";
import { negotiate } from "../negotiate.js";
import type { Exchange } from "../front.js";
import type { Violation } from "../violations.js";
import type { ApiName } from "../spec.js";
import { SimError, type Behaviour, type Call, type Reply } from "./behaviour.js";
import { rebaseUrls } from "./urls.js";
import { Revisions } from "./revisions.js";
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
  /** Values no log line may show besides the request's own credentials (the users' passwords). */
  secrets?: () => string[];
  /** node:http's timeouts (tests shorten them): headers, the whole request, how often they are checked. */
  timeouts?: { headersMs?: number; requestMs?: number; checkMs?: number };
}

const GUARD_CACHE = 4096;
/** The message of a 500 for a bug of ours; the details go to stderr, not to the client. */
const INTERNAL_ERROR = "The simulator failed to answer this request (an internal error; see its log).";

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
  const revisions = profile.revisions ? new Revisions(model, profile.revisions) : undefined;

  // Sockets with a response under way: a 'clientError' on one whose answer has begun must not
  // write a second status line into it (node's own handler checks the same).
  const responding = new WeakMap<Socket, ServerResponse>();
  // Sockets the 'clientError' handler answered (408 for a body not complete in time): the
  // request still waiting for its body is reported with that status.
  const answeredRaw = new WeakMap<Socket, number>();
  const timeouts = o.timeouts ?? {};
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersMs ?? 20_000,
      requestTimeout: timeouts.requestMs ?? 30_000,
      // How often node checks those two timeouts (its default, 30 s, would let a stalled
      // request hold its socket up to twice as long as they say).
      connectionsCheckingInterval: timeouts.checkMs ?? 1000,
    },
    (req, res) => {
      const started = performance.now();
      responding.set(req.socket, res);
      res.on("close", () => {
        if (responding.get(req.socket) === res) responding.delete(req.socket);
      });
      // A failed write shows on the socket too (the 'clientError' handler below): this only keeps
      // an 'error' event on the response from ending the process.
      res.on("error", () => res.destroy());
      // Nothing a request does may end the process: whatever throws, here or anywhere later in
      // the chain (a handler, encoding, sending), ends as a 500 and the server answers the next.
      void answer(req, res, started).catch((error: unknown) => fail(req, res, error, started));
    },
  );

  async function answer(req: IncomingMessage, res: ServerResponse, started: number) {
    const bad = checkUrl(req.url ?? "/");
    if (bad) {
      req.resume();
      return refuse(req, res, bad, started);
    }
    const body = await readBody(req);
    if (body === undefined) {
      // The client went away, or the 'clientError' handler answered it (408): nobody to answer.
      if (req.destroyed) return void report(req, answeredRaw.get(req.socket) ?? 0, undefined, started, []);
      return refuse(req, res, { status: 413, message: "The request body is too large." }, started);
    }
    const badBody = checkBody(req.headers["content-type"], body);
    if (badBody) return refuse(req, res, badBody, started);
    await handle(req, res, body, started);
  }

  /** A request refused before it reaches its operation: the API's error body for that status. */
  function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal, started: number) {
    const reply = errorReply(undefined, new SimError(refusal.status, refusal.message), pathOf(req));
    // The rest of an oversized body is not read: the connection cannot be reused.
    if (refusal.status === 413) reply.headers = { ...reply.headers, connection: "close" };
    send(req, res, undefined, reply, started);
  }

  function fail(req: IncomingMessage, res: ServerResponse, error: unknown, started: number) {
    try {
      logFailure(req, undefined, error);
      // Answered already (a callback of the user's failed after the answer left): nothing to add.
      if (res.writableEnded) return;
      // Part of an answer is out: the client must see it cut short, not a broken body.
      if (res.headersSent) return void res.destroy();
      const path = pathOf(req);
      try {
        send(req, res, undefined, errorReply(undefined, new SimError(500, INTERNAL_ERROR), path), started);
      } catch {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("veeam-mock: internal error\n");
        report(req, 500, "text/plain", started, []);
      }
    } catch {
      res.destroy();
    }
  }

  /**
   * A line on stderr for a bug of ours (or a record changed in place that cannot be encoded).
   * Neither the request line nor its headers are written: they may carry a session id, a token
   * or a password, and so may the error's text, from which every credential the request sent
   * is cut out.
   */
  function logFailure(req: IncomingMessage, body: Buffer | undefined, error: unknown) {
    let text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    for (const secret of secretsOf(req, body).sort((a, b) => b.length - a.length))
      text = text.split(secret).join("[redacted]");
    const what = matchOf(req)?.id ?? "a request";
    console.error(`veeam-mock: ${o.api}: internal error answering ${req.method ?? "GET"} ${what} (500): ${text}`);
  }

  /** Every credential a request carries, and the users' passwords: what a log line must not show. */
  function secretsOf(req: IncomingMessage, body: Buffer | undefined): string[] {
    const found = new Set<string>(o.secrets?.() ?? []);
    const authorization = String(req.headers.authorization ?? "");
    const [scheme, value] = authorization.trim().split(/\s+/, 2);
    if (authorization) found.add(authorization);
    if (value) found.add(value);
    if (/^basic$/i.test(scheme ?? "") && value) {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      found.add(decoded);
      found.add(decoded.slice(decoded.indexOf(":") + 1));
    }
    for (const s of apiKeys) {
      const v = req.headers[String(s.name).toLowerCase()];
      if (typeof v === "string") found.add(v);
    }
    for (const part of String(req.headers.cookie ?? "").split(";")) {
      const v = part.split("=").slice(1).join("=").trim();
      if (v) found.add(v);
    }
    if (body?.length && /x-www-form-urlencoded/i.test(String(req.headers["content-type"] ?? ""))) {
      for (const [k, v] of new URLSearchParams(body.toString("latin1")))
        if (/pass|secret|token|code|assertion/i.test(k) && v) found.add(v);
    }
    // Short values would cut ordinary words out of the message: no credential is that short.
    return [...found].filter((s) => s.length >= 4);
  }

  /** The path of a request (no query), or "/" for a target that cannot be read. */
  function pathOf(req: IncomingMessage): string {
    return parseTarget(req.url ?? "/")?.pathname ?? "/";
  }

  function matchOf(req: IncomingMessage): SimOperation | undefined {
    const url = parseTarget(req.url ?? "/");
    const method = (req.method ?? "GET").toUpperCase();
    return url ? model.match(method === "HEAD" ? "GET" : method, url.pathname).op : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer, started: number) {
    const f = o.faults;
    if (f.dropRate && o.random.next() < f.dropRate) {
      req.socket.destroy();
      report(req, 0, undefined, started, []);
      return;
    }
    if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
    const method = (req.method ?? "GET").toUpperCase();
    let path = "/";
    let op: SimOperation | undefined;
    let revision: string | undefined;
    let reply: Reply;
    try {
      const now = (o.clock ?? Date.now)();
      const url = parseTarget(req.url ?? "/");
      if (!url) throw new SimError(400, "The request target is malformed.");
      path = url.pathname;
      const found = model.match(method === "HEAD" ? "GET" : method, url.pathname);
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
      // The revision header comes first: every request needs it, the token request too.
      if (revisions) {
        revision = revisions.of(req.headers);
        revisions.check(op, revision, url.pathname);
      }
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
      if (revisions && revision && reply.body !== undefined) {
        const shaped = revisions.shape(reply.body, reply.schema ?? schemaName(op, String(reply.status)), revision);
        if (shaped !== reply.body) reply = { ...reply, body: shaped };
      }
    } catch (error) {
      // A bug of ours (or of a callback such as `clock`) is the API's 500, logged without credentials.
      if (!(error instanceof SimError)) logFailure(req, body, error);
      reply = errorReply(op, error instanceof SimError ? error : new SimError(500, INTERNAL_ERROR), path);
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
    // problem+json's `title` names the status: another status's body (a 400's for a 413) gets its own.
    if (typeof body.title === "string" && status !== String(error.status))
      body.title = http.STATUS_CODES[error.status] ?? body.title;
    // problem+json's `errors` lists the example's own invalid fields (`Offset`), not this request's.
    if ("errors" in body) delete body.errors;
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

  /** The headers and body of `reply` in the media type `accept` asks for. */
  function render(accept: string | undefined, op: SimOperation | undefined, reply: Reply) {
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
      mediaType = negotiate(accept || "*/*", offers) ?? offers[0] ?? "application/json";
      payload = Buffer.from(encode(op, reply, statusKey, mediaType));
      headers["content-type"] = isJson(mediaType) || isXml(mediaType) ? `${mediaType}; charset=utf-8` : mediaType;
    }
    return { headers, payload, mediaType };
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    op: SimOperation | undefined,
    reply: Reply,
    started: number,
  ) {
    const { headers, payload, mediaType } = render(req.headers.accept, op, reply);
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
      if (exchangeViolations.length) callback("onViolation", () => o.onViolation?.(exchange));
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
        // A timer's callback is outside the request's promise chain: what it throws is caught here.
        setTimeout(() => {
          try {
            next();
          } catch (error) {
            fail(req, res, error, started);
          }
        }, slow / chunks);
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
    callback("onExchange", () => o.onExchange?.(exchange));
    return exchange;
  }

  /** Runs a callback of the user's: what it throws is printed, and the answer goes on. */
  function callback(name: string, run: () => void) {
    try {
      run();
    } catch (error) {
      console.error(`veeam-mock: ${name} threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The raw answer to a request node:http could not read (no request object, so written to the
   * socket): the API's error body for the status, in the error's first media type.
   */
  const rawAnswers = new Map<number, string>();
  function rawAnswer(status: number): string {
    let answer = rawAnswers.get(status);
    if (answer === undefined) {
      const reason = http.STATUS_CODES[status] ?? "Error";
      const message =
        status === 408
          ? "The request was not complete in time."
          : status === 431
            ? "The request's headers are too large."
            : status === 413
              ? "The request is too large."
              : "The request is malformed.";
      let head = "";
      let payload: Buffer = Buffer.alloc(0);
      try {
        const rendered = render(undefined, undefined, errorReply(undefined, new SimError(status, message), "/"));
        payload = rendered.payload ?? payload;
        head = `content-type: ${String(rendered.headers["content-type"])}\r\n`;
      } catch {
        // No error body to borrow: the status line says it all.
      }
      answer = `HTTP/1.1 ${status} ${reason}\r\n${head}content-length: ${payload.length}\r\nconnection: close\r\n\r\n${payload.toString("latin1")}`;
      rawAnswers.set(status, answer);
    }
    return answer;
  }

  server.keepAliveTimeout = 5000;
  // A request node:http cannot read (a bad request line or header, headers over 16 KiB, headers
  // or a body not complete in time) or a socket error: answered as node would (400, 431, 408,
  // 413) but with the API's error body, then the connection is closed.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    try {
      // The peer is gone, or an answer is already under way on this socket: nothing to add.
      if (error.code === "ECONNRESET" || !socket.writable || responding.get(socket)?.headersSent)
        return void socket.destroy();
      const status = clientErrorStatus(error.code);
      answeredRaw.set(socket, status);
      socket.end(Buffer.from(rawAnswer(status), "latin1"), () => socket.destroy());
    } catch {
      socket.destroy();
    }
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
