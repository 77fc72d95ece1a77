// createValidator(): checks a recorded response (XML or JSON body) against the contract.
//
// The response is found by ./lookup.ts. JSON bodies are parsed and validated by ajv; XML bodies
// are decoded by @veeam-sessions/xml against the same schema (root element and namespace
// included), then validated the same way. Each body meets the schema in variants (./variants.ts):
// the strict one first (one ajv call: the hot path); only a body that fails it is checked again
// against the lenient one (its failures are the errors) and walked for drift (unknown enum
// values and members: the warnings). An API whose JSON comes in two casings (EM: the schema's
// PascalCase, EM 13's camelCase; `x-veeam-json-casing`) is tried in each, and the result says
// which casing it read.
import { createXmlCodec, XmlError, type XmlCodec, type XmlDrift } from "@veeam-sessions/xml";
import { camelKey } from "@veeam-sessions/spec/casing";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import { createAjv, extensionKeywords, rebase, type Locations } from "./ajv.js";
import {
  ResponseLookup,
  type BodyCheck,
  type ContractTarget,
  type JsonCasing,
  type LookupDocument,
  type RecordedResponse,
} from "./lookup.js";
import {
  bodyIssue,
  describe,
  fromAjv,
  isLookupError,
  LOOKUP_KEYWORDS,
  show,
  type ContractError,
  type ContractWarning,
} from "./reporting.js";
import { API_NAMES, deref, escapeToken, isObject, loadBundledSpec, OperationIndex, type Json } from "./spec.js";
import { deriveComponents, deriveSchema, type Variant } from "./variants.js";
import { expectedRoots, rootOf } from "./xml-root.js";

export type { ContractError, ContractWarning } from "./reporting.js";
export type { ContractTarget, JsonCasing, RecordedResponse } from "./lookup.js";
export { isLookupError, LOOKUP_KEYWORDS };
export { DRIFT_CODES } from "./reporting.js";

export interface ValidationResult {
  /** No errors. Warnings (drift) do not make a body invalid. */
  valid: boolean;
  /** Where the body breaks the contract: a wrong type, a missing required member, a bad format … */
  errors: ContractError[];
  /**
   * Drift: a value the contract's enum does not list, or a member no schema declares. Veeam adds
   * both release by release; the body is still valid. A body read in the wrong casing warns
   * about every member it has.
   */
  warnings: ContractWarning[];
  /** Absent when the response could not be matched to the contract (a lookup error). */
  target?: ContractTarget;
  /**
   * For a body that matches none of an `anyOf`/`oneOf` response schema's alternatives: the
   * alternative the errors are reported for (the one whose properties the body uses most).
   */
  closest?: string;
  /** JSON bodies of an API with two casings (EM): the member names it read, the schema's (`pascal`) or camelCase (`camel`, EM 13). */
  casing?: JsonCasing;
}

export interface ValidatorOptions {
  /** Documents to check against, by API name, instead of the bundled specs (bundled: every `$ref` local). */
  specs?: Record<string, object>;
  /**
   * JSON bodies: `maxDepth`, how deeply arrays and objects may nest (default 256, as XML's
   * elements); a body that breaks the contract and nests deeper is one error, keyword `json`,
   * code `DEPTH_LIMIT`, instead of a check that would overflow the stack.
   */
  json?: { maxDepth?: number };
  /** XML decoding limits and strictness (see @veeam-sessions/xml). */
  xml?: {
    maxBytes?: number;
    maxDepth?: number;
    /** `"error"`: an element, attribute or text the schema does not describe fails the body. Default `"ignore"`, like JSON's open schemas. */
    unknown?: "ignore" | "error";
  };
}

export interface ContractValidator {
  /** The API names this validator knows. */
  readonly apis: readonly string[];
  /**
   * Checks one recorded response. Never throws: a bad body (nested thousands deep, megabytes
   * long, not UTF-8, not the media type it claims), an unknown response or a response field of
   * the wrong type is an error in the result.
   */
  validateResponse(response: RecordedResponse): ValidationResult;
  /** The document of an API, as loaded. */
  document(api: string): object | undefined;
}

interface Branch {
  readonly name: string;
  readonly pointer: string;
  readonly validate: ValidateFunction;
  readonly properties: ReadonlySet<string>;
}

const CASINGS: readonly JsonCasing[] = ["pascal", "camel"];

/** The JSON casings a document declares (`x-veeam-json-casing`); the schema's own names by default. */
function casingsOf(doc: Json): JsonCasing[] {
  const declared = doc["x-veeam-json-casing"];
  const list = Array.isArray(declared)
    ? declared.filter((c): c is JsonCasing => CASINGS.includes(c as JsonCasing))
    : [];
  return list.length > 0 ? [...new Set(list)] : ["pascal"];
}

/** A document with its lookups, ajv instance, codec and compiled validators (all lazy). */
class ApiContract implements LookupDocument {
  readonly index: OperationIndex;
  readonly root: string;
  readonly locations: Locations = new WeakMap();
  readonly casings: readonly JsonCasing[];
  /** One ajv instance gathering every error, one stopping at the first (see createAjv). */
  private readonly ajvInstances: { all?: Ajv2020; first?: Ajv2020 } = {};
  private codecInstance: XmlCodec | undefined;
  private readonly added = new Set<string>();
  private readonly validators = new Map<string, ValidateFunction>();
  /** Where each validator was compiled (a shared validator's own locations are under that pointer) and its base. */
  readonly compiledAt = new WeakMap<ValidateFunction, { pointer: string; base: string }>();
  private readonly branchSets = new Map<string, Branch[] | null>();
  /** Property names of a schema object as a body in each casing spells them: body name → [schema name, subschema]. */
  private readonly names = new WeakMap<object, Map<string, Map<string, [string, unknown]>>>();

  constructor(
    readonly api: string,
    readonly doc: Json,
  ) {
    this.index = new OperationIndex(api, doc);
    this.root = `https://veeam-sessions.invalid/contract/${encodeURIComponent(api)}`;
    this.casings = casingsOf(doc);
  }

  get codec(): XmlCodec {
    return (this.codecInstance ??= createXmlCodec(this.doc));
  }

  /** The ajv instance; the component schemas of `variant` are added on first use. */
  private ajvFor(variant: Variant, all: boolean): { ajv: Ajv2020; base: string } {
    const which = all ? "all" : "first";
    const ajv = (this.ajvInstances[which] ??= createAjv(extensionKeywords(this.doc), all));
    const base = `${this.root}/${variant.casing}-${variant.mode}.json`;
    if (!this.added.has(`${which}:${base}`)) {
      const components = isObject(this.doc.components) ? this.doc.components : {};
      const schemas = isObject(components.schemas) ? components.schemas : {};
      const rebased = rebase(schemas, base, "#/components/schemas", this.locations);
      ajv.addSchema({ $id: base, $defs: deriveComponents(rebased, variant, this.locations, this.doc) });
      this.added.add(`${which}:${base}`);
    }
    return { ajv, base };
  }

  /**
   * The validator of the schema at `pointer` in `variant`; identical schemas (the XML and JSON
   * content of one response) share one. `all`: it gathers every error (else only the first).
   */
  validator(schema: unknown, pointer: string, variant: Variant, all = true): ValidateFunction {
    const prefix = `${variant.casing}-${variant.mode}-${all ? "all" : "first"}:`;
    let v = this.validators.get(prefix + pointer);
    if (v === undefined) {
      const key = `${prefix}json:${JSON.stringify(schema)}`;
      v = this.validators.get(key);
      if (v === undefined) {
        const { ajv, base } = this.ajvFor(variant, all);
        const rebased = rebase(schema as object, base, pointer, this.locations);
        v = ajv.compile(deriveSchema(rebased, variant, this.locations));
        this.compiledAt.set(v, { pointer, base });
        this.validators.set(key, v);
      }
      this.validators.set(prefix + pointer, v);
    }
    return v;
  }

  /** The alternatives of an `anyOf`/`oneOf` schema (through `$ref`s), each compiled on its own (lenient). */
  branches(schema: unknown, pointer: string, casing: JsonCasing, all = true): Branch[] | null {
    const cacheKey = `${casing}:${all}:${pointer}`;
    let set = this.branchSets.get(cacheKey);
    if (set !== undefined) return set;
    set = null;
    const { node, pointer: at } = deref(this.doc, schema, pointer);
    if (isObject(node)) {
      const keyword = Array.isArray(node.anyOf) ? "anyOf" : Array.isArray(node.oneOf) ? "oneOf" : undefined;
      if (keyword) {
        set = (node[keyword] as unknown[]).map((alt, i) => {
          const altPointer = `${at}/${keyword}/${i}`;
          const resolved = deref(this.doc, alt, altPointer).node;
          const properties = isObject(resolved) ? [...this.propertyNames(resolved, casing).keys()] : [];
          const name =
            isObject(alt) && typeof alt.$ref === "string"
              ? alt.$ref.slice(alt.$ref.lastIndexOf("/") + 1)
              : `${keyword}/${i}`;
          return {
            name,
            pointer: altPointer,
            validate: this.validator(alt, altPointer, { casing, mode: "lenient" }, all),
            properties: new Set(properties),
          };
        });
      }
    }
    this.branchSets.set(cacheKey, set);
    return set;
  }

  /** A schema object's `properties` as a body in `casing` names them. */
  propertyNames(node: Json, casing: JsonCasing): Map<string, [string, unknown]> {
    let byCasing = this.names.get(node);
    if (byCasing === undefined) this.names.set(node, (byCasing = new Map<string, Map<string, [string, unknown]>>()));
    let map = byCasing.get(casing);
    if (map === undefined) {
      map = new Map();
      if (isObject(node.properties))
        for (const [name, sub] of Object.entries(node.properties))
          map.set(casing === "camel" ? camelKey(name) : name, [name, sub]);
      byCasing.set(casing, map);
    }
    return map;
  }
}

// ---------------------------------------------------------------------------------------------
// drift: what a strict reading reports and a lenient one accepts

function hasObjectType(node: Json): boolean {
  return node.type === "object" || (Array.isArray(node.type) && node.type.includes("object"));
}

/** Whether `value` equals one of an enum's (JSON) values. */
function inEnum(values: readonly unknown[], value: unknown): boolean {
  if (value === null || typeof value !== "object") return values.includes(value);
  const text = JSON.stringify(value);
  return values.some((v) => v !== null && typeof v === "object" && JSON.stringify(v) === text);
}

/**
 * An open enumeration: `anyOf`/`oneOf` of the listed values (`{type: string, enum: […]}`) and
 * a plain schema of the same type that takes any other (`{type: string}`). Its listed values and
 * where they are, or undefined.
 */
function openEnum(doc: Json, alts: readonly unknown[], pointer: string): { values: unknown[]; at: string } | undefined {
  let listed: { values: unknown[]; at: string } | undefined;
  let open = false;
  alts.forEach((alt, i) => {
    const { node, pointer: at } = deref(doc, alt, `${pointer}/${i}`);
    if (!isObject(node)) return;
    if (Array.isArray(node.enum)) listed ??= { values: node.enum, at: `${at}/enum` };
    else if (
      typeof node.type === "string" &&
      node.type !== "object" &&
      node.type !== "array" &&
      node.const === undefined &&
      node.anyOf === undefined &&
      node.oneOf === undefined
    )
      open = true;
  });
  return open ? listed : undefined;
}

class DriftWalker {
  /** Members named in the other casing style than the body's (EM JSON): errors, not drift. */
  readonly errors: ContractError[] = [];

  constructor(
    private readonly contract: ApiContract,
    private readonly casing: JsonCasing,
  ) {}

  private unlisted(path: string, values: readonly unknown[], at: string, value: unknown): ContractWarning {
    // A long list (Azure's session types: 64) is cut in the message; `allowed` has it all.
    const message =
      values.length <= 12
        ? describe("enum", path, { allowedValues: values }, value)
        : `${path === "" ? "the body" : path} must be one of the ${values.length} values the contract lists (${values
            .slice(0, 3)
            .map((x) => show(x))
            .join(", ")}, …); got ${show(value)}`;
    return {
      message,
      instancePath: path,
      schemaPath: at,
      specLocation: at,
      keyword: "enum",
      code: "UNLISTED_VALUE",
      value,
      allowed: values,
    };
  }

  /** Appends to `out` the drift in `value` (at body pointer `path`) against `schema` (at spec `pointer`). */
  walk(schema: unknown, pointer: string, value: unknown, path: string, out: ContractWarning[], open = false): void {
    if (!isObject(schema) || value === undefined) return;
    const doc = this.contract.doc;
    if (typeof schema.$ref === "string") {
      const target = deref(doc, schema, pointer);
      this.walk(target.node, target.pointer, value, path, out, open);
    }
    if (Array.isArray(schema.enum) && !inEnum(schema.enum, value))
      out.push(this.unlisted(path, schema.enum, `${pointer}/enum`, value));
    if (value === null) return;
    for (const keyword of ["anyOf", "oneOf"] as const) {
      const alts = schema[keyword];
      if (!Array.isArray(alts)) continue;
      // An open enum takes any value; one it does not list is still drift.
      const listed = typeof value === "string" ? openEnum(doc, alts, `${pointer}/${keyword}`) : undefined;
      if (listed) {
        if (!inEnum(listed.values, value)) out.push(this.unlisted(path, listed.values, listed.at, value));
      } else this.branch(alts, `${pointer}/${keyword}`, value, path, out);
    }
    const known = new Set<string>();
    if (Array.isArray(schema.allOf)) {
      schema.allOf.forEach((part, i) => {
        const partPointer = `${pointer}/allOf/${i}`;
        this.walk(part, partPointer, value, path, out, true);
        const resolved = deref(doc, part, partPointer).node;
        if (isObject(resolved))
          for (const name of this.contract.propertyNames(resolved, this.casing).keys()) known.add(name);
      });
    }
    if (Array.isArray(value)) {
      if (isObject(schema.items))
        value.forEach((item, i) => this.walk(schema.items, `${pointer}/items`, item, `${path}/${i}`, out));
      if (Array.isArray(schema.prefixItems))
        schema.prefixItems.forEach((s, i) => {
          if (i < value.length) this.walk(s, `${pointer}/prefixItems/${i}`, value[i], `${path}/${i}`, out);
        });
      return;
    }
    if (!isObject(value) || !isObject(schema.properties)) return;
    const props = this.contract.propertyNames(schema, this.casing);
    const closed =
      !open &&
      hasObjectType(schema) &&
      schema.additionalProperties === undefined &&
      schema.unevaluatedProperties === undefined &&
      schema.patternProperties === undefined;
    for (const [key, member] of Object.entries(value)) {
      const memberPath = `${path}/${escapeToken(key)}`;
      const entry = props.get(key);
      if (entry !== undefined) {
        this.walk(entry[1], `${pointer}/properties/${escapeToken(entry[0])}`, member, memberPath, out);
      } else if (isObject(schema.additionalProperties)) {
        this.walk(schema.additionalProperties, `${pointer}/additionalProperties`, member, memberPath, out);
      } else if (closed && !known.has(key)) {
        const named = this.otherCasing(schema, key);
        if (named !== undefined) {
          this.errors.push({
            message: `${path === "" ? "the body" : path} has the property ${show(key)}, ${this.casing === "camel" ? "PascalCase in a camelCase" : "camelCase in a PascalCase"} body (the member ${show(named)})`,
            instancePath: path,
            schemaPath: `${pointer}/properties`,
            specLocation: `${pointer}/properties`,
            keyword: "casing",
            code: "WRONG_CASE",
            member: key,
          });
          continue;
        }
        out.push({
          message: describe("additionalProperties", path, { additionalProperty: key }, value),
          instancePath: path,
          schemaPath: `${pointer}/properties`,
          specLocation: `${pointer}/properties`,
          keyword: "additionalProperties",
          code: "UNKNOWN_MEMBER",
          member: key,
        });
      }
    }
  }

  /**
   * For an API with two JSON casings (EM): the name `key` stands for in the other casing, when
   * it is a member of `schema` spelled that way (`JobName` in a camelCase body).
   */
  private otherCasing(schema: Json, key: string): string | undefined {
    if (this.contract.casings.length < 2) return undefined;
    const other: JsonCasing = this.casing === "camel" ? "pascal" : "camel";
    const entry = this.contract.propertyNames(schema, other).get(key);
    if (entry === undefined) return undefined;
    const own = this.casing === "camel" ? camelKey(entry[0]) : entry[0];
    return own === key ? undefined : own;
  }

  /** The alternative a value reads as: one it passes (leniently) with the least drift, else the one whose members it uses most. */
  private branch(
    alts: readonly unknown[],
    pointer: string,
    value: unknown,
    path: string,
    out: ContractWarning[],
  ): void {
    const variant: Variant = { casing: this.casing, mode: "lenient" };
    let best: ContractWarning[] | undefined;
    // The casing errors of the alternative read (each alternative tried adds its own).
    const mark = this.errors.length;
    let bestErrors: ContractError[] = [];
    for (let i = 0; i < alts.length; i++) {
      // A yes/no question: the first-error validator answers it without gathering errors.
      if (!this.contract.validator(alts[i], `${pointer}/${i}`, variant, false)(value)) continue;
      const found: ContractWarning[] = [];
      this.walk(alts[i], `${pointer}/${i}`, value, path, found);
      const errors = this.errors.splice(mark);
      if (best === undefined || found.length + errors.length < best.length + bestErrors.length)
        [best, bestErrors] = [found, errors];
      if (best.length + bestErrors.length === 0) break;
    }
    this.errors.push(...bestErrors);
    if (best === undefined && isObject(value)) {
      const keys = Object.keys(value);
      let used = -1;
      let index = 0;
      alts.forEach((alt, i) => {
        const resolved = deref(this.contract.doc, alt, `${pointer}/${i}`).node;
        const names = isObject(resolved) ? this.contract.propertyNames(resolved, this.casing) : new Map();
        const n = keys.filter((k) => names.has(k)).length;
        if (n > used) [used, index] = [n, i];
      });
      best = [];
      this.walk(alts[index], `${pointer}/${index}`, value, path, best);
    }
    if (best) out.push(...best);
  }
}

// ---------------------------------------------------------------------------------------------

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isRaw(body: unknown): body is string | Uint8Array | ArrayBuffer {
  return typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

function isEmpty(body: unknown): boolean {
  if (body === undefined) return true;
  if (typeof body === "string") return body.length === 0;
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return body.byteLength === 0;
  return false;
}

function byteLength(body: unknown): number {
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return body.byteLength;
  return 0;
}

type Body = BodyCheck<ApiContract> & {
  /** The strict validators, compiled on first use, per casing. */
  strict?: Partial<Record<JsonCasing, ValidateFunction>>;
};

/** Lexicographic order of two ranks of equal length. */
function before(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** Default `json.maxDepth`: the XML codec's default depth. */
const MAX_JSON_DEPTH = 256;

/**
 * A body that breaks the contract and holds more values than this (array items, members,
 * scalars) is reported with the first error ajv finds (in each alternative of an `anyOf`), not
 * all of them: ajv gathers errors in time quadratic in their number. 5,000 failing items take
 * 0.4 s, 10,000 four seconds, 16,000 twenty; a 64 MiB recording would never end.
 */
const MAX_VALUES_FOR_ALL_ERRORS = 5_000;

/**
 * How deep `value` nests arrays and objects (whether more than `max` levels) and how many
 * values it holds. Iterative (a value nested a million deep is no deeper for the stack).
 * `shared`: a parsed value given by the caller may share parts or be cyclic; a part reached
 * again is walked again only when reached deeper, so a cycle ends at `max` and a shared part
 * costs at most `max` walks. (JSON.parse and the XML codec make trees: no bookkeeping.)
 */
function shapeOf(value: unknown, max: number, shared: boolean): { tooDeep: boolean; values: number } {
  const seen = shared ? new Map<object, number>() : undefined;
  const stack: Array<[unknown, number]> = [[value, 0]];
  let values = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    values++;
    if (v === null || typeof v !== "object") continue;
    if (depth >= max) return { tooDeep: true, values };
    if (seen) {
      const before = seen.get(v);
      if (before !== undefined && before >= depth) continue;
      seen.set(v, depth);
    }
    const items: unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (const item of items) stack.push([item, depth + 1]);
  }
  return { tooDeep: false, values };
}

/** What a thrown error says, for a message (never the stack). */
function reasonOf(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return "it is nested too deeply to check";
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** A field of the response that is not of its type: the lookup would trip over it. */
function fieldError(r: RecordedResponse): ContractError | undefined {
  const fields = [
    ["api", "api"],
    ["operationId", "operation"],
    ["method", "operation"],
    ["path", "operation"],
    ["mediaType", "media-type"],
  ] as const;
  for (const [field, keyword] of fields) {
    const value: unknown = r[field];
    if (value !== undefined && typeof value !== "string")
      return bodyIssue(keyword, `"${field}" must be a string; got ${show(value)}`, "");
  }
  return undefined;
}

const STRICT = { pascal: { casing: "pascal", mode: "strict" }, camel: { casing: "camel", mode: "strict" } } as const;

export async function createValidator(options: ValidatorOptions = {}): Promise<ContractValidator> {
  const docs: Record<string, object> =
    options.specs ??
    Object.fromEntries(await Promise.all(API_NAMES.map(async (api) => [api, await loadBundledSpec(api)] as const)));
  const contracts = new Map<string, ApiContract>();
  for (const [api, doc] of Object.entries(docs)) {
    if (!isObject(doc)) throw new TypeError(`the spec of ${api} must be an OpenAPI document object`);
    contracts.set(api, new ApiContract(api, doc));
  }
  const lookup = new ResponseLookup(contracts);
  // Finite, so that a cyclic parsed body ends the walk (shapeOf) whatever is asked for.
  const maxJsonDepth = Math.min(options.json?.maxDepth ?? MAX_JSON_DEPTH, 1_000_000);
  const xmlOptions = {
    maxBytes: options.xml?.maxBytes,
    maxDepth: options.xml?.maxDepth,
    unknown: options.xml?.unknown ?? "ignore",
  } as const;

  function errorsOf(
    contract: ApiContract,
    validate: ValidateFunction,
    errors: readonly ErrorObject[],
    pointer: string,
  ): ContractError[] {
    const at = contract.compiledAt.get(validate);
    return fromAjv(errors, { locations: contract.locations, base: at?.base ?? "", compiled: at?.pointer }, pointer);
  }

  /** The lenient reading's errors; for an `anyOf`/`oneOf` body matching no alternative, those of the closest one. */
  function schemaErrors(
    check: Body,
    value: unknown,
    validate: ValidateFunction,
    casing: JsonCasing,
    all: boolean,
  ): { errors: ContractError[]; closest?: string } {
    const { contract } = check;
    const errors = validate.errors ?? [];
    const composite = errors.some(
      (e) =>
        e.instancePath === "" &&
        (e.keyword === "anyOf" ||
          (e.keyword === "oneOf" && (e.params as { passingSchemas?: unknown }).passingSchemas == null)),
    );
    if (composite && isObject(value)) {
      const branches = contract.branches(check.schema, check.pointer, casing, all);
      if (branches && branches.length > 1) {
        const keys = Object.keys(value);
        let best: { branch: Branch; errors: ErrorObject[]; used: number } | undefined;
        for (const branch of branches) {
          if (branch.validate(value)) continue; // cannot happen when the whole failed; be safe
          const used = keys.filter((k) => branch.properties.has(k)).length;
          const errs = branch.validate.errors ?? [];
          if (best === undefined || used > best.used || (used === best.used && errs.length < best.errors.length))
            best = { branch, errors: [...errs], used };
        }
        if (best)
          return {
            errors: errorsOf(contract, best.branch.validate, best.errors, best.branch.pointer),
            closest: best.branch.name,
          };
      }
    }
    return { errors: errorsOf(contract, validate, errors, check.pointer) };
  }

  /** The full reading of a body that failed the strict one: lenient errors and drift warnings. */
  function evaluate(
    check: Body,
    value: unknown,
    casing: JsonCasing,
    json: boolean,
    all: boolean,
    xmlDrift: readonly ContractWarning[],
  ): ValidationResult {
    const { contract, target } = check;
    const lenient = contract.validator(check.schema, check.pointer, { casing, mode: "lenient" }, all);
    const { errors, closest } = lenient(value)
      ? { errors: [], closest: undefined }
      : schemaErrors(check, value, lenient, casing, all);
    const warnings: ContractWarning[] = [...xmlDrift];
    const walker = new DriftWalker(contract, casing);
    walker.walk(check.schema, check.pointer, value, "", warnings);
    errors.push(...walker.errors);
    return {
      valid: errors.length === 0,
      errors,
      warnings,
      target,
      ...(closest !== undefined ? { closest } : {}),
      ...(json && contract.casings.length > 1 ? { casing } : {}),
    };
  }

  function validateValue(
    check: Body,
    value: unknown,
    json: boolean,
    wanted?: JsonCasing,
    shared = false,
    xmlDrift: readonly ContractWarning[] = [],
  ): ValidationResult {
    const { contract, target } = check;
    const casings: readonly JsonCasing[] = !json
      ? ["pascal"]
      : wanted !== undefined && contract.casings.includes(wanted)
        ? [wanted]
        : contract.casings;
    const strict = (check.strict ??= {});
    for (const casing of casings) {
      // Only whether the body passes is used: the first-error validator says so soonest.
      const validate = (strict[casing] ??= contract.validator(check.schema, check.pointer, STRICT[casing], false));
      if (validate(value)) {
        // XML drift (unknown nodes, order) is what the decode skipped: the value cannot show it.
        const warnings = [...xmlDrift];
        if (json && contract.casings.length > 1) return { valid: true, errors: [], warnings, target, casing };
        return { valid: true, errors: [], warnings, target };
      }
    }
    // A body that fails is read again for its errors and drift, and that reading recurses
    // into the body (messages quote its values, enums compare them): too deep a body is one
    // error instead. A valid body needs no such limit: the schema bounds what ajv reads of it.
    const shape = shapeOf(value, json ? maxJsonDepth : Infinity, shared);
    if (shape.tooDeep)
      return invalid(target, {
        ...bodyIssue(
          "json",
          `the body is nested deeper than ${maxJsonDepth} levels of arrays and objects`,
          check.pointer,
        ),
        code: "DEPTH_LIMIT",
      });
    // The casing is the one whose names the body uses: fewest members unknown to it, then fewest
    // errors, then fewest warnings (a broken PascalCase body must not read as a camelCase one).
    let best: { result: ValidationResult; rank: number[] } | undefined;
    for (const casing of casings) {
      const result = evaluate(check, value, casing, json, shape.values <= MAX_VALUES_FOR_ALL_ERRORS, xmlDrift);
      const unknown =
        result.warnings.filter((w) => w.keyword === "additionalProperties").length +
        result.errors.filter((e) => e.keyword === "casing").length;
      const rank = [unknown, result.errors.length, result.warnings.length];
      if (best === undefined || before(rank, best.rank)) best = { result, rank };
    }
    return best!.result;
  }

  function xmlError(check: Body, e: XmlError, body: string | Uint8Array | ArrayBuffer): ContractError {
    let keyword = "xml";
    let message = e.message;
    if (e.code === "UNEXPECTED_ROOT") {
      let text: string | undefined;
      try {
        text = typeof body === "string" ? body : utf8.decode(body instanceof ArrayBuffer ? new Uint8Array(body) : body);
      } catch {
        text = undefined;
      }
      const found = text === undefined ? undefined : rootOf(text);
      const expected = expectedRoots(check.contract.doc, check.schema, check.pointer);
      if (found && expected.some((x) => x.name === found.name)) {
        keyword = "xml-namespace";
        const want = [...new Set(expected.filter((x) => x.name === found.name).map((x) => x.namespace))];
        message = `root element <${found.name}> must be in namespace ${want.map((n) => `"${n}"`).join(" or ")}; got ${found.namespace === "" ? "no namespace" : `"${found.namespace}"`}`;
      } else {
        keyword = "xml-root";
        const names = expected.map((x) => x.name);
        message = `root element must be ${names.length > 0 ? names.map((n) => `<${n}>`).join(" or ") : "another element"}; got <${found?.name ?? "?"}>`;
      }
    }
    return {
      ...bodyIssue(keyword, message, check.pointer, e.path),
      code: e.code,
      ...(e.line > 0 ? { line: e.line, column: e.column } : {}),
    };
  }

  function invalid(target: ContractTarget, error: ContractError): ValidationResult {
    return { valid: false, errors: [error], warnings: [], target };
  }

  function validateBody(check: Body, body: unknown, casing: JsonCasing | undefined): ValidationResult {
    const { target } = check;
    if (isEmpty(body)) {
      return invalid(
        target,
        bodyIssue("body", `the body is empty; ${target.status} declares ${target.mediaType} content`, check.pointer),
      );
    }
    if (check.kind === "json") {
      let value = body;
      if (isRaw(body)) {
        try {
          let text = typeof body === "string" ? body : utf8.decode(body);
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          value = JSON.parse(text);
        } catch (e) {
          const reason = e instanceof SyntaxError ? e.message : "not valid UTF-8";
          return invalid(target, bodyIssue("json", `the body is not JSON: ${reason}`, check.pointer));
        }
      }
      // A value the caller parsed may share parts or be cyclic; JSON.parse's is a tree.
      return validateValue(check, value, true, casing, !isRaw(body));
    }
    if (!isRaw(body)) return invalid(target, bodyIssue("body", "an XML body must be a string or bytes", check.pointer));
    let value: unknown;
    const drift: XmlDrift[] = [];
    try {
      value = check.contract.codec.decode(body, check.schema as object, { ...xmlOptions, drift });
    } catch (e) {
      if (!(e instanceof XmlError)) throw e;
      return invalid(target, xmlError(check, e, body));
    }
    return validateValue(
      check,
      value,
      false,
      undefined,
      false,
      drift.map((d) => xmlDriftWarning(check, d)),
    );
  }

  /** A node the decode skipped, or found out of order, as a warning. */
  function xmlDriftWarning(check: Body, d: XmlDrift): ContractWarning {
    const where = d.path === "" ? "the body" : d.path;
    const name = show(d.name);
    const ns = d.namespace === "" ? "" : ` (namespace ${show(d.namespace)})`;
    const at = ` at line ${d.line}, column ${d.column}`;
    const message =
      d.code === "OUT_OF_ORDER"
        ? `${where} has the element ${name} after ${show(d.after ?? "")}, which the schema puts after it${at}`
        : d.code === "UNKNOWN_ELEMENT"
          ? `${where} has the element ${name}${ns}, which the schema does not declare${at}`
          : `${where} has the attribute ${name}${ns}, which the schema does not declare${at}`;
    return {
      message,
      instancePath: d.path,
      schemaPath: "",
      specLocation: check.pointer,
      keyword: d.code === "OUT_OF_ORDER" ? "xml-order" : "additionalProperties",
      code: d.code,
      member: d.name,
      line: d.line,
      column: d.column,
    };
  }

  return {
    apis: lookup.apis,
    document: (api) => contracts.get(api)?.doc,
    validateResponse(r: RecordedResponse): ValidationResult {
      // The promise is a result, never a throw: anything the checks below did not foresee (a
      // getter of a parsed body that throws, a stack overflow) fails this response alone.
      let target: ContractTarget | undefined;
      try {
        const bad = fieldError(r);
        if (bad) return { valid: false, errors: [bad], warnings: [] };
        const check = lookup.checkFor(r);
        target = check.target;
        return checkResponse(r, check);
      } catch (e) {
        const error = bodyIssue("body", `the body could not be checked: ${reasonOf(e)}`, target?.specLocation ?? "");
        return { valid: false, errors: [error], warnings: [], ...(target ? { target } : {}) };
      }
    },
  };

  function checkResponse(r: RecordedResponse, check: ReturnType<typeof lookup.checkFor>): ValidationResult {
    switch (check.kind) {
      case "lookup":
        return {
          valid: false,
          errors: [{ ...check.error }],
          warnings: [],
          ...(check.target ? { target: check.target } : {}),
        };
      case "no-content":
        if (isEmpty(r.body)) return { valid: true, errors: [], warnings: [], target: check.target };
        return invalid(
          check.target,
          bodyIssue(
            "body",
            `${check.target.status} of ${check.target.method} ${check.target.path} declares no body; got ${byteLength(r.body) || "a"} ${byteLength(r.body) ? "bytes" : "value"}`,
            check.target.specLocation,
          ),
        );
      default:
        return validateBody(check, r.body, r.casing);
    }
  }
}
