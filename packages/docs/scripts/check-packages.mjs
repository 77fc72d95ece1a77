#!/usr/bin/env node
// Publishing check: runs publint and `attw --pack` (Are the Types Wrong?) over every
// non-private package of the workspace, found from pnpm-workspace.yaml, so a new package is
// covered as soon as it exists. Run it after the packages are built (their `files` must exist):
//
//   npx -y pnpm@12.25.1 build && node packages/docs/scripts/check-packages.mjs [--json]
//
// Exit code 1 if any package has a publint error (warnings count as errors: --strict) or an
// attw problem. Suggestions are printed but do not fail.
//
// Policy, per package:
// - publint packs with npm (no global pnpm here; pnpm and npm pack the same `files`).
// - attw is skipped when the package ships no TypeScript declarations (a JSON/YAML-only package
//   such as @veeam-sessions/spec): there is nothing for it to check.
// - ESM-only packages (`"type": "module"` and no `require` condition in `exports`) use attw's
//   `esm-only` profile, which ignores the node10 and node16-from-CommonJS resolutions. They are
//   ESM-only by design: the floor is Node 20.19, where `require()` of ESM works, and a CJS build
//   would double every artefact for no consumer we have. Every other package gets `strict`.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const run = promisify(execFile);
const docsDir = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(docsDir, "package.json"));

/** The repository root: the nearest folder above packages/docs with a pnpm-workspace.yaml. */
export function workspaceRoot(from = docsDir) {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

/**
 * Package folders named by pnpm-workspace.yaml's `packages:` list. Supports the forms the
 * workspace uses (`dir`, `dir/*` and the exclusion `!dir`, e.g. `!examples/consumer`, which
 * installs the packed tarballs outside the workspace) and refuses anything else rather than guessing.
 * @param {string} root
 * @returns {string[]}
 */
export function workspacePackageDirs(root) {
  const text = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const block = /^packages:\s*\n((?:[ \t]+-.*\n?|[ \t]*#.*\n?|[ \t]*\n)*)/m.exec(text);
  if (!block?.[1]) throw new Error("pnpm-workspace.yaml has no `packages:` list");
  const patterns = [...block[1].matchAll(/^[ \t]+-[ \t]*["']?([^"'#\s]+)["']?/gm)].map((m) => m[1] ?? "");
  const dirs = [];
  const excluded = new Set();
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) {
      if (pattern.includes("*")) {
        throw new Error(`pnpm-workspace.yaml: exclusion ${pattern} is not supported by this check (only "!dir")`);
      }
      excluded.add(join(root, pattern.slice(1)));
      continue;
    }
    const star = /^([^*]+)\/\*$/.exec(pattern);
    if (star?.[1]) {
      const parent = join(root, star[1]);
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name));
      }
    } else if (!pattern.includes("*")) {
      dirs.push(join(root, pattern));
    } else {
      throw new Error(
        `pnpm-workspace.yaml: pattern ${pattern} is not supported by this check (only "dir" and "dir/*")`,
      );
    }
  }
  return dirs.filter((dir) => !excluded.has(dir) && existsSync(join(dir, "package.json"))).sort();
}

/** Does any value under `exports` sit behind the given condition key? */
function hasCondition(exports, condition) {
  if (!exports || typeof exports !== "object") return false;
  return Object.entries(exports).some(([key, value]) => key === condition || hasCondition(value, condition));
}

/** String targets anywhere under `exports`. */
function exportTargets(exports) {
  if (typeof exports === "string") return [exports];
  if (!exports || typeof exports !== "object") return [];
  return Object.values(exports).flatMap(exportTargets);
}

/** @param {Record<string, any>} pkg */
function shipsTypes(pkg) {
  return Boolean(
    pkg.types ||
    pkg.typings ||
    hasCondition(pkg.exports, "types") ||
    exportTargets(pkg.exports).some((t) => /\.d\.[cm]?ts$/.test(t)),
  );
}

/** @param {Record<string, any>} pkg */
function isEsmOnly(pkg) {
  return pkg.type === "module" && !hasCondition(pkg.exports, "require") && !pkg.main?.endsWith(".cjs");
}

/**
 * @typedef {{ tool: "publint" | "attw", level: "error" | "warning" | "suggestion", text: string }} Finding
 * @typedef {{ name: string, dir: string, private: boolean, publint: string, attw: string, findings: Finding[], ok: boolean }} PackageResult
 */

/** @param {string} dir */
async function checkPackage(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  /** @type {PackageResult} */
  const result = {
    name: pkg.name,
    dir,
    private: Boolean(pkg.private),
    publint: "skipped",
    attw: "skipped",
    findings: [],
    ok: true,
  };
  if (pkg.private) {
    result.publint = result.attw = "skipped: private, never published";
    return result;
  }

  const lint = await publint({ pkgDir: dir, pack: "npm", strict: true, level: "suggestion" });
  for (const message of lint.messages) {
    let text = formatMessage(message, lint.pkg, { color: false }) ?? message.code;
    if (message.code === "FILE_DOES_NOT_EXIST")
      text += " (is the package built? run `npx -y pnpm@12.25.1 build` first)";
    result.findings.push({ tool: "publint", level: message.type, text });
  }
  const lintErrors = lint.messages.filter((m) => m.type === "error").length;
  const lintSuggestions = lint.messages.length - lintErrors;
  result.publint = lintErrors
    ? `${lintErrors} error(s)`
    : `ok${lintSuggestions ? ` (${lintSuggestions} suggestion(s))` : ""}`;

  if (!shipsTypes(pkg)) {
    result.attw = "skipped: ships no TypeScript declarations (data-only package), nothing to check";
  } else {
    const profile = isEsmOnly(pkg) ? "esm-only" : "strict";
    const attw = join(dirname(require.resolve("@arethetypeswrong/cli/package.json")), "dist", "index.js");
    const args = [attw, "--pack", dir, "--profile", profile, "--format", "json", "--no-color", "--no-emoji"];
    let stdout;
    let failed = false;
    try {
      ({ stdout } = await run(process.execPath, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 }));
    } catch (error) {
      const e = /** @type {{ stdout?: string, stderr?: string, message: string }} */ (error);
      failed = true;
      stdout = e.stdout ?? "";
      if (!stdout.trim().startsWith("{")) {
        result.findings.push({ tool: "attw", level: "error", text: (e.stderr || e.message).trim() });
      }
    }
    const ignored = profile === "esm-only" ? new Set(["node10", "node16-cjs"]) : new Set();
    let counted = 0;
    if (stdout.trim().startsWith("{")) {
      const report = JSON.parse(stdout);
      if (report.analysis?.types === false) {
        // attw exits 0 on a tarball without declarations; package.json promises some.
        counted++;
        result.findings.push({
          tool: "attw",
          level: "error",
          text: "package.json declares types but the packed tarball has no declarations (is the package built?)",
        });
      }
      for (const problem of report.analysis?.problems ?? []) {
        if (problem.resolutionKind && ignored.has(problem.resolutionKind)) continue;
        counted++;
        result.findings.push({
          tool: "attw",
          level: "error",
          text: `${problem.kind} at ${problem.entrypoint ?? "?"}${problem.resolutionKind ? ` (${problem.resolutionKind})` : ""}`,
        });
      }
    }
    const why =
      profile === "esm-only"
        ? "esm-only profile: ESM-only package, node10/node16-CJS resolutions ignored"
        : "strict profile";
    result.attw = failed || counted ? `${Math.max(counted, 1)} problem(s), ${why}` : `ok, ${why}`;
    if (failed && counted === 0 && !result.findings.some((f) => f.tool === "attw")) {
      result.findings.push({
        tool: "attw",
        level: "error",
        text: "attw exited with an error (run it by hand for details)",
      });
    }
  }
  result.ok = !result.findings.some((f) => f.level === "error");
  return result;
}

/**
 * Check every package of the workspace at `root`.
 * @param {{ root?: string }} [options]
 * @returns {Promise<PackageResult[]>}
 */
export async function checkPackages({ root = workspaceRoot() } = {}) {
  const dirs = workspacePackageDirs(root);
  // Sequential: `npm pack` writes into the package folder, and the output stays readable.
  const results = [];
  for (const dir of dirs) results.push(await checkPackage(dir));
  return results;
}

/** @param {PackageResult[]} results @param {string} root */
export function formatResults(results, root) {
  const lines = [];
  for (const r of results) {
    lines.push(`${r.private ? "-" : r.ok ? "✓" : "✗"} ${r.name}  (${relative(root, r.dir) || "."})`);
    lines.push(`    publint: ${r.publint}`);
    lines.push(`    attw:    ${r.attw}`);
    for (const f of r.findings) lines.push(`      ${f.tool} ${f.level}: ${f.text}`);
  }
  const published = results.filter((r) => !r.private);
  const failing = published.filter((r) => !r.ok);
  lines.push(
    `${published.length} publishable package(s) checked, ${failing.length} failing${failing.length ? `: ${failing.map((r) => r.name).join(", ")}` : ""}.`,
  );
  return lines.join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(
      "Usage: node scripts/check-packages.mjs [--json]\nRuns publint and attw --pack over every non-private workspace package (build them first).",
    );
    process.exit(0);
  }
  const root = workspaceRoot();
  const results = await checkPackages({ root });
  console.log(process.argv.includes("--json") ? JSON.stringify(results, null, 2) : formatResults(results, root));
  process.exitCode = results.some((r) => !r.private && !r.ok) ? 1 : 0;
}
