// Headless Chromium driven by playwright-core (never `playwright install`), and a recorder of
// everything a page asks the network for and complains about.
//
// Which Chromium: CHROMIUM_PATH if set, else a system Chromium (/usr/bin/chromium, Debian's
// package), else the chrome-headless-shell build that the npm package @sparticuz/chromium ships
// (brotli-compressed in its bin/ folder): so the test needs nothing but `pnpm install` on a
// machine with only Node and npm. That build is unpacked once into node_modules/.cache (written
// to a private temp name, then renamed, so runs at the same time never see half a file).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

export interface ChromiumBinary {
  path: string;
  /** Where it came from, for the test's log line. */
  source: string;
  /** Extra environment for the browser process (fontconfig for the npm build). */
  env: Record<string, string>;
}

/** Minimal ustar reader: the regular files of a tar archive, as [path, bytes]. */
function untar(tar: Buffer): [string, Buffer][] {
  const files: [string, Buffer][] = [];
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join("/");
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    if (type === "0" || type === "") files.push([name, tar.subarray(offset + 512, offset + 512 + size)]);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Unpack @sparticuz/chromium's browser and fonts into node_modules/.cache, once per version. */
function npmChromium(): ChromiumBinary {
  const require = createRequire(join(docsDir, "package.json"));
  // The package exports only its entry point (build/index.js, build/cjs/index.cjs in older
  // releases): find its folder by walking up from there to the one holding bin/chromium.br.
  let pkgDir = dirname(require.resolve("@sparticuz/chromium"));
  while (!existsSync(join(pkgDir, "bin", "chromium.br")) && dirname(pkgDir) !== pkgDir) pkgDir = dirname(pkgDir);
  const { version } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string };
  const dir = join(docsDir, "node_modules", ".cache", `sparticuz-chromium-${version}`);
  const binary = join(dir, "chromium");
  if (!existsSync(binary)) {
    const temp = `${dir}.${process.pid}.tmp`;
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(join(temp, "fonts"), { recursive: true });
    writeFileSync(join(temp, "chromium"), brotliDecompressSync(readFileSync(join(pkgDir, "bin", "chromium.br"))), {
      mode: 0o755,
    });
    for (const [name, bytes] of untar(brotliDecompressSync(readFileSync(join(pkgDir, "bin", "fonts.tar.br"))))) {
      if (!name.startsWith("fonts/") || name.includes("..")) continue;
      mkdirSync(dirname(join(temp, name)), { recursive: true });
      writeFileSync(join(temp, name), bytes);
    }
    // The package's own fonts.conf points at /tmp/fonts; ours at the unpacked fonts and the
    // system's, with the font cache beside them.
    writeFileSync(
      join(temp, "fonts.conf"),
      [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        "<fontconfig>",
        `  <dir>${join(dir, "fonts")}</dir>`,
        "  <dir>/usr/share/fonts</dir>",
        "  <dir>/usr/local/share/fonts</dir>",
        `  <cachedir>${join(dir, "fonts-cache")}</cachedir>`,
        "</fontconfig>",
        "",
      ].join("\n"),
    );
    try {
      renameSync(temp, dir);
    } catch (error) {
      // Another run unpacked it first: use theirs.
      rmSync(temp, { recursive: true, force: true });
      if (!existsSync(binary)) throw error;
    }
  }
  return {
    path: binary,
    source: `@sparticuz/chromium ${version} (${binary})`,
    env: { FONTCONFIG_PATH: dir, FONTCONFIG_FILE: join(dir, "fonts.conf") },
  };
}

/** The Chromium the test drives: CHROMIUM_PATH, else the system's, else the npm package's. */
export function findChromium(): ChromiumBinary {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured}: no such file`);
    return { path: configured, source: `CHROMIUM_PATH (${configured})`, env: {} };
  }
  const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  if (system) return { path: system, source: `system Chromium (${system})`, env: {} };
  return npmChromium();
}

export async function launchChromium(): Promise<Browser> {
  const binary = findChromium();
  console.log(`docs test: Chromium from ${binary.source}`);
  return chromium.launch({
    executablePath: binary.path,
    env: { ...process.env, ...binary.env },
    // Nothing but the served site: no component updates, field trials, pings or sign-in.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-domain-reliability",
      "--disable-sync",
      "--no-pings",
      "--no-first-run",
      "--no-default-browser-check",
    ],
  });
}

export interface PageRecord {
  /** Every request the page made, in order. */
  requests: string[];
  /** Requests that failed at the network level or answered 4xx/5xx. */
  failed: string[];
  /** Requests whose origin is not the served site's (data: URLs are inline, not requests). */
  external: string[];
  /** console.error messages and uncaught exceptions. */
  errors: string[];
  /** console.warn messages (reported, not failed on). */
  warnings: string[];
}

/**
 * A fresh page whose requests, failures and console output are recorded. Requests to any
 * other origin are recorded and then aborted, so the test never reaches the internet.
 */
export async function recordedPage(
  browser: Browser,
  origin: string,
): Promise<{ context: BrowserContext; page: Page; record: PageRecord }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: "block" });
  const record: PageRecord = { requests: [], failed: [], external: [], errors: [], warnings: [] };
  const isOwn = (url: string) => url.startsWith("data:") || new URL(url).origin === origin;
  await context.route(
    (url) => !isOwn(url.href),
    (route) => route.abort("blockedbyclient"),
  );
  const page = await context.newPage();
  // Steps wait for events; the bound only ends a step that will never come, and is generous
  // because the machines are shared and loaded (a 2.6 MB Redoc page can take seconds to hydrate).
  page.setDefaultTimeout(60_000);
  page.on("request", (request) => {
    const url = request.url();
    record.requests.push(url);
    if (!isOwn(url)) record.external.push(url);
  });
  page.on("requestfailed", (request) =>
    record.failed.push(`${request.url()} (${request.failure()?.errorText ?? "failed"})`),
  );
  page.on("response", (response) => {
    if (response.status() >= 400) record.failed.push(`${response.url()} (HTTP ${response.status()})`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") record.errors.push(message.text());
    else if (message.type() === "warning") record.warnings.push(message.text());
  });
  page.on("pageerror", (error) => record.errors.push(`uncaught: ${error.message}`));
  return { context, page, record };
}
