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
// As a proxy it changes nothing but a missing Accept (so the server picks, not Prism).
import http, { type IncomingMessage, type ServerResponse } from "node:http";
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
}

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

export function createFront(options: FrontOptions): http.Server & { agent: http.Agent } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
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
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    const prismPort = options.prismPort();
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
  server.keepAliveTimeout = 5000;
  // A request that never finishes (headers or body trickled, a Content-Length that lies) holds a
  // socket and a buffer: answer 408 and close after this long.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  return Object.assign(server, { agent });
}
