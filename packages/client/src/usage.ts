// Checks on what a caller passes, made before anything is sent: a path parameter must stay in
// its own path segment, and a header value must be one HTTP can carry. A mistake (or a value
// taken from elsewhere, such as an id read from a server's answer) becomes a VeeamApiError of
// kind "usage", instead of a request to another resource or a TypeError that looks like a
// network failure.
import { defaultPathSerializer, type PathSerializer } from "openapi-fetch";
import { VeeamApiError } from "./errors.js";

interface Where {
  method: string;
  operationId: string | undefined;
  url: string;
}

/** A dot segment as URL parsers see it: `.` or `..`, any dot possibly written `%2e` (either case). */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
/** An HTTP header name (a token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function usage(where: Where, message: string, secrets: Iterable<string>): VeeamApiError {
  return new VeeamApiError(
    {
      kind: "usage",
      message: `${where.method} ${where.operationId ?? where.url}: ${message}; nothing was sent`,
      ...where,
    },
    secrets,
  );
}

/** The primitive values inside a path parameter (an array's items, an object's keys and values). */
function leaves(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...leaves(v)]);
  return [scalar(value)];
}

/** The text of a string, number, boolean or bigint (what a path or header value is sent as). */
function scalar(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return value.toString();
  return "";
}

/**
 * A path serializer (the caller's, else openapi-fetch's) that refuses, with kind "usage", a path
 * parameter that would not stay in its segment: missing, empty, `.` or `..` (also written with
 * `%2e`), or a serialized value with an unencoded `/`, `?` or `#`. `POST /backupSessions/{ID}`
 * with `ID: ".."` would otherwise be sent as `POST /?action=stop`: the URL parser removes dot
 * segments. openapi-fetch calls it while building the request, before any middleware or fetch.
 */
export function checkedPathSerializer(
  where: Where,
  template: string,
  secrets: Iterable<string>,
  inner: PathSerializer = defaultPathSerializer,
): PathSerializer {
  return (url, params) => {
    for (const [, name] of template.matchAll(/\{[.;]?([^}*]+)\*?\}/g)) {
      const value = params[name!];
      if (value === undefined || value === null) throw usage(where, `path parameter ${name} is missing`, secrets);
      const dot = leaves(value).find((leaf) => DOT_SEGMENT.test(leaf));
      if (dot !== undefined)
        throw usage(
          where,
          `path parameter ${name} is ${JSON.stringify(dot)}, a dot segment that would send the request to another path`,
          secrets,
        );
    }
    const out = inner(url, params);
    const base = url.slice(0, url.length - template.length);
    const rest = out.startsWith(base) ? out.slice(base.length) : undefined;
    const wanted = template.split("/");
    const got = rest?.split("/");
    if (rest === undefined || /[?#]/.test(rest) || got!.length !== wanted.length)
      throw usage(where, "a path parameter does not stay in its path segment (an unencoded /, ? or #)", secrets);
    wanted.forEach((segment, i) => {
      if (!segment.includes("{")) return;
      if (got![i] === "" || DOT_SEGMENT.test(got![i]!))
        throw usage(
          where,
          `path segment ${segment} is ${JSON.stringify(got![i])}, which would send the request to another path`,
          secrets,
        );
    });
    return out;
  };
}

/**
 * Refuses (kind "usage") a header a request cannot carry: a name that is not an HTTP token, or a
 * value with CR, LF or NUL. fetch would throw a TypeError (reported as a network failure) or, for
 * a CR/LF at either end, quietly strip it.
 */
export function checkHeaders(headers: unknown, where: Where, secrets: Iterable<string>): void {
  if (!headers || typeof headers !== "object" || headers instanceof Headers) return; // Headers already checked them
  const entries: Array<[unknown, unknown]> = Array.isArray(headers)
    ? (headers as unknown[]).map((pair) => (Array.isArray(pair) ? [pair[0], pair[1]] : [pair, undefined]))
    : Object.entries(headers);
  for (const [name, value] of entries) {
    if (typeof name !== "string" || !TOKEN.test(name))
      throw usage(where, `header name ${JSON.stringify(name)} is not a valid HTTP header name`, secrets);
    for (const v of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (v === undefined || v === null) continue;
      if (/[\r\n\0]/.test(scalar(v))) throw usage(where, `header ${name} has a CR, LF or NUL in its value`, secrets);
    }
  }
}
