// @veeam-sessions/spec: the API registry (spec/dist/apis.json, written by scripts/bundle.mjs
// from every spec/<api>/api.yaml) and the helpers every package uses on the bundled documents:
// find them, load them, follow `$ref`s, list operations and media types.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import { API_NAMES, type ApiName } from "../generated/names.js";

export { API_NAMES, type ApiName };
export type Json = Record<string, unknown>;

/** How clients authenticate: the client file of the API implements it. */
export interface ApiAuth {
  /** `session-header` (log on, then a session id header) or `oauth2-password` (bearer tokens). */
  kind: string;
  /** Where a client logs on or gets tokens: a path from the server's origin (`/api/oauth2/token`). */
  tokenPath?: string;
  /** The header that carries the session id (`session-header`). */
  header?: string;
  /** Where a client ends its logon session, when that is not `tokenPath` (`/api/oauth2/logout`). */
  logoutPath?: string;
  /** A header every request needs, the token request included (`x-api-version`). */
  versionHeader?: string;
}

/** One API of the registry: its manifest (spec/<api>/api.yaml) and what the bundle derived. */
export interface ApiEntry {
  /** Folder name under spec/ and the name every package uses: `enterprise-manager`. */
  slug: string;
  /** Short human title: `Enterprise Manager`. */
  title: string;
  /** Short name for CLIs and log lines: `em`. */
  alias: string;
  /** Default port of its mock. */
  port: number;
  /** The variable the vitest mock setup sets to its mock's base URL. */
  mockUrlEnv: string;
  auth: ApiAuth;
  /** A request to try against the mock; `{url}` is its base URL. */
  try?: string;
  /** HTML for the docs landing page (the file spec/<api>/<guide>, inlined by the bundle). */
  guide?: string;
  /**
   * How `veeam-mock`'s simulator plays this API (the file spec/<api>/<simulator>, parsed and
   * inlined by the bundle; its shape is `SimulatorProfile` in @veeam-sessions/mock).
   */
  simulator?: Record<string, unknown>;
  /** The document's `info.title`, `info.version` and `openapi`. */
  documentTitle: string;
  version: string;
  openapi: string;
  /** Path part of the first server URL, variables filled with their defaults: `/api/v1`. */
  basePath: string;
  /** The first server URL as written: `https://{host}:9398/api`. */
  server: string;
  operations: number;
  /** Bundled documents, relative to spec/dist. */
  files: { json: string; yaml: string };
}

export interface Registry {
  apis: ApiEntry[];
}

/** spec/dist: the bundled documents and apis.json (this file is dist/lib/src/index.js). */
export const distDir: string = fileURLToPath(new URL("../../", import.meta.url));

const BUNDLE_HINT = "run `npx -y pnpm@12.25.1 bundle` from the repository root (turbo runs it before builds and tests)";

let cached: Registry | undefined;

/** The registry, read once: every API with a spec/<api>/api.yaml, in port order. */
export function registry(): Registry {
  if (cached) return cached;
  const file = `${distDir}apis.json`;
  if (!existsSync(file)) throw new Error(`${file} is missing: ${BUNDLE_HINT}`);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Registry;
  if (!parsed || !Array.isArray(parsed.apis)) throw new Error(`${file} is not an API registry (no "apis" list)`);
  cached = parsed;
  return parsed;
}

/** Every API in the registry. */
export function apis(): readonly ApiEntry[] {
  return registry().apis;
}

/** The slugs of every API, in port order (the registry's order). */
export function apiNames(): ApiName[] {
  return apis().map((a) => a.slug as ApiName);
}

/** The API with this slug or alias (case-insensitive), or undefined. */
export function findApi(name: string): ApiEntry | undefined {
  const n = name.toLowerCase();
  return apis().find((a) => a.slug === n || a.alias === n);
}

/** The API with this slug or alias; an unknown name is an error that lists the known ones. */
export function getApi(name: string): ApiEntry {
  const found = findApi(name);
  if (!found) {
    const known = apis()
      .map((a) => `${a.slug} (${a.alias})`)
      .join(", ");
    throw new Error(`unknown api "${name}": use ${known}`);
  }
  return found;
}

/** Absolute path of an API's bundled document. */
export function specPath(api: string, ext: "json" | "yaml" = "json"): string {
  const entry = getApi(api);
  const file = `${distDir}${entry.files[ext]}`;
  if (!existsSync(file)) throw new Error(`${file} is missing: ${BUNDLE_HINT}`);
  return file;
}

function parseDocument(file: string, text: string): Json {
  const doc = JSON.parse(text) as unknown;
  if (!isObject(doc) || !isObject(doc.paths)) throw new Error(`${file} is not an OpenAPI document`);
  return doc;
}

/** An API's bundled document, parsed afresh (callers may change it). */
export function loadBundled(api: string): Json {
  const file = specPath(api);
  return parseDocument(file, readFileSync(file, "utf8"));
}

/** `loadBundled`, reading the file asynchronously. */
export async function readBundled(api: string): Promise<Json> {
  const file = specPath(api);
  return parseDocument(file, await readFile(file, "utf8"));
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One JSON Pointer token (RFC 6901). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The value at a `#/a/b` pointer of `doc`, or undefined. */
export function atPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "#" || pointer === "#/") return doc;
  if (!pointer.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of pointer.slice(2).split("/")) {
    const key = unescapeToken(raw);
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node)) node = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    else return undefined;
  }
  return node;
}

/** Follows local `$ref`s (chains too) from `node` at `pointer`; returns the target and its pointer. */
export function resolveRef(doc: unknown, node: unknown, pointer = "#"): { node: unknown; pointer: string } {
  let current = node;
  let at = pointer;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
    if (hops > 64) throw new Error(`$ref loop at ${at}`);
    at = current.$ref;
    if (!at.startsWith("#")) throw new Error(`non-local $ref ${at}`);
    current = atPointer(doc, at);
    if (current === undefined) throw new Error(`unresolved $ref ${at}`);
  }
  return { node: current, pointer: at };
}

/** Follows local `$ref`s (chains too) from `node`; a node without `$ref` is returned as is. */
export function deref<T = Json>(doc: unknown, node: unknown): T {
  return resolveRef(doc, node).node as T;
}

export interface Operation {
  /** Lowercase, as the document keys it: `get`. */
  method: HttpMethod;
  /** The path template: `/replicaSessions/{ID}`. */
  path: string;
  /** `#/paths/~1replicaSessions~1{ID}/get` */
  pointer: string;
  op: Json;
}

/** Every operation of a document, in document order. */
export function operationsOf(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, raw] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    const item = resolveRef(doc, raw, `#/paths/${escapeToken(path)}`);
    if (!isObject(item.node)) continue;
    for (const method of HTTP_METHODS) {
      const op = item.node[method];
      if (isObject(op)) out.push({ method, path, pointer: `${item.pointer}/${method}`, op });
    }
  }
  return out;
}

/** The responses of an operation, `$ref`s followed: status key → response object. */
export function responsesOf(doc: Json, op: Json): [string, Json][] {
  const responses = isObject(op.responses) ? op.responses : {};
  return Object.entries(responses).flatMap(([status, r]) => {
    const node = deref<unknown>(doc, r);
    return isObject(node) ? [[status, node] as [string, Json]] : [];
  });
}

/** The media types a response (or request body) offers, in document order. */
export function mediaTypesOf(doc: Json, response: unknown): string[] {
  const node = deref<unknown>(doc, response);
  return isObject(node) && isObject(node.content) ? Object.keys(node.content) : [];
}

export const isXmlMediaType = (type: string | undefined): boolean => !!type && /[/+]xml\b/i.test(type);
export const isJsonMediaType = (type: string | undefined): boolean => !!type && /[/+]json\b/i.test(type);

/** What a document's operations offer, for behaviour that follows the spec rather than a name. */
export interface MediaProfile {
  /** Some 2xx answer offers both an XML and a JSON media type (the server negotiates). */
  negotiates: boolean;
  /** The success media types offered, most preferred (first listed) first: `["application/xml", "application/json"]`. */
  offers: string[];
  /** Some error answer is `application/problem+json`. */
  problemJson: boolean;
  /** Some response has examples under the same key for XML and JSON (twins). */
  twins: boolean;
}

export function mediaProfile(doc: Json): MediaProfile {
  const offers: string[] = [];
  let negotiates = false;
  let problemJson = false;
  let twins = false;
  for (const { op } of operationsOf(doc)) {
    for (const [status, response] of responsesOf(doc, op)) {
      const types = mediaTypesOf(doc, response);
      if (/^[45]/.test(status) && types.some((t) => /problem\+json/i.test(t))) problemJson = true;
      const xml = types.find(isXmlMediaType);
      const json = types.find(isJsonMediaType);
      if (xml && json) {
        if (status.startsWith("2")) negotiates = true;
        const content = response.content as Record<string, Json>;
        const xmlExamples = content[xml]?.examples;
        const jsonExamples = content[json]?.examples;
        if (isObject(xmlExamples) && isObject(jsonExamples) && Object.keys(xmlExamples).some((k) => k in jsonExamples))
          twins = true;
      }
      if (status.startsWith("2")) for (const t of types) if (!offers.includes(t)) offers.push(t);
    }
  }
  return { negotiates, offers, problemJson, twins };
}
