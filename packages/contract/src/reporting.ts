// What a check reports, in one style for errors and warnings: where (a JSON Pointer into the
// body, "the body" for the root), what the contract says, and what was found.
import type { ErrorObject } from "ajv";
import { publicSchemaPath, type Locations } from "./ajv.js";
import { escapeToken } from "./spec.js";

/** An error (the body breaks the contract) or a warning (drift: a value or member the contract does not know yet). */
export interface ContractError {
  /** For people: where, what, and what was found. */
  message: string;
  /** JSON Pointer into the (decoded) body: `/Links/0/Href`; `""` is the body itself. */
  instancePath: string;
  /** ajv's path of the failing keyword, relative to the schema it was compiled in (`#/enum`), or a spec pointer. `""` when no schema keyword failed. */
  schemaPath: string;
  /** JSON Pointer into the bundled spec: the failing keyword (`#/components/schemas/JobSessionState/enum`), or the schema, response or operation concerned. */
  specLocation: string;
  /**
   * Why, for programs: an ajv keyword (`enum`, `required`, `type`, `const`, `pattern`, `format`, `anyOf` …);
   * `xml` (the body does not decode: see `code`), `xml-root` / `xml-namespace` (wrong root element / namespace);
   * `json` (the body is not JSON); `body` (a body where none is declared, or none where one is);
   * or a lookup failure: `api`, `operation`, `status`, `media-type` (the response is not in the contract).
   * `casing` (an EM JSON member named in the other casing style than the body's).
   * Warnings: `enum` (a value the contract does not list), `additionalProperties` (a member,
   * element or attribute it does not declare) and `xml-order` (an element out of the XSD sequence).
   */
  keyword: string;
  /**
   * The XmlError code for `xml`, `xml-root` and `xml-namespace` errors (`MALFORMED`, `DOCTYPE_FORBIDDEN`, `UNEXPECTED_ROOT` …);
   * `WRONG_CASE` for `casing` errors; and on every warning, one of `DRIFT_CODES`.
   */
  code?: string;
  /** `UNLISTED_VALUE` warnings: the value found, and the values the contract lists. */
  value?: unknown;
  allowed?: readonly unknown[];
  /** `UNKNOWN_*` warnings and `WRONG_CASE` errors: the member's, element's or attribute's name as the body has it. */
  member?: string;
  /** 1-based position of an XML decode error. */
  line?: number;
  column?: number;
}

/** A warning has the shape of an error; it only does not make the body invalid. */
export type ContractWarning = ContractError;

/**
 * The codes of warnings (drift), stable for programs:
 * - `UNLISTED_VALUE`: a value outside the values an enum lists (closed, or open: an `anyOf` of
 *   the listed values and any string); with `value` and `allowed`;
 * - `UNKNOWN_MEMBER`: a JSON member no schema declares;
 * - `UNKNOWN_ELEMENT`, `UNKNOWN_ATTRIBUTE`: an XML element or attribute the schema does not name;
 * - `OUT_OF_ORDER`: an XML child element before one the schema's property order (the XSD
 *   sequence) puts after it.
 */
export const DRIFT_CODES = [
  "UNLISTED_VALUE",
  "UNKNOWN_MEMBER",
  "UNKNOWN_ELEMENT",
  "UNKNOWN_ATTRIBUTE",
  "OUT_OF_ORDER",
] as const;

/** Keywords of errors that mean "this response is not in the contract", not "this body is wrong". */
export const LOOKUP_KEYWORDS: readonly string[] = ["api", "operation", "status", "media-type"];

export function isLookupError(error: ContractError): boolean {
  return LOOKUP_KEYWORDS.includes(error.keyword);
}

/** The longest value `show()` prints. */
const SHOW_MAX = 80;

/**
 * A value for a message: JSON, cut at 80 characters. Never throws, and reads only as much of
 * the value as it prints: an array nested 5,000 deep or a string of 60 MB costs 80 characters,
 * where JSON.stringify would overflow the stack or copy it all.
 */
export function show(v: unknown): string {
  let s: string;
  try {
    s = preview(v, SHOW_MAX + 1);
  } catch {
    // A getter or toJSON that throws: say what it is, without reading it again.
    s = Object.prototype.toString.call(v);
  }
  if (s.length <= SHOW_MAX) return s;
  let cut = SHOW_MAX - 3;
  const last = s.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // not half a surrogate pair
  return `${s.slice(0, cut)}…`;
}

/**
 * The start of `v` as JSON.stringify writes it, at least `budget` characters of it when there
 * are that many: writing stops once it has them, so the time spent and the recursion (each
 * level writes a bracket first) are bounded by the budget, not by the value (cycles included).
 */
function preview(v: unknown, budget: number): string {
  const out: string[] = [];
  let length = 0;
  const put = (text: string) => {
    out.push(text);
    length += text.length;
  };
  const quoted = (text: string) =>
    JSON.stringify(text.length > budget - length ? text.slice(0, budget - length) : text);
  const skipped = (x: unknown) => x === undefined || typeof x === "function" || typeof x === "symbol";
  const write = (x: unknown, key: string): void => {
    if (length >= budget) return;
    if (x !== null && typeof x === "object" && typeof (x as { toJSON?: unknown }).toJSON === "function")
      x = (x as { toJSON(key: string): unknown }).toJSON(key);
    if (typeof x === "string") return put(quoted(x));
    if (typeof x === "number") return put(Number.isFinite(x) ? String(x) : "null");
    if (typeof x === "bigint") return put(String(x));
    if (typeof x === "boolean") return put(x ? "true" : "false");
    if (x === null || typeof x !== "object") return put("null"); // null; nested undefined, functions, symbols
    if (Array.isArray(x)) {
      put("[");
      for (let i = 0; i < x.length && length < budget; i++) {
        if (i > 0) put(",");
        const item: unknown = x[i];
        write(skipped(item) ? null : item, String(i));
      }
      return put("]");
    }
    put("{");
    let first = true;
    for (const k of Object.keys(x)) {
      if (length >= budget) break;
      const member = (x as Record<string, unknown>)[k];
      if (skipped(member)) continue;
      put(`${first ? "" : ","}${quoted(k)}:`);
      first = false;
      write(member, k);
    }
    put("}");
  };
  // At the top, JSON.stringify writes nothing for these; the message shows them as JavaScript does.
  if (skipped(v)) return String(v);
  write(v, "");
  return out.join("");
}

/** Unicode characters that move the cursor or reorder text: C0 and C1 controls, DEL, line separators, bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- matching the control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` safe for a terminal line: every control character escaped (`\n`, `\r`, `\t`, `\x1b`,
 * `\u202e` …), so a file name or a value from a file can neither start a line of its own (a
 * forged `PASS`) nor send escape sequences (clear the screen, move the cursor). Backslashes are
 * left as they are: paths stay readable.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The message for a failing keyword at `instancePath` (ajv's params), errors and warnings alike. */
export function describe(
  keyword: string,
  instancePath: string,
  params: Record<string, unknown>,
  data: unknown,
): string {
  const where = instancePath === "" ? "the body" : instancePath;
  switch (keyword) {
    case "required":
      return `${where} lacks the required property ${show(params.missingProperty)}`;
    case "enum":
      return `${where} must be one of ${(params.allowedValues as unknown[]).map((x) => show(x)).join(", ")}; got ${show(data)}`;
    case "const":
      return `${where} must be ${show(params.allowedValue)}; got ${show(data)}`;
    case "type":
      return `${where} must be of type ${Array.isArray(params.type) ? params.type.join(" or ") : String(params.type)}; got ${typeName(data)} ${show(data)}`;
    case "pattern":
      return `${where} must match ${String(params.pattern)}; got ${show(data)}`;
    case "format":
      return `${where} must be a valid ${String(params.format)}; got ${show(data)}`;
    case "additionalProperties":
    case "unevaluatedProperties":
      // The name comes from the body: quoted and cut like a value (a name can be megabytes long).
      return `${where} has the property ${show(params.additionalProperty ?? params.unevaluatedProperty)}, which the schema does not declare`;
    default:
      return `${where} ${typeof params.message === "string" ? params.message : `fails ${keyword}`}`;
  }
}

/** A report about the body as a whole or a part the schema cannot point at (no keyword failed). */
export function bodyIssue(keyword: string, message: string, specLocation: string, instancePath = ""): ContractError {
  return { message, instancePath, schemaPath: "", specLocation, keyword };
}

/** Where a compiled validator's errors land in the spec: the locations map and the pointer it was compiled at. */
export interface CompiledAt {
  readonly locations: Locations;
  readonly base: string;
  /** The pointer the validator was first compiled for (a shared validator knows that one's locations). */
  readonly compiled: string | undefined;
}

/** ajv errors as ContractErrors; `validate` was called for the schema at `pointer`. */
export function fromAjv(errors: readonly ErrorObject[], at: CompiledAt, pointer: string): ContractError[] {
  const { locations, base, compiled } = at;
  return errors.map((e) => {
    let loc = e.parentSchema ? locations.get(e.parentSchema) : undefined;
    // A validator shared by identical schemas (XML and JSON content) knows the first one's pointers.
    if (
      loc !== undefined &&
      compiled !== undefined &&
      compiled !== pointer &&
      (loc === compiled || loc.startsWith(`${compiled}/`))
    )
      loc = pointer + loc.slice(compiled.length);
    return {
      message: describe(e.keyword, e.instancePath, { ...e.params, message: e.message }, e.data),
      instancePath: e.instancePath,
      schemaPath: publicSchemaPath(e.schemaPath, base),
      specLocation: loc === undefined ? publicSchemaPath(e.schemaPath, base) : `${loc}/${escapeToken(e.keyword)}`,
      keyword: e.keyword,
    };
  });
}
