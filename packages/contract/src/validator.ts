// createValidator(): checks a recorded response (XML or JSON body) against the contract.
//
// A response is looked up once per (api, operation, status, media type) and cached: the
// operation by method + path or operationId, the response by status (exact, else `4XX`, else
// `default`), the content by media type (parameters dropped; `type/*` and `*/*` keys match).
// JSON bodies are parsed and validated by ajv; XML bodies are decoded by @veeam-sessions/xml
// against the same schema (root element and namespace included), then validated by the same
// ajv function. Validators are compiled on first use and shared between XML and JSON.
import { createXmlCodec, XmlError, type XmlCodec } from "@veeam-sessions/xml";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import { ajvForDocument, publicSchemaPath, rebase, type Locations } from "./ajv.js";
import { bodyKind, essence, matchContentKey, type BodyKind } from "./media.js";
import {
  API_NAMES,
  declaredStatuses,
  deref,
  escapeToken,
  isObject,
  loadBundledSpec,
  OperationIndex,
  responseFor,
  type Json,
  type Operation,
} from "./spec.js";
import { expectedRoots, rootOf } from "./xml-root.js";

/** A recorded response, as the client's `recordTo` writes it (`NAME.meta.json` + the body). */
export interface RecordedResponse {
  /** An API of the registry (`spec/<api>/api.yaml`); may be left out when `operationId` (or the path) names one operation across the APIs. */
  api?: string;
  /** Instead of `method` + `path`. */
  operationId?: string;
  method?: string;
  /** The path template (`/replicaSessions/{ID}`), or a concrete path (`/api/replicaSessions/0bcf…?format=Entity`). */
  path?: string;
  status: number | string;
  /** The `Content-Type`, parameters allowed (`application/json; charset=utf-8`). Not needed for a response without a body. */
  mediaType?: string;
  /**
   * The body: a string, a Buffer / Uint8Array or an ArrayBuffer (raw text, UTF-8); or, for JSON
   * media types, the already parsed value. `undefined` or `""` for no body.
   */
  body?: unknown;
}

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
   */
  keyword: string;
  /** The XmlError code for `xml`, `xml-root` and `xml-namespace` errors (`MALFORMED`, `DOCTYPE_FORBIDDEN`, `UNEXPECTED_ROOT` …). */
  code?: string;
  /** 1-based position of an XML decode error. */
  line?: number;
  column?: number;
}

/** What a response was checked against. */
export interface ContractTarget {
  api: string;
  method: string;
  path: string;
  operationId?: string;
  /** The response key that applied: `200`, `4XX`, `default`. */
  status: string;
  /** The content key that applied; absent for a response without content. */
  mediaType?: string;
  /** The schema (or, without content, the response) in the spec. */
  specLocation: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ContractError[];
  /** Absent when the response could not be matched to the contract (a lookup error). */
  target?: ContractTarget;
  /**
   * For a body that matches none of an `anyOf`/`oneOf` response schema's alternatives: the
   * alternative the errors are reported for (the one whose properties the body uses most).
   */
  closest?: string;
}

/** Keywords of errors that mean "this response is not in the contract", not "this body is wrong". */
export const LOOKUP_KEYWORDS: readonly string[] = ["api", "operation", "status", "media-type"];

export function isLookupError(error: ContractError): boolean {
  return LOOKUP_KEYWORDS.includes(error.keyword);
}

export interface ValidatorOptions {
  /** Documents to check against, by API name, instead of the bundled specs (bundled: every `$ref` local). */
  specs?: Record<string, object>;
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
  /** Checks one recorded response. Never throws for a bad body or an unknown response: those are errors in the result. */
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

/** One (api, operation, status, media type) resolved against the spec. */
type Check =
  | { readonly kind: "lookup"; readonly error: ContractError; readonly target?: ContractTarget }
  | { readonly kind: "no-content"; readonly target: ContractTarget }
  | {
      readonly kind: BodyKind;
      readonly target: ContractTarget;
      readonly contract: ApiContract;
      /** The schema as the spec has it (for the codec), and where. */
      readonly schema: unknown;
      readonly pointer: string;
      readonly mediaEssence: string;
      /** Compiled on first use. */
      validate?: ValidateFunction;
    };

/** A document with its lookups, ajv instance, codec and compiled validators (all lazy). */
class ApiContract {
  readonly index: OperationIndex;
  readonly base: string;
  readonly locations: Locations = new WeakMap();
  private ajvInstance: Ajv2020 | undefined;
  private codecInstance: XmlCodec | undefined;
  private readonly validators = new Map<string, ValidateFunction>();
  /** Where each validator was compiled: a shared validator's own locations are under that pointer. */
  readonly compiledAt = new WeakMap<ValidateFunction, string>();
  private readonly branchSets = new Map<string, Branch[] | null>();

  constructor(
    readonly api: string,
    readonly doc: Json,
  ) {
    this.index = new OperationIndex(api, doc);
    this.base = `https://veeam-sessions.invalid/contract/${encodeURIComponent(api)}.json`;
  }

  get ajv(): Ajv2020 {
    return (this.ajvInstance ??= ajvForDocument(this.doc, this.base, this.locations));
  }

  get codec(): XmlCodec {
    return (this.codecInstance ??= createXmlCodec(this.doc));
  }

  /** The validator of the schema at `pointer`; identical schemas (the XML and JSON content of one response) share one. */
  validator(schema: unknown, pointer: string): ValidateFunction {
    let v = this.validators.get(pointer);
    if (v === undefined) {
      const key = `json:${JSON.stringify(schema)}`;
      v = this.validators.get(key);
      if (v === undefined) {
        v = this.ajv.compile(rebase(schema as object, this.base, pointer, this.locations));
        this.compiledAt.set(v, pointer);
        this.validators.set(key, v);
      }
      this.validators.set(pointer, v);
    }
    return v;
  }

  /** The alternatives of an `anyOf`/`oneOf` response schema (through `$ref`s), each compiled on its own. */
  branches(schema: unknown, pointer: string): Branch[] | null {
    let set = this.branchSets.get(pointer);
    if (set !== undefined) return set;
    set = null;
    const { node, pointer: at } = deref(this.doc, schema, pointer);
    if (isObject(node)) {
      const keyword = Array.isArray(node.anyOf) ? "anyOf" : Array.isArray(node.oneOf) ? "oneOf" : undefined;
      if (keyword) {
        set = (node[keyword] as unknown[]).map((alt, i) => {
          const altPointer = `${at}/${keyword}/${i}`;
          const resolved = deref(this.doc, alt, altPointer).node;
          const properties =
            isObject(resolved) && isObject(resolved.properties) ? Object.keys(resolved.properties) : [];
          const name =
            isObject(alt) && typeof alt.$ref === "string"
              ? alt.$ref.slice(alt.$ref.lastIndexOf("/") + 1)
              : `${keyword}/${i}`;
          return {
            name,
            pointer: altPointer,
            validate: this.validator(alt, altPointer),
            properties: new Set(properties),
          };
        });
      }
    }
    this.branchSets.set(pointer, set);
    return set;
  }
}

function lookupError(keyword: string, message: string, specLocation = ""): Check {
  return { kind: "lookup", error: { message, instancePath: "", schemaPath: "", specLocation, keyword } };
}

function describeOp(op: Operation): string {
  return `${op.method} ${op.path}${op.operationId ? ` (${op.operationId})` : ""}`;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? "none" : items.join(", ");
}

function targetOf(op: Operation, status: string, specLocation: string, mediaType?: string): ContractTarget {
  return {
    api: op.api,
    method: op.method,
    path: op.path,
    ...(op.operationId ? { operationId: op.operationId } : {}),
    status,
    ...(mediaType !== undefined ? { mediaType } : {}),
    specLocation,
  };
}

// ---------------------------------------------------------------------------------------------
// messages

function show(v: unknown): string {
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

function describe(e: ErrorObject): string {
  const where = e.instancePath === "" ? "the body" : e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${where} lacks the required property "${String(p.missingProperty)}"`;
    case "enum":
      return `${where} must be one of ${(p.allowedValues as unknown[]).map((x) => show(x)).join(", ")}; got ${show(e.data)}`;
    case "const":
      return `${where} must be ${show(p.allowedValue)}; got ${show(e.data)}`;
    case "type":
      return `${where} must be of type ${Array.isArray(p.type) ? p.type.join(" or ") : String(p.type)}; got ${typeName(e.data)} ${show(e.data)}`;
    case "pattern":
      return `${where} must match ${String(p.pattern)}; got ${show(e.data)}`;
    case "format":
      return `${where} must be a valid ${String(p.format)}; got ${show(e.data)}`;
    case "additionalProperties":
      return `${where} has the property "${String(p.additionalProperty)}", which the schema does not allow`;
    default:
      return `${where} ${e.message ?? `fails ${e.keyword}`}`;
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

export async function createValidator(options: ValidatorOptions = {}): Promise<ContractValidator> {
  const docs: Record<string, object> =
    options.specs ??
    Object.fromEntries(await Promise.all(API_NAMES.map(async (api) => [api, await loadBundledSpec(api)] as const)));
  const contracts = new Map<string, ApiContract>();
  for (const [api, doc] of Object.entries(docs)) {
    if (!isObject(doc)) throw new TypeError(`the spec of ${api} must be an OpenAPI document object`);
    contracts.set(api, new ApiContract(api, doc));
  }
  const apis = [...contracts.keys()];
  const xmlOptions = {
    maxBytes: options.xml?.maxBytes,
    maxDepth: options.xml?.maxDepth,
    unknown: options.xml?.unknown ?? "ignore",
  } as const;
  // Checks by (api, operationId, method, path, status, mediaType), as a trie of Maps: the field
  // values are usually the same string objects call after call, so each lookup hits a cached
  // hash instead of hashing a concatenated key.
  type Trie = Map<unknown, Trie | Check>;
  let checks: Trie = new Map();
  let cached = 0;
  function checkFor(r: RecordedResponse): Check {
    const keys = [r.api, r.operationId, r.method, r.path, r.status];
    let node = checks;
    for (const key of keys) {
      let next = node.get(key) as Trie | undefined;
      if (next === undefined) node.set(key, (next = new Map()));
      node = next;
    }
    let check = node.get(r.mediaType) as Check | undefined;
    if (check === undefined) {
      check = resolve(r);
      if (++cached > 4096) {
        // Concrete paths (one per id) could grow this without bound.
        checks = new Map();
        cached = 0;
      }
      node.set(r.mediaType, check);
    }
    return check;
  }

  function findOperation(r: RecordedResponse): Operation | Check {
    const candidates =
      r.api === undefined ? [...contracts.values()] : [contracts.get(r.api)].filter((c) => c !== undefined);
    if (r.api !== undefined && candidates.length === 0)
      return lookupError("api", `unknown api "${r.api}" (known: ${list(apis)})`);
    if (r.method !== undefined && r.path !== undefined) {
      const method = r.method.toUpperCase();
      const found: Operation[] = [];
      const paths: Array<{ api: string; path: string; methods: string[] }> = [];
      for (const c of candidates) {
        const template = c.index.templateOf(r.path);
        if (template === undefined) continue;
        const op = c.index.byMethodPath.get(`${method} ${template}`);
        if (op) found.push(op);
        else paths.push({ api: c.api, path: template, methods: c.index.methodsByPath.get(template) ?? [] });
      }
      if (found.length > 1)
        return lookupError(
          "api",
          `${method} ${r.path} is in more than one API (${found.map((o) => o.api).join(", ")}): give "api"`,
        );
      const op = found[0];
      if (op === undefined) {
        const where = r.api ?? list(apis);
        if (paths.length > 0)
          return lookupError(
            "operation",
            `${method} ${r.path} is not in ${where}: ${paths[0]!.path} declares ${list(paths[0]!.methods)}`,
            "#/paths",
          );
        return lookupError("operation", `no path of ${where} matches ${r.path}`, "#/paths");
      }
      if (r.operationId !== undefined && op.operationId !== r.operationId) {
        return lookupError("operation", `operationId "${r.operationId}" does not match ${describeOp(op)}`, op.pointer);
      }
      return op;
    }
    if (r.operationId !== undefined) {
      const found = candidates.map((c) => c.index.byOperationId.get(r.operationId!)).filter((o) => o !== undefined);
      if (found.length > 1)
        return lookupError(
          "api",
          `operationId "${r.operationId}" is in more than one API (${found.map((o) => o.api).join(", ")}): give "api"`,
        );
      if (found.length === 0)
        return lookupError("operation", `no operation "${r.operationId}" in ${r.api ?? list(apis)}`, "#/paths");
      return found[0]!;
    }
    return lookupError("operation", `give "operationId", or "method" and "path"`);
  }

  function resolve(r: RecordedResponse): Check {
    const found = findOperation(r);
    if ("kind" in found) return found;
    const op = found;
    const contract = contracts.get(op.api)!;
    const status =
      typeof r.status === "number" ? r.status : /^\s*\d{3}\s*$/.test(String(r.status)) ? Number(r.status) : NaN;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      return lookupError("status", `status ${show(r.status)} is not an HTTP status code`, `${op.pointer}/responses`);
    }
    const response = responseFor(contract.doc, op, status);
    if (response === undefined) {
      return lookupError(
        "status",
        `status ${status} is not declared for ${describeOp(op)} (declared: ${list(declaredStatuses(op))}; no 4XX/default)`,
        `${op.pointer}/responses`,
      );
    }
    const content = isObject(response.node.content) ? response.node.content : undefined;
    const keys = content ? Object.keys(content) : [];
    if (keys.length === 0) return { kind: "no-content", target: targetOf(op, response.key, response.pointer) };
    const contentPointer = `${response.pointer}/content`;
    if (r.mediaType === undefined || r.mediaType.trim() === "") {
      return lookupError(
        "media-type",
        `no media type given; ${status} of ${describeOp(op)} offers ${list(keys)}`,
        contentPointer,
      );
    }
    const mediaEssence = essence(r.mediaType);
    const key = matchContentKey(keys, mediaEssence);
    if (key === undefined) {
      return lookupError(
        "media-type",
        `${describeOp(op)} ${response.key} does not offer ${mediaEssence} (offers: ${list(keys)})`,
        contentPointer,
      );
    }
    const kind = bodyKind(mediaEssence);
    const mediaPointer = `${contentPointer}/${escapeToken(key)}`;
    const media = content![key];
    if (kind === undefined)
      return lookupError("media-type", `cannot check ${mediaEssence} bodies (only JSON and XML)`, mediaPointer);
    const schema = isObject(media) ? media.schema : undefined;
    const pointer = `${mediaPointer}/schema`;
    // Content without a schema: anything of that media type is valid; an empty schema says so.
    return {
      kind,
      target: targetOf(op, response.key, pointer, key),
      contract,
      schema: schema ?? {},
      pointer,
      mediaEssence,
    };
  }

  /** ajv errors as ContractErrors; `validate` was called for the schema at `pointer`. */
  function fromAjv(
    errors: readonly ErrorObject[],
    contract: ApiContract,
    validate: ValidateFunction,
    pointer: string,
  ): ContractError[] {
    const compiled = contract.compiledAt.get(validate);
    return errors.map((e) => {
      let at = e.parentSchema ? contract.locations.get(e.parentSchema) : undefined;
      // A validator shared by identical schemas (XML and JSON content) knows the first one's pointers.
      if (
        at !== undefined &&
        compiled !== undefined &&
        compiled !== pointer &&
        (at === compiled || at.startsWith(`${compiled}/`))
      )
        at = pointer + at.slice(compiled.length);
      return {
        message: describe(e),
        instancePath: e.instancePath,
        schemaPath: publicSchemaPath(e.schemaPath, contract.base),
        specLocation:
          at === undefined ? publicSchemaPath(e.schemaPath, contract.base) : `${at}/${escapeToken(e.keyword)}`,
        keyword: e.keyword,
      };
    });
  }

  function schemaErrors(
    check: Extract<Check, { kind: BodyKind }>,
    value: unknown,
    validate: ValidateFunction,
    errors: readonly ErrorObject[],
  ): ValidationResult {
    const { contract, target } = check;
    const composite = errors.some(
      (e) =>
        e.instancePath === "" &&
        (e.keyword === "anyOf" ||
          (e.keyword === "oneOf" && (e.params as { passingSchemas?: unknown }).passingSchemas == null)),
    );
    if (composite && isObject(value)) {
      const branches = contract.branches(check.schema, check.pointer);
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
            valid: false,
            errors: fromAjv(best.errors, contract, best.branch.validate, best.branch.pointer),
            target,
            closest: best.branch.name,
          };
      }
    }
    return { valid: false, errors: fromAjv(errors, contract, validate, check.pointer), target };
  }

  function validateValue(check: Extract<Check, { kind: BodyKind }>, value: unknown): ValidationResult {
    const validate = (check.validate ??= check.contract.validator(check.schema, check.pointer));
    if (validate(value)) return { valid: true, errors: [], target: check.target };
    return schemaErrors(check, value, validate, validate.errors ?? []);
  }

  function xmlError(
    check: Extract<Check, { kind: BodyKind }>,
    e: XmlError,
    body: string | Uint8Array | ArrayBuffer,
  ): ContractError {
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
      message,
      instancePath: e.path,
      schemaPath: "",
      specLocation: check.pointer,
      keyword,
      code: e.code,
      ...(e.line > 0 ? { line: e.line, column: e.column } : {}),
    };
  }

  function validateBody(check: Extract<Check, { kind: BodyKind }>, body: unknown): ValidationResult {
    const { target } = check;
    if (isEmpty(body)) {
      return {
        valid: false,
        errors: [
          {
            message: `the body is empty; ${target.status} declares ${target.mediaType} content`,
            instancePath: "",
            schemaPath: "",
            specLocation: check.pointer,
            keyword: "body",
          },
        ],
        target,
      };
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
          return {
            valid: false,
            errors: [
              {
                message: `the body is not JSON: ${reason}`,
                instancePath: "",
                schemaPath: "",
                specLocation: check.pointer,
                keyword: "json",
              },
            ],
            target,
          };
        }
      }
      return validateValue(check, value);
    }
    if (!isRaw(body)) {
      return {
        valid: false,
        errors: [
          {
            message: "an XML body must be a string or bytes",
            instancePath: "",
            schemaPath: "",
            specLocation: check.pointer,
            keyword: "body",
          },
        ],
        target,
      };
    }
    let value: unknown;
    try {
      value = check.contract.codec.decode(body, check.schema as object, xmlOptions);
    } catch (e) {
      if (!(e instanceof XmlError)) throw e;
      return { valid: false, errors: [xmlError(check, e, body)], target };
    }
    return validateValue(check, value);
  }

  return {
    apis,
    document: (api) => contracts.get(api)?.doc,
    validateResponse(r: RecordedResponse): ValidationResult {
      const check = checkFor(r);
      switch (check.kind) {
        case "lookup":
          return { valid: false, errors: [{ ...check.error }], ...(check.target ? { target: check.target } : {}) };
        case "no-content":
          if (isEmpty(r.body)) return { valid: true, errors: [], target: check.target };
          return {
            valid: false,
            errors: [
              {
                message: `${check.target.status} of ${check.target.method} ${check.target.path} declares no body; got ${byteLength(r.body) || "a"} ${byteLength(r.body) ? "bytes" : "value"}`,
                instancePath: "",
                schemaPath: "",
                specLocation: check.target.specLocation,
                keyword: "body",
              },
            ],
            target: check.target,
          };
        default:
          return validateBody(check, r.body);
      }
    },
  };
}
