// The bundled specs work for a second generator, not only openapi-typescript: generate a
// fetch client with @hey-api/openapi-ts from each spec/dist/<api>.json into a temp folder, and
// type-check it (plus a few calls that use it) with the repository's TypeScript and its strict
// base config. Output stays in the printed folder for inspection.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "@hey-api/openapi-ts";
import { describe, expect, it } from "vitest";
import { apis, operations, repoRoot } from "./support/spec.js";

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), "veeam-sessions-hey-api-"));

// Calls a user would write against each generated SDK: they must type-check too (required
// path parameters, typed query, typed bodies), not only the generated files on their own.
const usage: Record<string, string> = {
  "enterprise-manager": `
import { createClient } from "./enterprise-manager/client/index.js";
import { getReplicaSession, listReplicaTaskSessions, logOn, querySessions } from "./enterprise-manager/index.js";
import type { EntityRef, ReplicaJobSession } from "./enterprise-manager/index.js";

const client = createClient({ baseUrl: "https://em.example.org:9398/api" });
export async function use(): Promise<void> {
  await logOn({ client, query: { v: "latest" }, auth: "user:password" });
  const one = await getReplicaSession({ client, path: { ID: "0bcf5a1e-866c-4b40-8bc3-ce64753b9a6b" }, query: { format: "Entity" } });
  const session: ReplicaJobSession | EntityRef | undefined = one.data;
  void session;
  await listReplicaTaskSessions({ client, path: { ID: "0bcf5a1e-866c-4b40-8bc3-ce64753b9a6b" } });
  await querySessions({ client, query: { type: "ReplicaJobSession", format: "Entities", pageSize: 10, page: 1 } });
  // @ts-expect-error the session id is a required path parameter
  await getReplicaSession({ client, path: {} });
}
`,
  "backup-for-azure": `
import { createClient } from "./backup-for-azure/client/index.js";
import { createToken, getJobSession, listJobSessions } from "./backup-for-azure/index.js";

// The token endpoint is not versioned (spec/ADR.md 6): hey-api ignores path-level servers, so
// the call passes the unversioned base URL itself.
const client = createClient({ baseUrl: "https://vba.example.org/api/v1" });
export async function use(): Promise<void> {
  const tokens = await createToken({ client, baseUrl: "https://vba.example.org/api", body: { grant_type: "Password", Username: "u", Password: "p" } });
  // null in the MFA challenge answer (mfa_token instead of tokens).
  const access: string | null | undefined = tokens.data?.access_token;
  void access;
  const page = await listJobSessions({ client, query: { Offset: 0, Limit: 50, Status: ["Running"] } });
  void page.data;
  await getJobSession({ client, path: { sessionId: "8b1a2f3e-0000-4000-8000-000000000001" } });
  // @ts-expect-error the password grant needs a Password
  await createToken({ client, body: { grant_type: "Password", Username: "u" } });
}
`,
  "backup-replication": `
import { createClient } from "./backup-replication/client/index.js";
import { createAccessToken, getSession, listSessionTaskSessions, listSessions } from "./backup-replication/index.js";
import type { TaskSessionModel } from "./backup-replication/index.js";

// Every request carries the revision header (spec/ADR.md 18); the paths hold /api/v1 themselves.
const client = createClient({ baseUrl: "https://vbr.example.org:9419" });
const headers = { "x-api-version": "1.3-rev1" };
export async function use(): Promise<void> {
  const tokens = await createAccessToken({ client, headers, body: { grant_type: "password", username: "u", password: "p" } });
  const access: string | undefined = tokens.data?.access_token;
  void access;
  const page = await listSessions({ client, headers, query: { skip: 0, limit: 50, resultFilter: ["Failed"], orderColumn: "CreationTime" } });
  void page.data?.pagination.total;
  await getSession({ client, headers, path: { id: "c924ee2f-1197-4b37-8de3-009c1977f347" } });
  const tasks = await listSessionTaskSessions({ client, headers, path: { id: "c924ee2f-1197-4b37-8de3-009c1977f347" } });
  const first: TaskSessionModel | undefined = tasks.data?.data[0];
  void first;
  // @ts-expect-error the password grant needs a password
  await createAccessToken({ client, headers, body: { grant_type: "password", username: "u" } });
}
`,
};

describe("second generator: @hey-api/openapi-ts", () => {
  it.each(apis().map((api) => [api.name, api] as const))(
    "generates a fetch client for %s with every operation",
    async (name, api) => {
      await createClient({
        input: api.json,
        output: { path: join(out, name) },
        plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
        logs: { level: "silent", file: false },
      });
      const sdk = readFileSync(join(out, name, "sdk.gen.ts"), "utf8");
      const missing = operations(api.doc)
        .map((op) => op.operationId)
        .filter((id) => !new RegExp(`export const ${id} = `).test(sdk));
      expect(missing, `operations hey-api generated no function for (${join(out, name, "sdk.gen.ts")})`).toEqual([]);
      const code = usage[name];
      expect(code, `test/second-generator.test.ts has no usage snippet for ${name}: add one`).toBeDefined();
      writeFileSync(join(out, `${name}.usage.ts`), code ?? "");
    },
  );

  it("type-checks the generated clients and their use with the repository's strict tsc", async () => {
    writeFileSync(join(out, "package.json"), `${JSON.stringify({ private: true, type: "module" }, null, 2)}\n`);
    writeFileSync(
      join(out, "tsconfig.json"),
      `${JSON.stringify(
        {
          extends: join(repoRoot, "tsconfig.base.json"),
          compilerOptions: {
            noEmit: true,
            // hey-api's fetch client is written against the DOM's fetch types (BodyInit,
            // RequestInit): a consumer compiles it with lib DOM, as hey-api documents.
            lib: ["ES2023", "DOM", "DOM.Iterable"],
            typeRoots: [join(repoRoot, "node_modules", "@types")],
          },
          include: ["**/*.ts"],
        },
        null,
        2,
      )}\n`,
    );
    const tsc = createRequire(join(repoRoot, "package.json")).resolve("typescript/bin/tsc");
    const result = await run(process.execPath, [tsc, "-p", join(out, "tsconfig.json"), "--pretty", "false"]).then(
      () => ({ code: 0, output: "" }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        output: `${error.stdout ?? ""}${error.stderr ?? ""}`,
      }),
    );
    console.log(`hey-api output: ${out} (tsc ${result.code === 0 ? "clean" : "failed"})`);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });
});
