// The small HTTP server users talk to. It forwards every request to Prism and reports each
// exchange, and corrects Prism where a client would otherwise see what the servers never send.
// What it does follows from the document (its MediaProfile), never from the API's name:
// - An API whose answers offer XML and JSON (negotiates), without Accept: Prism would pick
//   JSON; the server (and Prism with `*/*`) picks the first media type the spec lists.
// - Same, JSON asked for, but Prism refused the request (no session, bad parameter) and
//   answered with the first media type's example (XML): answer with the JSON twin, when the
//   examples come in XML/JSON pairs.
// - An API whose errors are application/problem+json: that answer comes whatever Accept says;
//   Prism would refuse the media type for `Prefer: code=404` and fall back to the 200 answer,
//   so Accept is widened with problem+json.
// - XML with --dynamic: Prism cannot generate XML from a schema; XML always comes from the
//   examples (`Prefer: dynamic=false`).
// - Prism's XML "body must be object" findings are dropped from `sl-violations`.
// - camelJson (`--em-json-case camel`, an API whose JSON also comes camelCased): JSON bodies
//   re-cased to EM 13's camelCase member names (camelKey from @veeam-sessions/spec/casing).
// As a proxy it changes nothing but a missing Accept (so the server picks, not Prism), and the
// request target reaches the upstream exactly as sent: Prism would resolve `..` and `%2e%2e`
// segments and re-encode the query (path.posix.join and URLSearchParams in its forwarder), so
// Prism forwards to a relay of ours on 127.0.0.1 instead, which sends the caller's own target
// and body to the upstream and hands the answer back to Prism to check.
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { isJsonMediaType, isXmlMediaType, type MediaProfile } from "@veeam-sessions/spec";
import { toCamel } from "@veeam-sessions/spec/casing";
import type { ApiName } from "./spec.js";
import { isXml, negotiate, withPreference } from "./negotiate.js";
import { dropXmlBodyFindings, parseViolations, type Violation } from "./violations.js";
import { checkBody, checkUrl, readBody, refuse, type Refusal } from "./guard.js";

export interface Exchange {
  api: ApiName;
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
  mediaType: string | undefined;
  ms: number;
  /** What Prism found wrong with the request or response (XML body findings removed). */
  violations: Violation[];
}

export interface FrontOptions {
  api: ApiName;
  mode: "mock" | "proxy";
  /** Prism's port on 127.0.0.1 (known once Prism listens). */
  prismPort: () => number;
  dynamic: boolean;
  /** What the API's document offers (negotiation, problem+json errors, twins). */
  profile: MediaProfile;
  /** Answer JSON with camelCase member names (mock mode; EM 13). */
  camelJson?: boolean;
  /** XML example body → JSON twin. */
  twins: Map<string, string>;
  onExchange?: ((exchange: Exchange) => void) | undefined;
  /** Why Prism is gone, if it is (for the 502). */
  prismExited: () => string | undefined;
  /** The API's document: its error examples shape the answer to a request Prism must not see (guard.ts). */
  doc: Record<string, unknown>;
  /**
   * Proxy mode: the real server (origin and any gateway prefix before the API's base path, as
   * splitUpstream() returns it). The front then runs the relay Prism forwards to (`relay`).
   */
  upstream?: { target: string; insecure: boolean } | undefined;
}

/**
 * The front. In proxy mode `relay()` starts the relay (once) and resolves with its URL, Prism's
 * upstream; it closes with the front.
 */
export type Front = http.Server & { agent: http.Agent; relay: (() => Promise<string>) | undefined };

/** Names the request a relayed call belongs to; the front sets it, the relay removes it. */
const RELAY_HEADER = "x-veeam-mock-relay";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-connection",
  "te",
  "trailer",
]);

function isJsonType(mediaType: string | undefined): boolean {
  const essence = mediaType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return essence === "application/json" || essence.endsWith("+json");
}

export function createFront(options: FrontOptions): Front {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  /** Requests on their way through Prism, by the id in RELAY_HEADER: what the caller sent. */
  const pending = new Map<string, { target: string; method: string; body: Buffer }>();
  const { negotiates, problemJson } = options.profile;
  // The success media types in the spec's order (XML first when the server defaults to it).
  const offers = options.profile.offers.filter((t) => isXmlMediaType(t) || isJsonMediaType(t));

  // Nothing reaches Prism that could take it down (guard.ts): a bad path, query or form body
  // gets the API's 400, an oversized body its 413; the body is read (bounded) before forwarding.
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const refused = (refusal: Refusal) => {
      refuse(res, options.doc, req, refusal);
      options.onExchange?.({
        api: options.api,
        method: req.method ?? "GET",
        url: req.url ?? "/",
        status: refusal.status,
        mediaType: String(res.getHeader("content-type")).split(";")[0],
        ms: performance.now() - started,
        violations: [],
      });
    };
    const bad = checkUrl(req.url ?? "/");
    if (bad) return void (req.resume(), refused(bad));
    void readBody(req).then((body) => {
      if (body === undefined) return refused({ status: 413, message: "The request body is too large." });
      const badBody = checkBody(req.headers["content-type"], body);
      if (badBody) return refused(badBody);
      forward(req, res, body, started);
    });
  });

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, started: number) {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP_BY_HOP.has(name) && name !== RELAY_HEADER && value !== undefined) headers[name] = value;
    const prismPort = options.prismPort();
    let id: string | undefined;
    if (options.upstream) {
      id = randomUUID();
      pending.set(id, { target: req.url ?? "/", method: req.method ?? "GET", body });
      headers[RELAY_HEADER] = id;
    }
    const done = () => id !== undefined && pending.delete(id);
    headers.host = `127.0.0.1:${prismPort}`;
    let wanted: string | undefined;
    const accept = headers.accept as string | undefined;
    const mock = options.mode === "mock";
    if (mock && problemJson && accept && !/problem\+json|\*\/\*/i.test(accept))
      headers.accept = `${accept}, application/problem+json`;
    if (negotiates) {
      if (!headers.accept) headers.accept = "*/*";
      wanted = negotiate(headers.accept as string, offers);
      if (mock && options.dynamic && !isJsonMediaType(wanted)) {
        headers.prefer = withPreference(headers.prefer as string | undefined, "dynamic", "false");
      }
    }

    delete headers["content-length"];
    if (body.length) headers["content-length"] = body.length;
    const upstream = http.request(
      { host: "127.0.0.1", port: prismPort, method: req.method, path: req.url, headers, agent },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("error", (error) => fail(error));
        answer.on("end", () => {
          done();
          let body = Buffer.concat(chunks);
          let mediaType = answer.headers["content-type"];
          const xml = isXml(mediaType);
          if (mock && negotiates && isJsonMediaType(wanted) && xml) {
            const twin = options.twins.get(body.toString("utf8").trim());
            if (twin !== undefined) {
              body = Buffer.from(twin);
              mediaType = "application/json";
            }
          }
          if (mock && options.camelJson && isJsonType(mediaType) && body.length > 0) {
            try {
              body = Buffer.from(JSON.stringify(toCamel(JSON.parse(body.toString("utf8"))), null, 2));
            } catch {
              // not JSON after all: passed on as Prism sent it
            }
          }
          const violations = dropXmlBodyFindings(parseViolations(answer.headers["sl-violations"]), xml, "response");
          const out: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (
              HOP_BY_HOP.has(name) ||
              name === "content-length" ||
              name === "content-type" ||
              name === "sl-violations" ||
              value === undefined
            )
              continue;
            out[name] = value;
          }
          if (mediaType) out["content-type"] = mediaType;
          if (violations.length)
            out["sl-violations"] = JSON.stringify(
              violations.map((v) => ({
                location: v.location.split("."),
                severity: v.severity[0]!.toUpperCase() + v.severity.slice(1),
                code: v.code,
                message: v.message,
              })),
            );
          if (answer.statusCode !== 204 && answer.statusCode !== 304) out["content-length"] = body.length;
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
          res.end(body);
          options.onExchange?.({
            api: options.api,
            method: req.method ?? "GET",
            url: req.url ?? "/",
            status: answer.statusCode ?? 502,
            mediaType: mediaType?.split(";")[0]?.trim(),
            ms: performance.now() - started,
            violations,
          });
        });
      },
    );
    upstream.on("error", fail);
    upstream.end(body.length ? body : undefined);

    function fail(error: Error) {
      done();
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      const gone = options.prismExited();
      const text = `veeam-mock: Prism ${gone ? `is not running (${gone})` : `did not answer (${error.message})`}\n`;
      res
        .writeHead(502, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) })
        .end(text);
      options.onExchange?.({
        api: options.api,
        method: req.method ?? "GET",
        url: req.url ?? "/",
        status: 502,
        mediaType: "text/plain",
        ms: performance.now() - started,
        violations: [],
      });
    }
  }
  const { upstream } = options;
  let relay: ReturnType<typeof startRelay> | undefined;
  server.on("close", () => relay?.close());
  server.keepAliveTimeout = 5000;
  // A request that never finishes (headers or body trickled, a Content-Length that lies) holds a
  // socket and a buffer: answer 408 and close after this long.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  return Object.assign(server, {
    agent,
    relay: upstream ? () => (relay ??= startRelay(upstream, pending)).url : undefined,
  });
}

/**
 * The upstream Prism forwards to: a server on 127.0.0.1 (never on the front's public address)
 * that takes each call Prism makes, finds the caller's request by its RELAY_HEADER and sends
 * that request's target, method and body to the real server, with the headers Prism sent
 * (the caller's, plus the User-Agent Prism adds when there is none). The answer goes back to
 * Prism unchanged, streamed, to be checked. A call without a known id is refused: only the
 * front knows the ids, and each is used once.
 */
function startRelay(
  upstream: { target: string; insecure: boolean },
  pending: Map<string, { target: string; method: string; body: Buffer }>,
): { url: Promise<string>; close(): void } {
  const base = new URL(upstream.target);
  const tls = base.protocol === "https:";
  // The gateway prefix before the API's base path (`/veeam` of https://gw/veeam/api), as written.
  const prefix = base.pathname.replace(/\/+$/, "");
  const agentOptions = { keepAlive: true, maxSockets: 256 };
  const agent = tls
    ? new https.Agent({ ...agentOptions, rejectUnauthorized: !upstream.insecure })
    : new http.Agent(agentOptions);
  const relay = http.createServer((req, res) => {
    const id = req.headers[RELAY_HEADER];
    const call = typeof id === "string" ? pending.get(id) : undefined;
    if (call === undefined) {
      req.resume();
      return void res.writeHead(403, { "content-type": "text/plain; charset=utf-8" }).end("not a veeam-mock call\n");
    }
    pending.delete(id as string);
    req.resume(); // the caller's own body goes upstream, not Prism's re-serialised one
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP_BY_HOP.has(name) && name !== RELAY_HEADER && name !== "content-length" && value !== undefined)
        headers[name] = value;
    headers.host = base.host;
    if (call.body.length) headers["content-length"] = call.body.length;
    const fail = (error: Error) => {
      if (res.headersSent) return void res.destroy(error);
      const text = `veeam-mock: the upstream ${base.origin} did not answer (${error.message})\n`;
      res
        .writeHead(502, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) })
        .end(text);
    };
    let out: http.ClientRequest;
    try {
      out = (tls ? https : http).request(
        {
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ""),
          port: base.port || (tls ? 443 : 80),
          method: call.method,
          path: prefix + call.target,
          headers,
          agent,
        },
        (answer) => {
          const back: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(answer.headers))
            if (!HOP_BY_HOP.has(name) && value !== undefined) back[name] = value;
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, back);
          answer.on("error", fail);
          answer.pipe(res);
        },
      );
    } catch (error) {
      // A target node refuses to send (a character it cannot put on the request line).
      return fail(error as Error);
    }
    out.on("error", fail);
    out.end(call.body.length ? call.body : undefined);
  });
  relay.keepAliveTimeout = 5000;
  const url = new Promise<string>((resolve, reject) => {
    relay.once("error", reject);
    relay.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`));
  });
  return {
    url,
    close() {
      relay.close();
      relay.closeAllConnections();
      agent.destroy();
    },
  };
}
