/** What went wrong, so callers can branch without parsing messages. */
export type VeeamErrorKind =
  | "http" // the server answered with an error status; `body` is its parsed error document
  | "auth" // logon failed, or a request was refused again right after logging on again
  | "network" // no answer: connection refused, reset, DNS…
  | "timeout" // no answer within `timeoutMs`
  | "aborted" // the caller's AbortSignal fired
  | "redirect" // a redirect to another origin (refused: credentials stay with the configured origin), or too many
  | "too-large" // the body is larger than `maxResponseBytes`
  | "media-type" // the answer's Content-Type is not one the operation offers
  | "malformed"; // the body could not be parsed (bad JSON, bad or hostile XML)

export interface VeeamApiErrorInit {
  kind: VeeamErrorKind;
  message: string;
  status?: number | undefined;
  operationId?: string | undefined;
  method?: string | undefined;
  url?: string | undefined;
  body?: unknown;
  raw?: string | undefined;
  mediaType?: string | undefined;
  cause?: unknown;
}

/**
 * Every failure of the clients. It keeps the status, the operation, the URL and the raw body,
 * and never a password, session id or token: they are replaced by `[redacted]` wherever the
 * client knows them (message, URL, raw and parsed body).
 */
export class VeeamApiError extends Error {
  override readonly name = "VeeamApiError";
  readonly kind: VeeamErrorKind;
  readonly status: number | undefined;
  readonly operationId: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  /** The parsed error document: EM `Error` (from XML or JSON) or Azure problem+json. */
  readonly body: unknown;
  /** The body exactly as received (secrets redacted). */
  readonly raw: string | undefined;
  readonly mediaType: string | undefined;

  constructor(init: VeeamApiErrorInit, secrets: Iterable<string> = []) {
    const list = [...secrets];
    super(redact(init.message, list), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.operationId = init.operationId;
    this.method = init.method;
    this.url = init.url === undefined ? undefined : redact(safeUrl(init.url), list);
    this.body = redactValue(init.body, list);
    this.raw = init.raw === undefined ? undefined : redact(init.raw, list);
    this.mediaType = init.mediaType;
  }
}

/** Removes user info from a URL; secrets in path or query are handled by `redact`. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Replaces every secret with `[redacted]`, in each form a server may echo it back: as is,
 * URL-encoded (either hex case), form-encoded, base64 (padded, unpadded, base64url),
 * JSON-escaped (also with \\uXXXX for non-ASCII and HTML-sensitive characters) and XML-escaped.
 * Forms shorter than 4 characters (short passwords) are replaced only as whole words, so that a
 * password "pw" does not turn every "pw" inside other words into `[redacted]`.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const form of formsOf(secrets)) {
    if (form.length >= 4) {
      if (out.includes(form)) out = out.split(form).join("[redacted]");
    } else if (out.includes(form)) {
      out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`, "g"), "[redacted]");
    }
  }
  return out;
}

const formCache = new Map<string, readonly string[]>();

/** Every encoded form of `secret` (see `redact`), longest first. */
export function secretForms(secret: string): readonly string[] {
  let forms = formCache.get(secret);
  if (forms) return forms;
  const set = new Set<string>([secret]);
  const url = encodeURIComponent(secret);
  set.add(url);
  set.add(url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  set.add(new URLSearchParams({ s: secret }).toString().slice(2));
  const bytes = Buffer.from(secret, "utf8");
  const b64 = bytes.toString("base64");
  set.add(b64);
  set.add(b64.replace(/=+$/, ""));
  set.add(bytes.toString("base64url"));
  const json = JSON.stringify(secret).slice(1, -1);
  set.add(json);
  set.add(json.replace(/[^\x20-\x7e]|[<>&'+]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  set.add(
    secret
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;"),
  );
  set.delete("");
  forms = [...set].sort((a, b) => b.length - a.length);
  if (formCache.size > 1000) formCache.clear();
  formCache.set(secret, forms);
  return forms;
}

function formsOf(secrets: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const s of secrets) if (s) for (const f of secretForms(s)) all.add(f);
  return [...all].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (secrets.length === 0 || value === undefined || value === null) return value;
  if (typeof value === "string") return redact(value, secrets);
  if (typeof value !== "object" || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [redact(k, secrets), redactValue(v, secrets, depth + 1)]),
  );
}
