// The "new API is a folder" check (issue 12): in a temporary copy of the repository, the
// throwaway API of test/fixtures/throwaway/ is copied to spec/throwaway/ and nothing else is
// edited. Then the bundle registers it, the types generate for it, the mock answers it, the
// contract validates its example, and the docs index lists it. It runs the packages' own
// scripts and built code (turbo builds mock and contract before this test), not the turbo graph.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const fixture = join(repo, "spec", "test", "fixtures", "throwaway");
const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
let copy: string;

/** The workspace packages' folders, as pnpm-workspace.yaml lists them. */
function workspaceDirs(): string[] {
  const dirs = ["", "spec"];
  for (const parent of ["packages", "examples"])
    for (const name of readdirSync(join(repo, parent))) dirs.push(join(parent, name));
  return dirs.filter((d) => existsSync(join(repo, d, "package.json")));
}

/**
 * node_modules of the copy: every installed package links to the original's (real path), but the
 * workspace's own packages link into the copy, so the copy's code and registry are used.
 */
function linkNodeModules(dir: string): void {
  const from = join(repo, dir, "node_modules");
  if (!existsSync(from)) return;
  const to = join(copy, dir, "node_modules");
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (entry === "@veeam-sessions") {
      mkdirSync(join(to, entry));
      for (const pkg of readdirSync(join(from, entry))) {
        const target = realpathSync(join(from, entry, pkg));
        symlinkSync(join(copy, relative(repo, target)), join(to, entry, pkg));
      }
    } else symlinkSync(realpathSync(join(from, entry)), join(to, entry));
  }
}

/** Runs a Node script (a file, or `-e` code) in a folder of the copy; a failure shows its output. */
function run(cwd: string, file: string, args: string[] = []): string {
  try {
    return execFileSync(process.execPath, [file, ...args], {
      cwd: join(copy, cwd),
      encoding: "utf8",
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      // A hang guard (a synchronous call: vitest's own timeout cannot stop it), generous for a loaded machine.
      timeout: 540_000,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`, { cause: error });
  }
}

/** Runs ES module code with plain Node in a folder of the copy (its own module resolution, not vitest's); returns its JSON output. */
function runModule(cwd: string, code: string): unknown {
  return JSON.parse(run(cwd, "--input-type=module", ["-e", code]));
}

/** Files under `dir`, relative, without node_modules and generated or built output. */
function listFiles(dir: string, prefix = ""): string[] {
  const skip = new Set(["node_modules", "dist", "generated", ".turbo"]);
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (skip.has(entry.name)) return [];
    return entry.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "veeam-new-api-"));
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: repo, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of tracked) {
    if (!existsSync(join(repo, file))) continue; // deleted in the work tree
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(repo, file), join(copy, file));
  }
  for (const dir of workspaceDirs()) linkNodeModules(dir);
  // Built code that names no API (turbo built it before this test); the copy builds the rest.
  for (const pkg of ["xml", "contract", "mock"])
    cpSync(join(repo, "packages", pkg, "dist"), join(copy, "packages", pkg, "dist"), { recursive: true });
  // The bundles of the existing APIs, as the build left them: the copy bundles only the new one.
  cpSync(join(repo, "spec", "dist"), join(copy, "spec", "dist"), { recursive: true });
  // The only change: the API's folder.
  cpSync(fixture, join(copy, "spec", "throwaway"), { recursive: true });
  rmSync(join(copy, "spec", "throwaway", "README.md"));
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe("a new API is its folder", () => {
  it("is bundled and in the registry", () => {
    // Only the new API is bundled (`--only`); a full bundle runs the same code for every API.
    const out = run("spec", "scripts/bundle.mjs", ["--only", "throwaway"]);
    expect(out).toContain("bundled throwaway -> spec/dist/throwaway.json");
    const registry = JSON.parse(readFileSync(join(copy, "spec", "dist", "apis.json"), "utf8")) as {
      apis: { slug: string; alias: string; port: number; basePath: string; operations: number }[];
    };
    expect(registry.apis.map((a) => a.slug)).toContain("throwaway");
    expect(registry.apis.find((a) => a.slug === "throwaway")).toMatchObject({
      alias: "widgets",
      port: 4099,
      basePath: "/widgets-api/v2",
      operations: 1,
    });
    run("spec", tsc, ["-p", "tsconfig.build.json"]);
  });

  it("is typed", () => {
    run("packages/types", "scripts/generate.mjs");
    run("packages/types", tsc, ["-p", "tsconfig.build.json"]);
    const check = join(copy, "packages", "types", "check-throwaway.ts");
    writeFileSync(
      check,
      [
        'import type { paths, Widget } from "@veeam-sessions/types/throwaway";',
        'import type { ApiName, Throwaway } from "@veeam-sessions/types";',
        'export const widget: Widget = { id: "w-1", name: "first" };',
        'export const name: ApiName = "throwaway";',
        'export type List = paths["/widgets"]["get"]["responses"][200]["content"]["application/json"];',
        "export const list: List = { items: [widget] } satisfies Throwaway.Widgets;",
        "// @ts-expect-error: id is a string",
        'export const wrong: Widget = { id: 1, name: "x" };',
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(copy, "packages", "types", "tsconfig.check.json"),
      JSON.stringify({ extends: "./tsconfig.json", include: ["check-throwaway.ts"] }),
    );
    // Fails (throws) on any type error, an unused @ts-expect-error included.
    run("packages/types", tsc, ["-p", "tsconfig.check.json", "--noEmit"]);
  });

  it("is mocked", () => {
    const result = runModule(
      "packages/mock",
      `import { APIS, DEFAULT_PORTS, startMock } from "./dist/index.js";
      const server = await startMock({ api: "widgets", port: 0 });
      try {
        const res = await fetch(server.url + "/widgets");
        console.log(JSON.stringify({
          apis: APIS, port: DEFAULT_PORTS.throwaway, url: server.url, status: res.status,
          type: res.headers.get("content-type"), body: await res.json(),
        }));
      } finally {
        await server.stop();
      }`,
    );
    expect(result).toMatchObject({
      apis: expect.arrayContaining(["throwaway", "enterprise-manager"]) as unknown,
      port: 4099,
      url: expect.stringMatching(/\/widgets-api\/v2$/) as unknown,
      status: 200,
      type: expect.stringMatching(/^application\/json/) as unknown,
      body: {
        items: [
          { id: "w-1", name: "first" },
          { id: "w-2", name: "second" },
        ],
      },
    });
  });

  it("is validated by the contract checks", () => {
    const result = runModule(
      "packages/contract",
      `import { createValidator } from "./dist/index.js";
      const v = await createValidator();
      const base = { api: "throwaway", operationId: "listWidgets", status: 200, mediaType: "application/json" };
      const good = v.validateResponse({ ...base, body: JSON.stringify({ items: [{ id: "w-1", name: "first" }] }) });
      const bad = v.validateResponse({ ...base, body: JSON.stringify({ items: [{ id: 7, name: "x" }] }) });
      console.log(JSON.stringify({ apis: v.apis, good, bad: { valid: bad.valid, keywords: bad.errors.map((e) => e.keyword) } }));`,
    );
    expect(result).toMatchObject({
      apis: expect.arrayContaining(["throwaway"]) as unknown,
      good: { valid: true, errors: [] },
      bad: { valid: false, keywords: ["type"] },
    });
  });

  it("is in the docs index", () => {
    run("packages/docs", "scripts/build.mjs");
    const index = readFileSync(join(copy, "packages", "docs", "dist", "index.html"), "utf8");
    expect(index).toContain('<section class="api" id="throwaway">');
    expect(index).toContain("<h2>Throwaway Widgets API</h2>");
    expect(index).toContain("No authentication: the throwaway widgets are public.");
    expect(index).toContain('href="throwaway.html"');
    expect(existsSync(join(copy, "packages", "docs", "dist", "throwaway.html"))).toBe(true);
    // And the other APIs are still there.
    expect(index).toContain('id="enterprise-manager"');
  });

  it("needed no file but its folder", () => {
    // Every tracked file of the copy is the original's; the only other source files are the
    // API's folder and this test's type check (build output and node_modules aside).
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: repo, encoding: "utf8" })
      .split("\0")
      .filter(Boolean);
    const present = tracked.filter((f) => existsSync(join(repo, f)));
    const edited = present.filter((f) => !readFileSync(join(copy, f)).equals(readFileSync(join(repo, f))));
    expect(edited).toEqual([]);
    const known = new Set(present);
    const extra = listFiles(copy).filter((f) => !known.has(f));
    expect(extra.filter((f) => !f.startsWith("spec/throwaway/"))).toEqual([
      "packages/types/check-throwaway.ts",
      "packages/types/tsconfig.check.json",
    ]);
    expect(extra).toContain("spec/throwaway/api.yaml");
  });
});
