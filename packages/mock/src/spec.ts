// The bundled specs as Prism should see them: paths rebased onto the servers' base paths (a path
// item's own `servers` included, e.g. an unversioned token endpoint), so Prism answers under the
// base path like the real servers, and a path without it is a 404 as it would be there.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  apiNames,
  deref,
  getApi,
  isXmlMediaType,
  isJsonMediaType,
  loadBundled,
  type ApiName,
} from "@veeam-sessions/spec";

/** An API's slug in the registry of @veeam-sessions/spec (one per `spec/<api>/api.yaml`). */
export type { ApiName };
/** Every API in the registry, in port order. */
export const APIS: readonly ApiName[] = apiNames();

// Walks the bundled documents as loosely typed JSON (`any` values), so the no-unsafe-* rules are off here.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export { specPath } from "@veeam-sessions/spec";

const cache = new Map<ApiName, Json>();
export function loadSpec(api: ApiName): Json {
  const slug = getApi(api).slug as ApiName;
  let doc = cache.get(slug);
  if (!doc) {
    doc = loadBundled(slug);
    cache.set(slug, doc);
  }
  return doc;
}

/** `https://{host}/api/{version}` → `/api/{version}`: the path part of a server URL, variables kept. */
export function serverPathTemplate(url: string): string {
  const withoutOrigin = url.replace(/^[a-z]+:\/\/[^/]*/i, "");
  return withoutOrigin.replace(/\/+$/, "");
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`no value for the server variable {${name}}`);
    return value;
  });
}

function defaultsOf(server: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries((server.variables ?? {}) as Json)) out[name] = String((v as Json).default);
  return out;
}

export interface Rebased {
  /** The document to hand to Prism. */
  doc: Json;
  /** Base path of the document's own servers, e.g. `/api` or `/api/v1`. */
  basePath: string;
}

/**
 * Rebases every path onto the base path of the server it lives on (its path item's `servers`,
 * else the document's). Variables take `vars`, else the server's defaults; a variable of the
 * document's server that has an `enum` and no value in `vars` (a `version` variable, say)
 * is expanded instead: every path is served once per value, each copy with only the
 * operations and responses that version has (`x-since` / `x-until`, spec/EXTENSIONS.md).
 */
export function rebase(source: Json, vars: Record<string, string> = {}): Rebased {
  const doc = structuredClone<Json>(source);
  const rootServer = (doc.servers as Json[] | undefined)?.[0] ?? { url: "/" };
  const values = (server: Json) => ({ ...defaultsOf(server), ...vars });
  const basePath = fill(serverPathTemplate(rootServer.url as string), values(rootServer));
  const expanded = Object.entries((rootServer.variables ?? {}) as Json).filter(
    ([name, v]) => vars[name] === undefined && Array.isArray((v as Json).enum),
  );
  const paths: Json = {};
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    const server = (item as Json).servers?.[0] as Json | undefined;
    delete (item as Json).servers;
    if (server || expanded.length === 0) {
      const s = server ?? rootServer;
      paths[fill(serverPathTemplate(s.url as string), values(s)) + path] = item;
      continue;
    }
    for (const combination of combinations(expanded)) {
      const copy = forVersions(item as Json, combination, expanded);
      if (copy)
        paths[fill(serverPathTemplate(rootServer.url as string), { ...values(rootServer), ...combination }) + path] =
          copy;
    }
  }
  doc.paths = paths;
  delete doc.servers;
  return { doc, basePath };
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

function combinations(variables: [string, unknown][]): Record<string, string>[] {
  return variables.reduce<Record<string, string>[]>(
    (acc, [name, v]) =>
      acc.flatMap((c) => ((v as Json).enum as unknown[]).map((value) => ({ ...c, [name]: String(value) }))),
    [{}],
  );
}

/**
 * Whether an element marked `x-since` / `x-until` exists in `version` (an enum value; the
 * enum's order is the versions' order). Unmarked elements exist in every version.
 */
export function inVersion(element: Json, version: string, order: readonly string[]): boolean {
  const at = order.indexOf(version);
  const since = element["x-since"] as string | undefined;
  const until = element["x-until"] as string | undefined;
  if (since !== undefined && (order.indexOf(since) < 0 || at < order.indexOf(since))) return false;
  if (until !== undefined && (order.indexOf(until) < 0 || at > order.indexOf(until))) return false;
  return true;
}

/** A copy of the path item with only what exists in the chosen versions; undefined if no operation is left. */
function forVersions(
  item: Json,
  combination: Record<string, string>,
  variables: [string, unknown][],
): Json | undefined {
  const copy = structuredClone(item);
  const check = (element: Json) =>
    variables.every(([name, v]) => inVersion(element, combination[name]!, ((v as Json).enum as unknown[]).map(String)));
  let operations = 0;
  for (const method of METHODS) {
    const op = copy[method] as Json | undefined;
    if (!op) continue;
    if (!check(op)) {
      delete copy[method];
      continue;
    }
    operations++;
    for (const [code, response] of Object.entries((op.responses ?? {}) as Json))
      if (response && typeof response === "object" && !check(response as Json)) delete (op.responses as Json)[code];
  }
  return operations > 0 ? copy : undefined;
}

/**
 * For `veeam-mock proxy`: splits an upstream URL such as `https://host:9398/api` or
 * `https://gw/veeam/api/v1` into the origin Prism forwards to (with any gateway prefix before
 * the document's base path) and the values of the server variables (`version`).
 */
export function splitUpstream(source: Json, upstream: string): { target: string; vars: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new Error(`--upstream ${upstream} is not a URL (e.g. https://host:9398/api)`);
  }
  const template = serverPathTemplate(((source.servers as Json[] | undefined)?.[0]?.url as string | undefined) ?? "/");
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const match = new RegExp(`^(.*?)${pattern}$`).exec(url.pathname.replace(/\/+$/, ""));
  if (!match) {
    throw new Error(
      `--upstream ${upstream} must end with the API's base path ${template || "/"} (e.g. https://host${template.replace("{version}", "v1")})`,
    );
  }
  const vars: Record<string, string> = {};
  names.forEach((name, i) => (vars[name] = match[i + 2]!));
  return { target: `${url.origin}${match[1]}`, vars };
}

/** Writes a rebased document where Prism can read it; `remove()` deletes it again. */
export function writeTemp(api: ApiName, doc: Json): { path: string; dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "veeam-mock-"));
  const path = join(dir, `${api}.json`);
  writeFileSync(path, JSON.stringify(doc));
  if (!exitHook) exitHook = !!process.once("exit", removeAll);
  temps.add(dir);
  return {
    path,
    dir,
    remove: () => {
      temps.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Temporary documents are also removed when the process ends without stop() (a test that
// forgot it, an uncaught error).
const temps = new Set<string>();
let exitHook = false;
function removeAll(): void {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  temps.clear();
}

/**
 * Examples that come in XML/JSON twins (the same key under an XML and a JSON media type of one
 * response). Prism answers an invalid request (no session, a bad parameter) with the first
 * media type's example whatever `Accept` says; this maps each XML example body to its JSON
 * twin so the front can answer in JSON.
 */
export function xmlTwins(doc: Json): Map<string, string> {
  const twins = new Map<string, string>();
  for (const item of Object.values(doc.paths as Json)) {
    for (const op of Object.values(item as Json)) {
      if (!op || typeof op !== "object" || !(op as Json).responses) continue;
      for (const r of Object.values((op as Json).responses as Json)) {
        const content = (deref<Json | undefined>(doc, r)?.content ?? {}) as Json;
        const types = Object.keys(content);
        const xmlType = types.find(isXmlMediaType);
        const jsonType = types.find(isJsonMediaType);
        const xml = xmlType ? (content[xmlType]?.examples as Json | undefined) : undefined;
        const json = jsonType ? (content[jsonType]?.examples as Json | undefined) : undefined;
        if (!xml || !json) continue;
        for (const [key, ex] of Object.entries(xml)) {
          const text = deref<Json | undefined>(doc, ex)?.value;
          const twin = json[key] === undefined ? undefined : deref<Json | undefined>(doc, json[key])?.value;
          if (typeof text === "string" && twin !== undefined) twins.set(text.trim(), JSON.stringify(twin));
        }
      }
    }
  }
  return twins;
}
