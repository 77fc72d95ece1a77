// Bundles every API that has a manifest, spec/<api>/api.yaml, into spec/dist/<api>.yaml and
// .json (one self-contained document each, components kept) and writes the registry
// spec/dist/apis.json that @veeam-sessions/spec exports. A new API is a new folder: nothing
// else names it. `--roots` prints the root documents (for `redocly lint`). `--only <slug>,…`
// bundles only those APIs and takes the others' documents from spec/dist as the last full bundle
// left them (the new-API test: the build has bundled every other API already).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";

const specDir = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(specDir);
const redocly = join(specDir, "node_modules", ".bin", "redocly");
const dist = join(specDir, "dist");
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every spec/<api>/api.yaml, checked: the fields the packages rely on, unique aliases and ports. */
export function readManifests(dir = specDir) {
  const manifests = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, "api.yaml");
    if (!existsSync(file)) continue;
    const m = parse(readFileSync(file, "utf8"));
    const where = relative(root, file);
    const need = (cond, what) => {
      if (!cond) throw new Error(`${where}: ${what}`);
    };
    need(m && typeof m === "object", "is not a mapping");
    need(m.slug === name, `slug must be the folder name "${name}" (it is "${m.slug}")`);
    need(/^[a-z][a-z0-9-]*$/.test(m.slug), "slug must be lowercase kebab-case");
    need(typeof m.title === "string" && m.title, "title is required");
    need(typeof m.alias === "string" && /^[a-z][a-z0-9]*$/.test(m.alias), "alias must be a short lowercase word");
    need(Number.isInteger(m.port) && m.port > 0 && m.port < 65536, "port must be a port number");
    need(typeof m.root === "string" && existsSync(join(dir, name, m.root)), `root ${m.root} does not exist`);
    need(m.auth && typeof m.auth.kind === "string", "auth.kind is required");
    if (m.guide !== undefined) need(existsSync(join(dir, name, m.guide)), `guide ${m.guide} does not exist`);
    if (m.simulator !== undefined)
      need(existsSync(join(dir, name, m.simulator)), `simulator ${m.simulator} does not exist`);
    m.mockUrlEnv ??= `VEEAM_MOCK_${m.alias.toUpperCase()}_URL`;
    need(/^[A-Z][A-Z0-9_]*$/.test(m.mockUrlEnv), "mockUrlEnv must be an environment variable name");
    for (const other of manifests) {
      need(other.alias !== m.alias && other.slug !== m.alias, `alias "${m.alias}" is taken by ${other.slug}`);
      need(other.port !== m.port, `port ${m.port} is taken by ${other.slug}`);
    }
    manifests.push({ ...m, dir: join(dir, name) });
  }
  if (manifests.length === 0) throw new Error(`no spec/<api>/api.yaml under ${dir}`);
  return manifests.sort((a, b) => a.port - b.port);
}

/** `https://{host}/api/{version}` with its variables' defaults → `/api/v1`. */
function basePathOf(server) {
  const vars = server?.variables ?? {};
  const url = String(server?.url ?? "/").replace(/\{([^}]+)\}/g, (_, n) => String(vars[n]?.default ?? `{${n}}`));
  return url.replace(/^[a-z]+:\/\/[^/]*/i, "").replace(/\/+$/, "");
}

/**
 * One `redocly bundle` per API, to YAML; the JSON is the same document (parsed with the YAML 1.1
 * schema the YAML was written with, so every scalar keeps its type), not a second Redocly run.
 * The APIs bundle side by side.
 */
async function bundleApi(m, env) {
  const yaml = join(dist, `${m.slug}.yaml`);
  const json = join(dist, `${m.slug}.json`);
  await promisify(execFile)(
    redocly,
    ["bundle", join(m.dir, m.root), "--config", join(root, "redocly.yaml"), "--output", yaml, "--ext", "yaml"],
    { cwd: root, env },
  );
  writeFileSync(json, JSON.stringify(parse(readFileSync(yaml, "utf8"), { version: "1.1" }), null, 2));
  for (const out of [yaml, json])
    console.log(`bundled ${m.slug} -> ${relative(root, out)} (${statSync(out).size} bytes)`);
}

async function bundle(only) {
  const manifests = readManifests();
  for (const slug of only ?? [])
    if (!manifests.some((m) => m.slug === slug)) throw new Error(`--only: no spec/${slug}/api.yaml`);
  mkdirSync(dist, { recursive: true });
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
  const apis = [];
  await Promise.all(manifests.filter((m) => !only || only.includes(m.slug)).map((m) => bundleApi(m, env)));
  for (const m of manifests) {
    if (!existsSync(join(dist, `${m.slug}.json`))) throw new Error(`${m.slug} is not bundled: run without --only`);
    const doc = JSON.parse(readFileSync(join(dist, `${m.slug}.json`), "utf8"));
    const server = doc.servers?.[0];
    const { dir: _dir, root: _root, guide, simulator, ...manifest } = m;
    apis.push({
      ...manifest,
      ...(guide ? { guide: readFileSync(join(m.dir, guide), "utf8") } : {}),
      ...(simulator ? { simulator: parse(readFileSync(join(m.dir, simulator), "utf8")) } : {}),
      documentTitle: doc.info.title,
      version: doc.info.version,
      openapi: doc.openapi,
      basePath: basePathOf(server),
      server: server?.url ?? "/",
      operations: Object.values(doc.paths ?? {}).reduce((n, item) => n + METHODS.filter((k) => item[k]).length, 0),
      files: { json: `${m.slug}.json`, yaml: `${m.slug}.yaml` },
    });
  }
  writeFileSync(join(dist, "apis.json"), `${JSON.stringify({ apis }, null, 2)}\n`);
  // The names as a TypeScript union, so `Record<ApiName, …>` and `api: ApiName` follow the registry.
  mkdirSync(join(specDir, "generated"), { recursive: true });
  writeFileSync(
    join(specDir, "generated", "names.ts"),
    "// Generated by spec/scripts/bundle.mjs from spec/*/api.yaml. Do not edit: run `pnpm bundle`.\n" +
      `export const API_NAMES = ${JSON.stringify(apis.map((a) => a.slug))} as const;\n` +
      "export type ApiName = (typeof API_NAMES)[number];\n",
  );
  console.log(`registry -> ${relative(root, join(dist, "apis.json"))} (${apis.map((a) => a.slug).join(", ")})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes("--roots")) {
      // The root documents, one per line, for `redocly lint`.
      for (const m of readManifests()) console.log(relative(process.cwd(), join(m.dir, m.root)));
    } else {
      const at = process.argv.indexOf("--only");
      await bundle(at < 0 ? undefined : String(process.argv[at + 1] ?? "").split(","));
    }
  } catch (error) {
    console.error(`bundle: ${error.message}`);
    process.exit(1);
  }
}
