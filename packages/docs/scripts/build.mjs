#!/usr/bin/env node
// Builds the static docs site into packages/docs/dist:
//   index.html                 landing page (src/index.html + src/style.css, filled from the specs)
//   <api>.html                 one Redoc reference page per API (`redocly build-docs --inlineBundle`)
//   openapi/<api>.{yaml,json}  the bundled documents, for download
// The APIs are the `./<api>.yaml` exports of @veeam-sessions/spec, so a new API gets a page
// as soon as the spec package exports it (the landing page then needs its section: the build
// says so). Everything works offline: Redoc's script is inlined, and the few asset URLs the
// Redoc bundle would load from Redocly's CDN (a logo, file-type icons) are rewritten to inline
// data, so a page requests nothing from any host but its own. The build fails if any external
// asset reference is left. The spec's x-codeSamples languages are passed to Redoc, which
// otherwise hides samples in languages it does not list.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

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

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const inlineCode = (s) => escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The APIs the spec package publishes, with the paths of their bundled documents. */
function specApis() {
  const specPkgJson = require.resolve("@veeam-sessions/spec/package.json");
  const { exports } = JSON.parse(readFileSync(specPkgJson, "utf8"));
  const names = Object.keys(exports).flatMap((key) => /^\.\/([\w-]+)\.yaml$/.exec(key)?.[1] ?? []);
  if (names.length === 0) throw new Error(`@veeam-sessions/spec exports no ./<api>.yaml (${specPkgJson})`);
  return names.map((name) => {
    const file = (ext) => {
      const path = require.resolve(`@veeam-sessions/spec/${name}.${ext}`);
      if (!existsSync(path)) {
        throw new Error(
          `${relative(process.cwd(), path)} is missing: bundle the specs first (\`npx -y pnpm@10.34.8 bundle\` from the repository root).`,
        );
      }
      return path;
    };
    const yaml = file("yaml");
    const json = file("json");
    return { name, yaml, json, doc: JSON.parse(readFileSync(json, "utf8")) };
  });
}

/** @param {any} doc */
function operations(doc) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, ...item[method] })),
  );
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
    throw new Error(`redocly build-docs failed for ${api.name}:\n${e.stdout ?? ""}${e.stderr ?? ""}`, { cause: error });
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

function landingPage(apis) {
  let html = readFileSync(join(pkgDir, "src", "index.html"), "utf8");
  const style = readFileSync(join(pkgDir, "src", "style.css"), "utf8");
  const missing = apis.filter((api) => !html.includes(`{{operations:${api.name}}}`)).map((api) => api.name);
  if (missing.length > 0) {
    throw new Error(
      `src/index.html has no section for ${missing.join(", ")}: add one (copy an existing <section class="api">).`,
    );
  }
  const values = { style: style.trimEnd() };
  for (const api of apis) {
    const { doc, name } = api;
    Object.assign(values, {
      [`title:${name}`]: escapeHtml(doc.info.title),
      [`summary:${name}`]: inlineCode(doc.info.summary ?? ""),
      [`version:${name}`]: escapeHtml(doc.info.version),
      [`openapi:${name}`]: escapeHtml(doc.openapi),
      [`count:${name}`]: String(operations(doc).length),
      [`server:${name}`]: escapeHtml(doc.servers?.[0]?.url ?? ""),
      [`page:${name}`]: `${name}.html`,
      [`yaml:${name}`]: `openapi/${name}.yaml`,
      [`json:${name}`]: `openapi/${name}.json`,
      [`operations:${name}`]: operationsTable(doc),
    });
  }
  html = html.replace(/\{\{([\w:-]+)\}\}/g, (whole, key) => {
    if (!(key in values)) throw new Error(`src/index.html: unknown placeholder ${whole}`);
    return values[key];
  });
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
