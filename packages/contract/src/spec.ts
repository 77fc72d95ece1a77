// The bundled OpenAPI documents (spec/dist, shipped by @veeam-sessions/spec) and lookups in them:
// operation by method + path or by operationId, response by status, JSON Pointers for messages.
import {
  API_NAMES,
  HTTP_METHODS,
  atPointer,
  escapeToken,
  isObject,
  readBundled,
  resolveRef,
  type ApiName,
  type Json,
} from "@veeam-sessions/spec";

export { API_NAMES, atPointer, escapeToken, isObject, type ApiName, type Json };

/** Follows local `$ref`s from `node` (at `pointer`); returns the target and its pointer. */
export const deref = resolveRef;

/** Reads `@veeam-sessions/spec/<api>.json` (spec/dist): the bundled document of one API. */
export async function loadBundledSpec(api: ApiName): Promise<Json> {
  return readBundled(api);
}

export interface Operation {
  readonly api: string;
  /** Uppercase, as sent: `GET`. */
  readonly method: string;
  /** The path template as the spec writes it: `/replicaSessions/{ID}`. */
  readonly path: string;
  readonly operationId: string | undefined;
  /** `#/paths/~1replicaSessions~1{ID}/get` */
  readonly pointer: string;
  readonly node: Json;
}

/** A regular expression source for a path template: `{x}` matches one segment. */
function templateSource(template: string): string {
  return template
    .split(/(\{[^}]*\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
}

interface Template {
  readonly path: string;
  readonly regex: RegExp;
  /** Literal characters, to prefer `/a/b` over `/a/{x}` when both match. */
  readonly literal: number;
}

/** Operation lookups in one API's document. */
export class OperationIndex {
  readonly byMethodPath = new Map<string, Operation>();
  readonly byOperationId = new Map<string, Operation>();
  readonly methodsByPath = new Map<string, string[]>();
  private readonly templates: Template[] = [];
  /** Path parts of the server URLs (`/api`, `/api/{version}`), to strip from recorded full paths. */
  private readonly bases: RegExp[] = [];

  constructor(
    readonly api: string,
    readonly doc: Json,
  ) {
    const paths = isObject(doc.paths) ? doc.paths : {};
    for (const [path, rawItem] of Object.entries(paths)) {
      const itemPointer = `#/paths/${escapeToken(path)}`;
      const item = deref(doc, rawItem, itemPointer);
      if (!isObject(item.node)) continue;
      const methods: string[] = [];
      for (const m of HTTP_METHODS) {
        const node = item.node[m];
        if (!isObject(node)) continue;
        const op: Operation = {
          api,
          method: m.toUpperCase(),
          path,
          operationId: typeof node.operationId === "string" ? node.operationId : undefined,
          pointer: `${item.pointer}/${m}`,
          node,
        };
        methods.push(op.method);
        this.byMethodPath.set(`${op.method} ${path}`, op);
        if (op.operationId !== undefined) this.byOperationId.set(op.operationId, op);
      }
      this.methodsByPath.set(path, methods);
      if (path.includes("{")) {
        this.templates.push({
          path,
          regex: new RegExp(`^${templateSource(path)}$`),
          literal: path.replace(/\{[^}]*\}/g, "").length,
        });
      }
    }
    this.templates.sort((a, b) => b.literal - a.literal);
    const servers = [doc.servers, ...Object.values(paths).map((item) => (isObject(item) ? item.servers : undefined))];
    const seen = new Set<string>();
    for (const server of servers.flatMap((list): unknown[] => (Array.isArray(list) ? list : []))) {
      if (!isObject(server) || typeof server.url !== "string") continue;
      const m = /^(?:[a-z][a-z0-9+.-]*:)?(?:\/\/[^/]*)?(\/[^?#]*)/i.exec(server.url);
      const base = m?.[1]?.replace(/\/+$/, "");
      if (!base || seen.has(base)) continue;
      seen.add(base);
      this.bases.push(new RegExp(`^${templateSource(base)}(?=/)`));
    }
  }

  /**
   * The path template a recorded path belongs to: the template itself, a concrete path
   * (`/replicaSessions/0bcf…`), with or without a query string, a trailing slash or the
   * servers' base path (`/api/replicaSessions/…`).
   */
  templateOf(path: string): string | undefined {
    const found = this.match(path);
    if (found !== undefined) return found;
    for (const base of this.bases) {
      const m = base.exec(path);
      if (m) {
        const rest = this.match(path.slice(m[0].length));
        if (rest !== undefined) return rest;
      }
    }
    return undefined;
  }

  private match(path: string): string | undefined {
    const q = path.search(/[?#]/);
    const bare = q < 0 ? path : path.slice(0, q);
    const candidates = [bare];
    if (bare.length > 1 && bare.endsWith("/")) candidates.push(bare.slice(0, -1));
    else candidates.push(`${bare}/`);
    for (const c of candidates) if (this.methodsByPath.has(c)) return c;
    for (const c of candidates) for (const t of this.templates) if (t.regex.test(c)) return t.path;
    return undefined;
  }
}

/** `#/paths/~1x/get/responses/404` or, for a `$ref`'d response, `#/components/responses/NotFound`. */
export interface ResolvedResponse {
  /** The key it was found under: `200`, `4XX`, `default`. */
  readonly key: string;
  readonly node: Json;
  readonly pointer: string;
}

/** The response for a status: the exact code, else its range (`4XX`), else `default`. */
export function responseFor(doc: Json, op: Operation, status: number): ResolvedResponse | undefined {
  const responses = isObject(op.node.responses) ? op.node.responses : {};
  const exact = String(status);
  const range = `${exact[0]}XX`;
  let key: string | undefined;
  if (Object.prototype.hasOwnProperty.call(responses, exact)) key = exact;
  else
    key =
      Object.keys(responses).find((k) => k.toUpperCase() === range) ??
      (Object.prototype.hasOwnProperty.call(responses, "default") ? "default" : undefined);
  if (key === undefined) return undefined;
  const r = deref(doc, responses[key], `${op.pointer}/responses/${escapeToken(key)}`);
  return isObject(r.node) ? { key, node: r.node, pointer: r.pointer } : undefined;
}

export function declaredStatuses(op: Operation): string[] {
  return isObject(op.node.responses) ? Object.keys(op.node.responses) : [];
}
