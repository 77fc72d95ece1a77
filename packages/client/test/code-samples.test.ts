// The spec's x-codeSamples (shown in the docs) must compile against this client.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { apiNames } from "@veeam-sessions/spec";
import { describe, expect, it } from "vitest";
import { loadSpec, operations } from "./helpers/spec.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// Every API of the registry: each has code samples.
const apis = apiNames();
// tsc over every sample takes a few seconds of CPU; on a loaded machine the wall time is far longer.
const TSC_TIMEOUT_MS = 120_000;

function typecheck(project: string): { ok: boolean; output: string } {
  try {
    execFileSync(process.execPath, [tsc, "-p", project], { cwd: pkg, encoding: "utf8", stdio: "pipe" });
    return { ok: true, output: "" };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout) };
  }
}

describe("x-codeSamples", () => {
  it.each(apis)("every %s operation has a sample, and the bundle carries the file's text", (api) => {
    const doc = loadSpec(api);
    const dir = join(pkg, "..", "..", "spec", api, "code-samples");
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    const ops = operations(doc);
    expect(files.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual(ops.map((o) => o.operationId).sort());
    for (const { path, method, operationId } of ops) {
      const op = doc.paths[path][method.toLowerCase()];
      expect(op["x-codeSamples"], operationId).toEqual([
        {
          lang: "TypeScript",
          label: "@veeam-sessions/client",
          source: readFileSync(join(dir, `${operationId}.ts`), "utf8"),
        },
      ]);
    }
  });

  // "Every sample type-checks against the client (strict)" is the package's lint
  // (`tsc -p tsconfig.samples.json`, once per CI run: types do not depend on the Node version).
  // This test keeps that check honest: it fails on a sample that calls a path the API lacks.
  it(
    "the check catches a sample that calls a path the API does not have",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "veeam-sample-"));
      writeFileSync(
        join(dir, "broken.ts"),
        'import { createEnterpriseManagerClient } from "@veeam-sessions/client";\nconst em = createEnterpriseManagerClient({ baseUrl: "x", auth: { sessionId: "s" } });\nawait em.GET("/backupSession/{ID}", { params: { path: { ID: "1" } } });\n',
      );
      writeFileSync(join(dir, "package.json"), '{"type":"module"}');
      const project = join(dir, "tsconfig.json");
      writeFileSync(
        project,
        JSON.stringify({
          extends: join(pkg, "tsconfig.samples.json"),
          compilerOptions: {
            typeRoots: [join(pkg, "..", "..", "node_modules", "@types")],
            paths: { "@veeam-sessions/client": [join(pkg, "src/index.ts")] },
          },
          include: [join(dir, "broken.ts")],
        }),
      );
      const result = typecheck(project);
      expect(result.ok).toBe(false);
      expect(result.output).toContain("/backupSession/{ID}");
    },
    TSC_TIMEOUT_MS,
  );
});
