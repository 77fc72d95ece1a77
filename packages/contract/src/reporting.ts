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
   * Warnings: `enum` (a value the contract does not list) and `additionalProperties` (a member it does not declare).
   */
  keyword: string;
  /** The XmlError code for `xml`, `xml-root` and `xml-namespace` errors (`MALFORMED`, `DOCTYPE_FORBIDDEN`, `UNEXPECTED_ROOT` …). */
  code?: string;
  /** 1-based position of an XML decode error. */
  line?: number;
  column?: number;
}

/** A warning has the shape of an error; it only does not make the body invalid. */
export type ContractWarning = ContractError;

/** Keywords of errors that mean "this response is not in the contract", not "this body is wrong". */
export const LOOKUP_KEYWORDS: readonly string[] = ["api", "operation", "status", "media-type"];

export function isLookupError(error: ContractError): boolean {
  return LOOKUP_KEYWORDS.includes(error.keyword);
}

/** A value for a message: JSON, cut at 80 characters. */
export function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
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
      return `${where} lacks the required property "${String(params.missingProperty)}"`;
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
      return `${where} has the property "${String(params.additionalProperty ?? params.unevaluatedProperty)}", which the schema does not declare`;
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
