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
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { apis as registryApis, loadBundled, operationsOf, specPath } from "@veeam-sessions/spec";

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

function operationsTable(doc) {
  const rows = operations(doc).map(
    (op) =>
      `<tr><td class="method">${op.method.toUpperCase()}</td><td><code>${escapeHtml(op.path)}</code></td>` +
      `<td>${escapeHtml(op.summary ?? "")}</td><td><code>${escapeHtml(op.operationId ?? "")}</code></td></tr>`,
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

function redocPage(api) {
  const out = join(dist, `${api.name}.html`);
  const redocly = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
  const args = [
    redocly,
    "build-docs",
    api.yaml,
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
    JSON.stringify(redocOptions(api.doc)),
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
        operations: operationsTable(doc),
      },
      "src/api-section.html",
    )
      .trimEnd()
      .split("\n")
      .join("\n      "),
  );
  const titles = apis.map(({ entry }) => escapeHtml(`Veeam ${entry.title.replace(/^Veeam /, "")}`));
  const html = fill(
    page,
    {
      style: style.trimEnd(),
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
    copyFileSync(api.yaml, join(dist, "openapi", `${api.name}.yaml`));
    copyFileSync(api.json, join(dist, "openapi", `${api.name}.json`));
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
