// What the front checks before a request reaches Prism, and the simulator before it reads a
// request, so that no request can take either down: a request target no URL parser reads
// (`//[`), malformed percent-encoding in the path, the query or a form body (Prism throws a
// URIError it does not catch, and exits) and bodies over a size limit. The refusal is the
// API's own error body, chosen from the spec's examples: EM's `Error` (XML or JSON by Accept)
// where the spec has `Error400`, problem+json where it has `ProblemBadRequest`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { negotiate } from "./negotiate.js";

type Json = Record<string, unknown>;

/** Request bodies larger than this are refused (413): the session APIs take small bodies. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export interface Refusal {
  status: 400 | 413;
  message: string;
}

/**
 * The request target as a URL, the way the servers here read it (relative to a dummy origin), or
 * undefined when it cannot be read at all: `//[`, `http://[x/api`. node:http passes any target
 * on, and `new URL()` throws on these.
 */
export function parseTarget(url: string): URL | undefined {
  return URL.canParse(url, "http://target") ? new URL(url, "http://target") : undefined;
}

/** Why the request target, its path or its query cannot be decoded, if it cannot. */
export function checkUrl(url: string): Refusal | undefined {
  if (!URL.canParse(url, "http://target")) return { status: 400, message: "The request target is malformed." };
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (!decodes(path)) return { status: 400, message: "The request path has malformed percent-encoding." };
  if (q >= 0 && !decodes(url.slice(q + 1).replace(/\+/g, " ")))
    return { status: 400, message: "The query string has malformed percent-encoding." };
  return undefined;
}

/** Why a request body cannot be decoded, if it cannot (only form bodies are decoded by Prism). */
export function checkBody(contentType: string | undefined, body: Buffer): Refusal | undefined {
  if (!/^\s*application\/x-www-form-urlencoded/i.test(contentType ?? "")) return undefined;
  if (!decodes(body.toString("latin1").replace(/\+/g, " ")))
    return { status: 400, message: "The form body has malformed percent-encoding." };
  return undefined;
}

function decodes(text: string): boolean {
  if (!text.includes("%")) return true;
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a request body up to `limit` bytes. Resolves with the body, or with undefined once the
 * limit is passed (the rest is drained and dropped so the connection can answer).
 */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => !over && resolve(Buffer.concat(chunks)));
    req.on("error", () => !over && resolve(undefined));
    // A request cut short (the client went away, or the server timed it out) may end with
    // neither: without this the promise would wait forever. After "end" it changes nothing.
    req.on("close", () => !over && resolve(undefined));
  });
}

/**
 * The status to answer a request node:http could not read with (its 'clientError' event), as
 * node answers when nothing listens: 431 for headers over `maxHeaderSize`, 408 for headers or a
 * body not complete within `headersTimeout` / `requestTimeout`, 413 for oversized chunk
 * extensions, 400 for anything else the parser refuses.
 */
export function clientErrorStatus(code: string | undefined): 400 | 408 | 413 | 431 {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return 431;
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return 408;
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return 413;
    default:
      return 400;
  }
}

/** The API's error body for a refused request, as the spec's examples shape it. */
export function refusalBody(
  doc: Json,
  accept: string | undefined,
  refusal: Refusal,
): { mediaType: string; body: string } {
  const examples = ((doc.components as Json | undefined)?.examples ?? {}) as Record<string, { value?: unknown }>;
  const xml = examples[`Error400.xml`]?.value;
  const json = examples[`Error400`]?.value;
  const status = refusal.status;
  if (typeof xml === "string" || (json && typeof json === "object")) {
    const wanted = negotiate(accept || "*/*", ["application/xml", "application/json"]);
    if (wanted === "application/json" && json && typeof json === "object") {
      const body = { ...(json as Json), Message: refusal.message, StatusCode: status };
      if ("Status" in body) body.Status = status === 413 ? "RequestEntityTooLarge" : "BadRequest";
      return { mediaType: "application/json; charset=utf-8", body: JSON.stringify(body) };
    }
    if (typeof xml === "string") {
      const body = xml
        .replace(/Message="[^"]*"/, `Message="${escapeXml(refusal.message)}"`)
        .replace(/StatusCode="\d+"/, `StatusCode="${status}"`);
      return { mediaType: "application/xml; charset=utf-8", body };
    }
  }
  const problem = examples.ProblemBadRequest?.value;
  const type = problem && typeof problem === "object" ? (problem as Json).type : undefined;
  const body = {
    type: typeof type === "string" ? type : "about:blank",
    title: status === 413 ? "Payload Too Large" : "Bad Request",
    status,
    detail: refusal.message,
  };
  return { mediaType: "application/problem+json; charset=utf-8", body: JSON.stringify(body) };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
}

export function refuse(res: ServerResponse, doc: Json, req: IncomingMessage, refusal: Refusal): void {
  const { mediaType, body } = refusalBody(doc, req.headers.accept, refusal);
  res.writeHead(refusal.status, {
    "content-type": mediaType,
    "content-length": Buffer.byteLength(body),
    ...(refusal.status === 413 ? { connection: "close" } : {}),
  });
  res.end(body);
}
