// Which part of the contract a recorded response is checked against: the API, the operation
// (by method + path or by operationId), the response (by status: exact, else `4XX`, else
// `default`) and the content (by media type: parameters dropped; `type/*` and `*/*` keys
// match). Each answer is cached per (api, operationId, method, path, status, media type).
import { bodyKind, essence, matchContentKey, type BodyKind } from "./media.js";
import { bodyIssue, show, type ContractError } from "./reporting.js";
import {
  declaredStatuses,
  escapeToken,
  isObject,
  responseFor,
  type Json,
  type Operation,
  type OperationIndex,
} from "./spec.js";

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
  /**
   * JSON only: read the member names as the schema's (`"pascal"`, EM 12) or as their camelCase
   * (`"camel"`, EM 13) instead of finding out. Ignored for an API whose JSON has one casing.
   */
  casing?: JsonCasing;
}

/** How a JSON body spells member names: as the schema does (`pascal`) or camelCased (`camel`, EM 13). */
export type JsonCasing = "pascal" | "camel";

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

/** What the lookup needs of an API's document. */
export interface LookupDocument {
  readonly api: string;
  readonly doc: Json;
  readonly index: OperationIndex;
}

/** One (api, operation, status, media type) resolved against the spec. */
export type Check<C extends LookupDocument> =
  | { readonly kind: "lookup"; readonly error: ContractError; readonly target?: ContractTarget }
  | { readonly kind: "no-content"; readonly target: ContractTarget }
  | BodyCheck<C>;

export interface BodyCheck<C extends LookupDocument> {
  readonly kind: BodyKind;
  readonly target: ContractTarget;
  readonly contract: C;
  /** The schema as the spec has it (for the codec), and where. */
  readonly schema: unknown;
  readonly pointer: string;
  readonly mediaEssence: string;
}

function lookupError(keyword: string, message: string, specLocation = ""): { kind: "lookup"; error: ContractError } {
  return { kind: "lookup", error: bodyIssue(keyword, message, specLocation) };
}

function describeOp(op: Operation): string {
  return `${op.method} ${op.path}${op.operationId ? ` (${op.operationId})` : ""}`;
}

export function list(items: readonly string[]): string {
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

/** Resolves recorded responses against the documents, with a bounded cache. */
export class ResponseLookup<C extends LookupDocument> {
  readonly apis: readonly string[];
  // Checks by (api, operationId, method, path, status, mediaType), as a trie of Maps: the field
  // values are usually the same string objects call after call, so each lookup hits a cached
  // hash instead of hashing a concatenated key.
  private checks: Trie<C> = new Map();
  private cached = 0;

  constructor(private readonly contracts: ReadonlyMap<string, C>) {
    this.apis = [...contracts.keys()];
  }

  /** The check for a response (cached). */
  checkFor(r: RecordedResponse): Check<C> {
    let node = this.checks;
    for (const key of [r.api, r.operationId, r.method, r.path, r.status]) {
      let next = node.get(key) as Trie<C> | undefined;
      if (next === undefined) node.set(key, (next = new Map()));
      node = next;
    }
    let check = node.get(r.mediaType) as Check<C> | undefined;
    if (check === undefined) {
      check = this.resolve(r);
      if (++this.cached > 4096) {
        // Concrete paths (one per id) could grow this without bound.
        this.checks = new Map();
        this.cached = 0;
      }
      node.set(r.mediaType, check);
    }
    return check;
  }

  private findOperation(r: RecordedResponse): Operation | Check<C> {
    const { contracts, apis } = this;
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

  private resolve(r: RecordedResponse): Check<C> {
    const found = this.findOperation(r);
    if ("kind" in found) return found;
    const op = found;
    const contract = this.contracts.get(op.api)!;
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
}

type Trie<C extends LookupDocument> = Map<unknown, Trie<C> | Check<C>>;
