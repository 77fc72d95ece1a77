/**
 * Every failure of the codec is an {@link XmlError}. `code` is stable and meant for programs;
 * `message` is meant for people.
 */
export type XmlErrorCode =
  /** The document contains a `<!DOCTYPE`. DTDs are never processed, so they are refused outright. */
  | "DOCTYPE_FORBIDDEN"
  /** The document is not well-formed XML (or not namespace-well-formed). */
  | "MALFORMED"
  /** A character (or character reference) that XML 1.0 does not allow, e.g. `&#0;` or a lone surrogate. */
  | "INVALID_CHARACTER"
  /** Byte input that is not valid UTF-8, or an XML declaration naming another encoding. */
  | "INVALID_ENCODING"
  /** Elements nested deeper than `maxDepth`. */
  | "DEPTH_LIMIT"
  /** Input larger than `maxBytes`. */
  | "SIZE_LIMIT"
  /** The root element's local name or namespace URI is not the one the schema expects. */
  | "UNEXPECTED_ROOT"
  /** The document is well-formed but its content does not fit the schema (or, on encode, the value does not). */
  | "TYPE_MISMATCH"
  /** An element, attribute or text node the schema does not describe, with `unknown: "error"`. */
  | "UNKNOWN_NODE"
  /** The OpenAPI document or the schema reference given to the codec is unusable. */
  | "SCHEMA"
  /** A bad argument to `decode`/`encode` (input of the wrong type, invalid option). */
  | "INVALID_ARGUMENT"
  /** A bug in the codec itself. Reported as an XmlError so callers only ever need one catch. */
  | "INTERNAL";

export interface XmlErrorDetails {
  /** 1-based line; 0 when the error has no position in a document (encode, schema errors). */
  line?: number;
  /** 1-based column (UTF-16 code units); 0 when the error has no position. */
  column?: number;
  /** JSON Pointer into the decoded (or encoded) value, e.g. `/Items/3/Links/0/Href`; `""` is the root. */
  path?: string;
  /** 0-based offset into the decoded text, when known. */
  offset?: number;
  cause?: unknown;
}

export class XmlError extends Error {
  override readonly name = "XmlError";
  readonly code: XmlErrorCode;
  /** The message without the location suffix. */
  readonly reason: string;
  line: number;
  column: number;
  path: string;
  /** 0-based offset into the decoded text, or -1 when not applicable. */
  offset: number;

  constructor(code: XmlErrorCode, reason: string, details: XmlErrorDetails = {}) {
    super(reason, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.reason = reason;
    this.line = details.line ?? 0;
    this.column = details.column ?? 0;
    this.path = details.path ?? "";
    this.offset = details.offset ?? -1;
    this.message = formatMessage(this);
  }

  /** @internal Fill in line/column once the error leaves the parser. */
  locate(line: number, column: number): this {
    this.line = line;
    this.column = column;
    this.message = formatMessage(this);
    return this;
  }
}

function formatMessage(e: XmlError): string {
  let m = `${e.code}: ${e.reason}`;
  if (e.line > 0) m += ` at line ${e.line}, column ${e.column}`;
  if (e.path !== "") m += ` (path ${e.path})`;
  return m;
}

/** JSON Pointer (RFC 6901) for a list of segments. */
export function formatPath(segments: readonly (string | number)[], length = segments.length): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    const seg = segments[i];
    out += "/" + (typeof seg === "number" ? String(seg) : String(seg).replace(/~/g, "~0").replace(/\//g, "~1"));
  }
  return out;
}

/** 1-based line and column of `offset` in `text`. CRLF and lone CR count as one line break, like XML. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13 && text.charCodeAt(i + 1) !== 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
