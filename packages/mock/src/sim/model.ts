// The API's document as the simulator uses it: operations matched by method and path (the
// document rebased onto the servers' base paths, every version of a versioned API), their
// parameters, security, responses and examples. Nothing here knows an API by name.
import { deref, HTTP_METHODS, isObject, isJsonMediaType, isXmlMediaType, type Json } from "@veeam-sessions/spec";

export interface SimOperation {
  id: string;
  method: string;
  /** Rebased template: `/api/backupSessions/{ID}`. */
  template: string;
  regex: RegExp;
  /** Path parameter names in order. */
  names: string[];
  /** Literal segments (more wins when two templates match). */
  literals: number;
  /** Query parameters by lowercase name → their declared name. */
  query: Map<string, string>;
  /** Needs a session or token (its effective security has a scheme other than HTTP Basic). */
  secured: boolean;
  /** Its security is HTTP Basic only (the logon). */
  basic: boolean;
  /** Status → response object ($refs followed). */
  responses: Map<string, Json>;
  op: Json;
}

export class SpecModel {
  readonly operations: SimOperation[] = [];
  private readonly byId = new Map<string, SimOperation[]>();

  constructor(readonly doc: Json) {
    const schemes = (
      isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {}
    ) as Record<string, Json>;
    const isBasic = (name: string) => {
      const s = deref<Json>(doc, schemes[name]);
      return s?.type === "http" && String(s.scheme).toLowerCase() === "basic";
    };
    for (const [template, rawItem] of Object.entries(doc.paths as Record<string, Json>)) {
      const item = deref<Json>(doc, rawItem);
      for (const method of HTTP_METHODS) {
        const op = item[method] as Json | undefined;
        if (!isObject(op) || typeof op.operationId !== "string") continue;
        const params = [...((item.parameters as Json[]) ?? []), ...((op.parameters as Json[]) ?? [])].map((p) =>
          deref<Json>(doc, p),
        );
        const security = (op.security ?? doc.security ?? []) as Json[];
        const schemeNames = security.flatMap((req) => Object.keys(req));
        const names: string[] = [];
        const segments = template.split("/");
        const pattern = segments
          .map((seg) =>
            seg.replace(/\{([^}]+)\}|[^{}]+/g, (m, name: string | undefined) => {
              if (name) {
                names.push(name);
                return "([^/]+)";
              }
              return m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            }),
          )
          .join("/");
        const entry: SimOperation = {
          id: op.operationId,
          method: method.toUpperCase(),
          template,
          // Trailing slash optional (EM's logon is `/sessionMngr/`); paths compare case-insensitively like IIS.
          regex: new RegExp(`^${pattern.replace(/\/$/, "")}/?$`, "i"),
          names,
          literals: segments.filter((s) => s && !s.includes("{")).length,
          query: new Map(
            params.filter((p) => p.in === "query").map((p) => [String(p.name).toLowerCase(), String(p.name)]),
          ),
          secured: schemeNames.some((n) => !isBasic(n)),
          basic: schemeNames.length > 0 && schemeNames.every(isBasic),
          responses: new Map(
            Object.entries((op.responses ?? {}) as Json).map(([status, r]) => [status, deref<Json>(doc, r)]),
          ),
          op,
        };
        this.operations.push(entry);
        this.byId.set(entry.id, [...(this.byId.get(entry.id) ?? []), entry]);
      }
    }
    // Most literal segments first: `/jobSessions/export` before `/jobSessions/{sessionId}`.
    this.operations.sort((a, b) => b.literals - a.literals);
  }

  /** The operation for a request, or why not: 404 (no path) or 405 (path, not method). */
  match(
    method: string,
    path: string,
  ): { op: SimOperation; params: Record<string, string> } | { status: 404 | 405; op?: SimOperation } {
    let pathFound: SimOperation | undefined;
    for (const op of this.operations) {
      const m = op.regex.exec(path);
      if (!m) continue;
      pathFound ??= op;
      if (op.method !== method) continue;
      const params: Record<string, string> = {};
      op.names.forEach((name, i) => (params[name] = m[i + 1]!));
      return { op, params };
    }
    return pathFound ? { status: 405, op: pathFound } : { status: 404 };
  }

  /** Every rebased copy of an operation (one per API version). */
  copies(operationId: string): SimOperation[] {
    return this.byId.get(operationId) ?? [];
  }

  schema(name: string): Json | undefined {
    const schemas = (this.doc.components as Json | undefined)?.schemas as Record<string, Json> | undefined;
    return schemas?.[name];
  }

  /** A named example's value from components.examples. */
  example(name: string): unknown {
    const examples = (this.doc.components as Json | undefined)?.examples as Record<string, Json> | undefined;
    return examples?.[name]?.value;
  }

  /** The response's media types, in document order. */
  mediaTypes(op: SimOperation, status: string): string[] {
    const response = op.responses.get(status);
    return isObject(response?.content) ? Object.keys(response.content) : [];
  }

  /** The first example of a response in a media type (JSON value, or XML text). */
  responseExample(op: SimOperation, status: string, mediaType: string): unknown {
    return this.responseExamples(op, status, mediaType)[0];
  }

  /** Every example of a response in a media type, in document order. */
  responseExamples(op: SimOperation, status: string, mediaType: string): unknown[] {
    const content = (op.responses.get(status)?.content as Record<string, Json> | undefined)?.[mediaType];
    if (!content) return [];
    if (content.example !== undefined) return [content.example];
    return Object.values((content.examples ?? {}) as Record<string, Json>).map((e) => deref<Json>(this.doc, e).value);
  }

  /** The example of a response named `name` in its `examples` map, if there is one. */
  namedResponseExample(op: SimOperation, status: string, mediaType: string, name: string): unknown {
    const content = (op.responses.get(status)?.content as Record<string, Json> | undefined)?.[mediaType];
    const example = (content?.examples as Record<string, Json> | undefined)?.[name];
    return example ? deref<Json>(this.doc, example).value : undefined;
  }

  /** The first 2xx status an operation answers with. */
  success(op: SimOperation): string {
    return [...op.responses.keys()].find((s) => s.startsWith("2")) ?? "200";
  }

  /** The response status to use for an error: the operation's own, else its `default`. */
  errorStatus(op: SimOperation | undefined, status: number): string | undefined {
    if (!op) return undefined;
    if (op.responses.has(String(status))) return String(status);
    if (op.responses.has(`${String(status)[0]}XX`)) return `${String(status)[0]}XX`;
    return op.responses.has("default") ? "default" : undefined;
  }
}

export const isXml = isXmlMediaType;

/** A member's value as text: strings as they are, numbers and booleans written out, else "". */
export function text(value: unknown): string {
  return typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : "";
}
export const isJson = isJsonMediaType;
