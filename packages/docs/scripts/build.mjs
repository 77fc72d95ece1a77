#!/usr/bin/env node
// Builds the static docs site into packages/docs/dist:
//   index.html                 landing page (src/index.html + src/style.css, filled from the specs)
//   <api>.html                 one Redoc reference page per API (`redocly build-docs --inlineBundle`)
//   openapi/<api>.{yaml,json}  the bundled documents, for download
// The APIs are the registry of @veeam-sessions/spec (one per spec/<api>/api.yaml), so a new API
// gets its page and its landing-page section (src/api-section.html, with the guide its folder
// brings) with no edit here. Everything works offline: Redoc's script is inlined, and the few asset URLs the
// Redoc bundle would load from Redocly's CDN (a logo, file-type icons) are rewritten to inline
// data, so a page requests nothing from any host but its own. The build fails if any external
// asset reference is left. The spec's x-codeSamples languages are passed to Redoc, which
// otherwise hides samples in languages it does not list.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { HTTP_METHODS, apis as registryApis, loadBundled, operationsOf, specPath } from "@veeam-sessions/spec";

const pkgDir = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(pkgDir, "dist");
const require = createRequire(join(pkgDir, "package.json"));

/** Redoc 3 asset URLs (in @redocly/cli 2.77's inlined bundle) and their offline replacements. */
const svg = (body, w, h) =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${body}</svg>`)}`;
const text = (x, y, size, content) =>
  `<text x="${x}" y="${y}" font-family="system-ui,sans-serif" font-size="${size}" font-weight="700" fill="#0044d4">${content}</text>`;
export const ASSET_REWRITES = [
  // The "API docs by Redocly" attribution in the sidebar footer: keep it, drawn locally.
  ["https://cdn.redoc.ly/redoc/logo-mini-full.svg", svg(text(0, 15, 15, "Redocly"), 64, 20)],
  ["https://cdn.redoc.ly/redoc/logo-mini.svg", svg(text(3, 15, 15, "R"), 16, 20)],
  // File-type and Font Awesome icons (code-sample tabs, markdown icons): no icon rather than a CDN.
  ["https://cdn.redocly.com/icons/fa/7.0.0", "data:,"],
  ["https://cdn.redocly.com/icons/code/5.24.0", "data:,"],
];

/** Hosts that serve page assets (scripts, styles, fonts, images); none may remain in a page. */
const ASSET_HOSTS =
  /\b(cdn\.redoc\.ly|cdn\.redocly\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com)\b/g;

/**
 * External asset references in an HTML page: asset hosts anywhere (the Redoc bundle builds its
 * URLs in script), and absolute or protocol-relative `src`/`href` on anything but a link (`<a>`).
 * @param {string} html
 * @returns {string[]}
 */
export function externalAssets(html) {
  const found = new Set();
  for (const m of html.matchAll(ASSET_HOSTS)) found.add(m[0]);
  for (const m of html.matchAll(
    /<(?!a[\s>])([a-z][\w-]*)\b[^>]*?\s(?:src|href|srcset|poster|data)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
  )) {
    found.add(`<${m[1]}> ${m[2]}`);
  }
  for (const m of html.matchAll(
    /(?:url\(\s*["']?|@import\s+["']?|\bfrom\s*["']|\bimport\(\s*["'])((?:https?:)?\/\/[^"')\s]+)/gi,
  )) {
    found.add(m[1]);
  }
  return [...found];
}

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const inlineCode = (s) => escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The APIs of the registry, with the paths of their bundled documents. */
function specApis() {
  return registryApis().map((entry) => ({
    name: entry.slug,
    entry,
    yaml: specPath(entry.slug, "yaml"),
    json: specPath(entry.slug, "json"),
    doc: loadBundled(entry.slug),
  }));
}

/** @param {any} doc */
function operations(doc) {
  return operationsOf(doc).map(({ method, path, op }) => ({ method, path, ...op }));
}

/** Redoc's slug of a tag name in its hash routes (`#/<tag slug>/<operationid>`). */
export const tagSlug = (tag) =>
  String(tag)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

/** The reference page's link to an operation: `<api>.html#/<tag slug>/<operationid in lowercase>`. */
export const operationHref = (apiName, op) =>
  `${apiName}.html#/${tagSlug(op.tags?.[0] ?? "")}/${String(op.operationId).toLowerCase()}`;

function operationsTable(name, doc) {
  const rows = operations(doc).map(
    (op) =>
      `<tr><td class="method">${op.method.toUpperCase()}</td><td><code>${escapeHtml(op.path)}</code></td>` +
      `<td><a href="${escapeHtml(operationHref(name, op))}">${escapeHtml(op.summary ?? op.operationId)}</a></td>` +
      `<td><code>${escapeHtml(op.operationId ?? "")}</code></td></tr>`,
  );
  return `<table>\n<thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>operationId</th></tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`;
}

/**
 * Redoc 3 shows an operation's `x-codeSamples` only in the languages its `codeSamples.languages`
 * option lists (by default curl, JavaScript, … keyed by label), so a sample labelled
 * `@veeam-sessions/client` would be hidden. List every sample language the spec uses, first,
 * then Redoc's own request-body tab ("Payload").
 * @param {any} doc
 */
export function redocOptions(doc) {
  const languages = new Map();
  for (const op of operations(doc)) {
    for (const sample of op["x-codeSamples"] ?? op["x-code-samples"] ?? []) {
      const label = sample.label ?? sample.lang;
      if (!languages.has(label)) languages.set(label, { lang: sample.lang, label });
    }
  }
  return {
    jsonSamplesExpandLevel: 3,
    codeSamples: { languages: [...languages.values(), { lang: "payload", label: "Payload" }] },
  };
}

/**
 * The repository URL the published pages and specs link to: VEEAM_SESSIONS_REPO_URL at build
 * time. The specs carry a placeholder (`PLACEHOLDER_REPO`); without the variable the link is
 * left out rather than published pointing nowhere.
 */
export const PLACEHOLDER_REPO = "https://github.com/veeam-sessions/veeam-sessions";
export function repoUrl(env = process.env) {
  const url = env.VEEAM_SESSIONS_REPO_URL?.trim();
  if (!url) return undefined;
  if (!/^https?:\/\/[^\s"'<>]+$/.test(url)) throw new Error(`VEEAM_SESSIONS_REPO_URL is not an http(s) URL: ${url}`);
  return url;
}

/** A shell variable for a header's value: X-RestSvcSessionId → REST_SVC_SESSION_ID. */
const envName = (header) =>
  header
    .replace(/^X-/i, "")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();

const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** An operation's base URL: its own, its path's or the document's first server, variables at their defaults. */
function serverUrl(doc, item, op) {
  const server = (op.servers ?? item.servers ?? doc.servers ?? [{ url: "" }])[0];
  return server.url.replace(/\{([^}]+)\}/g, (whole, name) => server.variables?.[name]?.default ?? whole);
}

/**
 * `curl` for one operation, from the spec: its URL (path parameters as <name> placeholders),
 * credentials as its security scheme asks (shell variables), its example request body, and
 * one command per response media type when the success response offers XML and JSON.
 */
export function curlSample(doc, path, method, item = doc.paths[path], op = item[method]) {
  const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(doc, p));
  const url =
    serverUrl(doc, item, op) +
    path.replace(/\{([^}]+)\}/g, (whole, name) => {
      const p = params.find((x) => x.in === "path" && x.name === name);
      return encodeURIComponent(String(p?.example ?? p?.schema?.example ?? "")) || `<${name}>`;
    }) +
    params
      .filter((p) => p.in === "query" && p.required)
      .map(
        (p, i) =>
          `${i ? "&" : "?"}${p.name}=${encodeURIComponent(String(p.example ?? p.schema?.example ?? `<${p.name}>`))}`,
      )
      .join("");
  const lines = [`curl ${method === "get" ? "" : `-X ${method.toUpperCase()} `}${shellQuote(url)}`];
  const requirement = (op.security ?? doc.security ?? [])[0] ?? {};
  for (const name of Object.keys(requirement)) {
    const scheme = doc.components?.securitySchemes?.[name] ?? {};
    if (scheme.type === "http" && scheme.scheme === "basic") lines.push(`-u "$USERNAME:$PASSWORD"`);
    else if (scheme.type === "apiKey" && scheme.in === "header") {
      lines.push(`-H "${scheme.name}: $${envName(scheme.name)}"`);
    } else if (scheme.type === "http" || scheme.type === "oauth2")
      lines.push(`-H "Authorization: Bearer $ACCESS_TOKEN"`);
  }
  // Required headers other than credentials, such as a revision header every request carries.
  for (const p of params.filter((x) => x.in === "header" && x.required)) {
    const example = Object.values(p.examples ?? {}).map((e) => deref(doc, e)?.value)[0];
    lines.push(`-H ${shellQuote(`${p.name}: ${p.example ?? p.schema?.default ?? example ?? `<${p.name}>`}`)}`);
  }
  const body = op.requestBody && deref(doc, op.requestBody);
  const [bodyType, bodyMedia] = Object.entries(body?.content ?? {})[0] ?? [];
  if (bodyType) {
    const example = bodyMedia.example ?? deref(doc, Object.values(bodyMedia.examples ?? {})[0])?.value;
    if (bodyType === "application/x-www-form-urlencoded" && example && typeof example === "object") {
      for (const [key, value] of Object.entries(example))
        lines.push(`--data-urlencode ${shellQuote(`${key}=${value}`)}`);
    } else if (example !== undefined) {
      lines.push(`-H ${shellQuote(`Content-Type: ${bodyType}`)}`);
      lines.push(`--data ${shellQuote(typeof example === "string" ? example : JSON.stringify(example))}`);
    }
  }
  const success = Object.entries(op.responses ?? {})
    .filter(([code]) => /^2/.test(code))
    .map(([, response]) => deref(doc, response))
    .find((response) => response?.content);
  const types = Object.keys(success?.content ?? {});
  const command = (accept) =>
    [...lines.slice(0, 1), ...(accept ? [`-H ${shellQuote(`Accept: ${accept}`)}`] : []), ...lines.slice(1)].join(
      " \\\n  ",
    );
  if (types.includes("application/xml") && types.includes("application/json")) {
    return `# XML (the server's default)\n${command("application/xml")}\n\n# JSON\n${command("application/json")}`;
  }
  return command(types[0]);
}

/** Follow local `$ref`s. */
function deref(doc, value) {
  let current = value;
  for (let hops = 0; current && typeof current.$ref === "string" && hops < 20; hops++) {
    current = current.$ref
      .slice(2)
      .split("/")
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((node, part) => node?.[part], doc);
  }
  return current;
}

/** The document as the site publishes it: the repository link resolved, a curl sample per operation. */
export function publishedDoc(doc, repo = repoUrl()) {
  const out = JSON.parse(JSON.stringify(doc));
  if (out.info?.contact?.url === PLACEHOLDER_REPO) {
    if (repo) out.info.contact.url = repo;
    else delete out.info.contact.url;
  }
  for (const [path, item] of Object.entries(out.paths ?? {})) {
    for (const method of HTTP_METHODS.filter((m) => item[m])) {
      const op = item[method];
      const samples = (op["x-codeSamples"] ?? []).filter((sample) => sample.lang !== "curl");
      op["x-codeSamples"] = [...samples, { lang: "curl", label: "curl", source: curlSample(out, path, method) }];
    }
  }
  return out;
}

/** The bundled YAML with the repository link resolved the same way (a line edit: no YAML library here). */
function publishedYaml(text, repo = repoUrl()) {
  return repo
    ? text.split(PLACEHOLDER_REPO).join(repo)
    : text.replace(new RegExp(`^\\s*url: ${PLACEHOLDER_REPO.replace(/[.]/g, "\\.")}\\s*\\n`, "m"), "");
}

function redocPage(api) {
  const out = join(dist, `${api.name}.html`);
  const redocly = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
  // Redoc reads the published document (curl samples, repository link) from a temp file.
  const temp = mkdtempSync(join(tmpdir(), "veeam-sessions-docs-build-"));
  const source = join(temp, `${api.name}.json`);
  const published = publishedDoc(api.doc);
  writeFileSync(source, JSON.stringify(published));
  const args = [
    redocly,
    "build-docs",
    source,
    "--output",
    out,
    "--title",
    `${api.doc.info.title} · veeam-sessions`,
    // Redoc's script goes into the page instead of a <script> from cdn.redocly.com.
    "--inlineBundle",
    // The default page template plus an empty favicon (no /favicon.ico request, no 404).
    "--template",
    join(pkgDir, "src", "redoc.hbs"),
    // No config file is read (none in packages/docs), so no lint of it either.
    "--lint-config",
    "off",
    // Redoc options (a JSON object). @redocly/cli 2 dropped --disableGoogleFont and
    // --theme.openapi.*: Redoc 3 loads no web font, and its options go to --openapi.
    "--openapi",
    JSON.stringify(redocOptions(published)),
  ];
  try {
    execFileSync(process.execPath, args, {
      cwd: pkgDir,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const e = /** @type {{ stdout?: Buffer, stderr?: Buffer }} */ (error);
    throw new Error(
      `redocly build-docs failed for ${api.name}:\n${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`,
      { cause: error },
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }

  let html = readFileSync(out, "utf8");
  for (const [from, to] of ASSET_REWRITES) html = html.split(from).join(to);
  html = hashLinks(html);
  if (!html.includes('"disableTelemetry":true')) {
    throw new Error(
      `${api.name}.html: Redoc's browser telemetry is not disabled (expected "disableTelemetry":true in its options)`,
    );
  }
  writeFileSync(out, html);
  return out;
}

/**
 * The page is prerendered with path links (`href="/replica-sessions"`) but runs with Redoc's
 * hash router, and hydration keeps the server's attributes: a link opened in a new tab would
 * then ask the server for /replica-sessions (a 404 on a static host). Make the prerendered
 * links the hash links the client renders (`#/replica-sessions`).
 * @param {string} html
 */
function hashLinks(html) {
  const start = html.indexOf('<div id="redoc">');
  const end = html.indexOf('<script type="module">', start);
  if (start < 0 || end < 0)
    throw new Error('unexpected build-docs output: no prerendered <div id="redoc"> before its script');
  return html.slice(0, start) + html.slice(start, end).replace(/href="\/(?!\/)/g, 'href="#/') + html.slice(end);
}

/** Replaces every `{{name}}` in `template` with `values[name]`; an unknown name is an error. */
function fill(template, values, where) {
  return template.replace(/\{\{([\w:-]+)\}\}/g, (whole, key) => {
    if (!(key in values)) throw new Error(`${where}: unknown placeholder ${whole}`);
    return values[key];
  });
}

function landingPage(apis) {
  const page = readFileSync(join(pkgDir, "src", "index.html"), "utf8");
  const section = readFileSync(join(pkgDir, "src", "api-section.html"), "utf8").replace(/^<!--[\s\S]*?-->\n/, "");
  const style = readFileSync(join(pkgDir, "src", "style.css"), "utf8");
  const sections = apis.map(({ doc, name, entry }) =>
    fill(
      section,
      {
        slug: name,
        title: escapeHtml(doc.info.title),
        summary: inlineCode(doc.info.summary ?? ""),
        version: escapeHtml(doc.info.version),
        openapi: escapeHtml(doc.openapi),
        count: String(operations(doc).length),
        server: escapeHtml(doc.servers?.[0]?.url ?? ""),
        page: `${name}.html`,
        yaml: `openapi/${name}.yaml`,
        json: `openapi/${name}.json`,
        // The API folder's own HTML (spec/<api>/<guide>), trusted like the spec itself.
        guide: (entry.guide ?? "").trim().split("\n").join("\n  "),
        operations: operationsTable(name, doc),
      },
      "src/api-section.html",
    )
      .trimEnd()
      .split("\n")
      .join("\n      "),
  );
  const repo = repoUrl();
  const titles = apis.map(({ entry }) => escapeHtml(`Veeam ${entry.title.replace(/^Veeam /, "")}`));
  const html = fill(
    page,
    {
      style: style.trimEnd(),
      // VEEAM_SESSIONS_REPO_URL at build time; nothing (rather than a placeholder) without it.
      repo: repo ? ` Source: <a href="${escapeHtml(repo)}">${escapeHtml(repo)}</a>.` : "",
      titles: titles.length > 1 ? `${titles.slice(0, -1).join(", ")} and ${titles.at(-1)}` : (titles[0] ?? ""),
      apis: sections.join("\n\n      "),
    },
    "src/index.html",
  );
  const out = join(dist, "index.html");
  writeFileSync(out, html);
  return out;
}

function main() {
  const started = performance.now();
  const apis = specApis();
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(join(dist, "openapi"), { recursive: true });

  const pages = [landingPage(apis)];
  for (const api of apis) {
    pages.push(redocPage(api));
    // The downloads are the bundles as published: no placeholder link (no curl samples either:
    // those are the site's).
    writeFileSync(join(dist, "openapi", `${api.name}.yaml`), publishedYaml(readFileSync(api.yaml, "utf8")));
    writeFileSync(
      join(dist, "openapi", `${api.name}.json`),
      `${JSON.stringify(publishedDoc(api.doc), (key, value) => (key === "x-codeSamples" ? undefined : value), 2)}\n`,
    );
  }

  const problems = pages.flatMap((page) =>
    externalAssets(readFileSync(page, "utf8")).map((ref) => `${relative(pkgDir, page)}: ${ref}`),
  );
  if (problems.length > 0) {
    throw new Error(
      `external asset references left in the built pages (the site must work offline):\n  ${problems.join("\n  ")}`,
    );
  }

  console.log(`docs: built ${relative(process.cwd(), dist) || "."} in ${Math.round(performance.now() - started)} ms`);
  for (const page of pages) {
    const api = apis.find((a) => page.endsWith(`${a.name}.html`));
    const note = api ? `Redoc reference, ${operations(api.doc).length} operations` : "landing page";
    console.log(`  ${relative(pkgDir, page).padEnd(40)} ${kib(statSync(page).size).padStart(11)}  ${note}`);
  }
  for (const api of apis) {
    for (const ext of ["yaml", "json"]) {
      const file = join(dist, "openapi", `${api.name}.${ext}`);
      console.log(
        `  ${relative(pkgDir, file).padEnd(40)} ${kib(statSync(file).size).padStart(11)}  bundled spec (download)`,
      );
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (error) {
    console.error(`docs: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
