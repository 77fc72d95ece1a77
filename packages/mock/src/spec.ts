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

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export { specPath } from "@veeam-sessions/spec";

const cache = new Map<ApiName, Json>();
export function loadSpec(api: ApiName): Json {
  const slug = getApi(api).slug as ApiName;
  let doc = cache.get(slug);
  if (!doc) {
    doc = loadBundled(slug) as Json;
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
 * else the document's). Variables take `vars`, else the server's defaults.
 */
export function rebase(source: Json, vars: Record<string, string> = {}): Rebased {
  const doc = structuredClone(source) as Json;
  const rootServer = (doc.servers as Json[] | undefined)?.[0] ?? { url: "/" };
  const values = (server: Json) => ({ ...defaultsOf(server), ...vars });
  const basePath = fill(serverPathTemplate(rootServer.url as string), values(rootServer));
  const paths: Json = {};
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    const server = (item as Json).servers?.[0] ?? rootServer;
    const prefix = fill(serverPathTemplate(server.url as string), values(server));
    delete (item as Json).servers;
    paths[prefix + path] = item;
  }
  doc.paths = paths;
  delete doc.servers;
  return { doc, basePath };
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
