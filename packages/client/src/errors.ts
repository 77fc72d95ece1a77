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
  | "malformed" // the body could not be parsed (bad JSON, bad or hostile XML, invalid UTF-8)
  | "usage"; // the call or the options are invalid (a path parameter `..`, a CR/LF in a header value): nothing was sent

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
 * URL-encoded (either hex case, some characters or all), form-encoded, base64 (padded, unpadded,
 * base64url, and inside a longer base64 text at any of the three byte alignments, such as
 * the base64 of `user:password`), JSON-escaped (`\/`, `\"`, `\uXXXX` in either case) and
 * XML-escaped (named entities, `&#115;` and `&#x73;` character references). The escaped forms
 * are matched character by character, so a secret escaped only in part is found as well.
 * Secrets shorter than 4 characters (short passwords) are replaced only as whole words, so
 * that a password "pw" does not turn every "pw" inside other words into `[redacted]`.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const pattern = patternOf(secrets);
  return pattern ? text.replace(pattern, "[redacted]") : text;
}

/** Every base64 form of `secret` (see `redact`), longest first. */
export function secretForms(secret: string): readonly string[] {
  const set = new Set<string>();
  const bytes = Buffer.from(secret, "utf8");
  const b64 = bytes.toString("base64");
  set.add(b64);
  set.add(b64.replace(/=+$/, ""));
  set.add(bytes.toString("base64url"));
  // Inside a longer base64 text (the bare base64 of `user:password`, a token in a JWT) the
  // secret's characters depend on where it starts relative to the 3-byte groups: for each of
  // the three alignments, the whole groups that only the secret's bytes make up.
  for (let skip = 0; skip < 3; skip++) {
    const rest = bytes.subarray(skip);
    const whole = rest.subarray(0, rest.length - (rest.length % 3));
    if (whole.length < 3) continue;
    set.add(whole.toString("base64"));
    set.add(whole.toString("base64url"));
  }
  set.delete("");
  return [...set].sort((a, b) => b.length - a.length);
}

const NAMED: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const JSON_SHORT: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "/": "\\/",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** Hex digits of `n` as a pattern that accepts either case (`e9` → `[eE]9`), at least `width` digits. */
function hexPattern(n: number, width = 1): string {
  return n
    .toString(16)
    .padStart(width, "0")
    .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

/** A pattern for one character of a secret: as is, or in any escape a server may write it in. */
function charPattern(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const forms = [escapeRegExp(ch)];
  // URL- and form-encoded: each UTF-8 byte as %XX, a space as +.
  forms.push([...Buffer.from(ch, "utf8")].map((b) => `%${hexPattern(b, 2)}`).join(""));
  if (ch === " ") forms.push("\\+");
  // XML: a named entity, a decimal or hexadecimal character reference (leading zeros allowed).
  if (NAMED[ch]) forms.push(NAMED[ch]);
  forms.push(`&#0*${cp};`, `&#[xX]0*${hexPattern(cp)};`);
  // JSON: a short escape, or \uXXXX in either case (a surrogate pair above U+FFFF).
  if (JSON_SHORT[ch]) forms.push(escapeRegExp(JSON_SHORT[ch]));
  let units = "";
  for (let i = 0; i < ch.length; i++) units += `\\\\u${hexPattern(ch.charCodeAt(i), 4)}`;
  forms.push(units);
  return `(?:${forms.join("|")})`;
}

/** The escaped forms of one secret, character by character (see `redact`). */
function escapedPattern(secret: string): string {
  let out = "";
  for (const ch of secret) out += charPattern(ch);
  return out;
}

/** Whole words only, for forms shorter than 4 characters. */
const word = (pattern: string, length: number) => (length >= 4 ? pattern : `(?<![A-Za-z0-9])${pattern}(?![A-Za-z0-9])`);

const patternCache = new Map<string, RegExp>();

/**
 * One regular expression for every form of every secret, longest secret first (a longer
 * secret that contains a shorter one is replaced whole). Cached by the set of secrets.
 */
function patternOf(secrets: Iterable<string>): RegExp | null {
  const list = [...new Set(secrets)].filter((s) => s !== "").sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  if (list.length === 0) return null;
  const key = list.join("\u0000");
  const cached = patternCache.get(key);
  if (cached !== undefined) return cached;
  const branches: string[] = [];
  for (const secret of list) {
    // Base64 forms first: at the same position they are at least as long as the secret's own.
    for (const form of secretForms(secret)) branches.push(word(escapeRegExp(form), form.length));
    branches.push(word(escapedPattern(secret), secret.length));
  }
  const pattern = new RegExp(branches.join("|"), "g");
  if (patternCache.size > 200) patternCache.clear();
  patternCache.set(key, pattern);
  return pattern;
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
