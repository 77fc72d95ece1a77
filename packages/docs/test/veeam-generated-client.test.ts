// A new user's first try: generate a client with @hey-api/openapi-ts from Veeam's own Backup for
// Azure OpenAPI document (v8.1) and run it against our mock. Token request (Veeam's spelling,
// `username`/`password`), then list → get → log → stop under /api/v8.1, as Veeam's document
// describes them. Veeam's document is not in this repository: it is read from
// VEEAM_AZURE_OPENAPI, else ../shared/reference/vbaz_rest_v8.1.json (a copy is in the public
// GitHub repository Cenvora/veeam-az, openapi_schemas/); without it this file is skipped.
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createClient } from "@hey-api/openapi-ts";
import { DEFAULT_USER, startMock, type Exchange, type MockServer } from "@veeam-sessions/mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/spec.js";

const DEFAULT_REFERENCE = resolve(repoRoot, "..", "shared", "reference", "vbaz_rest_v8.1.json");
const fromEnv = process.env.VEEAM_AZURE_OPENAPI;
const reference = fromEnv
  ? existsSync(fromEnv)
    ? fromEnv
    : undefined
  : existsSync(DEFAULT_REFERENCE)
    ? DEFAULT_REFERENCE
    : undefined;
const SKIP =
  "skipped: Veeam's Backup for Azure OpenAPI document is absent. Put vbaz_rest_v8.1.json (from the public GitHub " +
  `repository Cenvora/veeam-az, openapi_schemas/) at ${DEFAULT_REFERENCE}, or set VEEAM_AZURE_OPENAPI to its path`;
if (!reference) console.warn(`veeam-generated-client.test.ts ${SKIP}`);

const OPERATIONS = [
  "POST /api/oauth2/token",
  "GET /api/v8.1/jobSessions",
  "GET /api/v8.1/jobSessions/{sessionId}",
  "GET /api/v8.1/jobSessions/{sessionId}/log",
  "POST /api/v8.1/jobSessions/{sessionId}/stop",
];

type Result = { data?: unknown; error?: unknown; response: Response };
type Call = (options: Record<string, unknown>) => Promise<Result>;

describe.skipIf(!reference)(
  `a client generated from Veeam's v8.1 document, against veeam-mock${reference ? "" : ` (${SKIP})`}`,
  () => {
    const out = mkdtempSync(join(tmpdir(), "veeam-sessions-veeam-az-client-"));
    const exchanges: Exchange[] = [];
    let mock: MockServer;
    let sdk: Record<string, Call>;
    let client: unknown;

    beforeAll(async () => {
      if (statSync(reference!).size > 16 * 1024 * 1024) throw new Error(`${reference} is larger than 16 MiB`);
      await createClient({
        input: reference!,
        output: { path: out },
        plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
        // The operations this test calls, selected as a user would (hey-api's own filter): the
        // whole document (389 operations) takes about a minute to generate on a busy machine.
        parser: { filters: { operations: { include: OPERATIONS } } },
        logs: { level: "silent", file: false },
      });
      mock = await startMock({ api: "backup-for-azure", port: 0, onExchange: (e) => exchanges.push(e) });
      sdk = (await import(pathToFileURL(join(out, "sdk.gen.ts")).href)) as Record<string, Call>;
      const { createClient: createFetchClient } = (await import(
        pathToFileURL(join(out, "client", "index.ts")).href
      )) as {
        createClient: (config: Record<string, unknown>) => unknown;
      };
      // Veeam's paths carry /api/v8.1 (and /api/oauth2/token) themselves: the base URL is the origin.
      client = createFetchClient({ baseUrl: mock.origin });
    }, 300_000);
    afterAll(() => mock?.stop());

    const call = (name: string) => {
      const fn = sdk[name];
      if (typeof fn !== "function") throw new Error(`hey-api generated no ${name} (${join(out, "sdk.gen.ts")})`);
      return fn;
    };
    let token = "";
    // Veeam's security scheme is an API key in the Authorization header holding `Bearer <token>`.
    const auth = () => `Bearer ${token}`;

    it("token: Login_Authenticate with Veeam's v8.1 form fields → 200 and an access token", async () => {
      const { data, response } = await call("loginAuthenticate")({
        client,
        // The simulator's user (veeam / mockpass): it refuses any other, as a real server would.
        body: { grant_type: "Password", username: DEFAULT_USER.username, password: DEFAULT_USER.password },
      });
      expect(response.status).toBe(200);
      expect(exchanges.at(-1)).toMatchObject({ method: "POST", url: "/api/oauth2/token", status: 200, violations: [] });
      token = (data as { access_token: string }).access_token;
      expect(token).toMatch(/\S/);
    });

    let sessionId = "";
    it("list: JobSessions_GetJobSessions under /api/v8.1 → a page of sessions", async () => {
      const { data, response } = await call("jobSessionsGetJobSessions")({
        client,
        auth,
        query: { Offset: 0, Limit: 4, Status: ["Error", "Warning"] },
      });
      expect(response.status).toBe(200);
      const page = data as { offset: number; limit: number; results: { id: string }[] };
      expect(page.results.length).toBeGreaterThan(0);
      sessionId = page.results[0]!.id;
      expect(exchanges.at(-1)).toMatchObject({ method: "GET", status: 200, violations: [] });
      expect(exchanges.at(-1)!.url).toMatch(/^\/api\/v8\.1\/jobSessions\?/);
    });

    it("get: JobSessions_GetJobSessionById → the session", async () => {
      const { data, response } = await call("jobSessionsGetJobSessionById")({ client, auth, path: { sessionId } });
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ id: expect.any(String), status: expect.any(String) });
      expect(exchanges.at(-1)).toMatchObject({
        url: `/api/v8.1/jobSessions/${sessionId}`,
        status: 200,
        violations: [],
      });
    });

    it("log: JobSessions_GetJobSessionLog → the log records", async () => {
      const { data, response } = await call("jobSessionsGetJobSessionLog")({ client, auth, path: { sessionId } });
      expect(response.status).toBe(200);
      expect((data as { log: unknown[] }).log.length).toBeGreaterThan(0);
      expect(exchanges.at(-1)).toMatchObject({ url: `/api/v8.1/jobSessions/${sessionId}/log`, status: 200 });
    });

    it("stop: JobSessions_StopJob on a running session → 204, as v8.1 answers", async () => {
      // Only a running session can be stopped (a finished one answers 400, as the server does).
      const { data } = await call("jobSessionsGetJobSessions")({ client, auth, query: { Status: ["Running"] } });
      const running = (data as { results: { id: string; status: string }[] }).results[0];
      expect(running?.status).toBe("Running");
      const { response } = await call("jobSessionsStopJob")({ client, auth, path: { sessionId: running!.id } });
      expect(response.status).toBe(204);
      expect(exchanges.at(-1)).toMatchObject({ url: `/api/v8.1/jobSessions/${running!.id}/stop`, status: 204 });
    });

    it("stop: JobSessions_StopJob on a finished session → 400", async () => {
      const { response } = await call("jobSessionsStopJob")({ client, auth, path: { sessionId } });
      expect(response.status).toBe(400);
    });

    it("without the token the mock answers 401, as the server would", async () => {
      const { response } = await call("jobSessionsGetJobSessions")({ client });
      expect(response.status).toBe(401);
    });
  },
);
