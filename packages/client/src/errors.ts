/** What went wrong, so callers can branch without parsing messages. */
export type VeeamErrorKind =
  | "http" // the server answered with an error status; `body` is its parsed error document
  | "auth" // logon failed, or a request was refused again right after logging on again
  | "network" // no answer: connection refused, reset, DNS…
  | "timeout" // no answer within `timeoutMs`
  | "aborted" // the caller's AbortSignal fired
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
    const list = [...secrets].filter((s) => s.length >= 4);
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

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("[redacted]");
  return out;
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0 || value === undefined || value === null) return value;
  if (typeof value === "string") return redact(value, secrets);
  if (typeof value !== "object") return value;
  return JSON.parse(
    redact(
      JSON.stringify(value),
      secrets.map((s) => JSON.stringify(s).slice(1, -1)),
    ),
  ) as unknown;
}
