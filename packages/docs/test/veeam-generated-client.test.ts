// A new user's first try: generate a client with @hey-api/openapi-ts from Veeam's own OpenAPI
// documents and run it against our mock, list → get → log → stop, as the documents describe
// the calls. Generated once per document, one mock per API for the whole file.
//
// Backup for Azure: Veeam's v8.1 document, from VEEAM_AZURE_OPENAPI, else
// ../shared/reference/vbaz_rest_v8.1.json (a copy is in the public GitHub repository
// Cenvora/veeam-az, openapi_schemas/). Token request (Veeam's spelling, `username`/`password`),
// then list → get → log → stop under /api/v8.1.
//
// Backup & Replication: one document per revision the simulator answers (x-api-version), read
// from VEEAM_VBR_OPENAPI (several paths joined with the path delimiter, as the spec's
// compatibility test reads them), else ../shared/reference/vbr_openapi_1.1-rev0.yaml and
// vbr_rest_1.3-rev1.json; 1.2-rev1, 1.3-rev0 and 1.3-rev2 are in the public GitHub repository
// Cenvora/veeam-br, openapi_schemas/vbr_rest_<revision>.json (the unmodified ones, not
// `*_fixed.json`: those drop Veeam's `oneOf`/`discriminator` from base schemas for a Python
// generator). Each revision's client sends its revision, and every answer is checked against
// that revision's document: it validates, and has no member the document does not declare.
// A revision without its document is skipped, naming the file to provide.
//
// Enterprise Manager has no OpenAPI document from Veeam (only its XSD and reference pages), so
// no client can be generated from one.
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createClient } from "@hey-api/openapi-ts";
import { DEFAULT_USER, startMock, type Exchange, type MockServer } from "@veeam-sessions/mock";
import { getApi } from "@veeam-sessions/spec";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/spec.js";
import { veeamChecker, type VeeamChecker } from "./support/veeam-schema.js";

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

// ---- Backup & Replication: one generated client per revision ---------------------------------

const VBR_DEFAULTS = ["vbr_openapi_1.1-rev0.yaml", "vbr_rest_1.3-rev1.json"].map((f) =>
  resolve(repoRoot, "..", "shared", "reference", f),
);
const vbrFiles = (process.env.VEEAM_VBR_OPENAPI?.split(delimiter).filter(Boolean) ?? VBR_DEFAULTS)
  .map((f) => resolve(repoRoot, f))
  .filter((f) => existsSync(f));
const MAX_DOCUMENT = 16 * 1024 * 1024;

interface VbrDocument {
  file: string;
  revision: string;
  doc: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const vbrDocuments: VbrDocument[] = vbrFiles.map((file) => {
  if (statSync(file).size > MAX_DOCUMENT) throw new Error(`${file} is larger than 16 MiB`);
  const text = readFileSync(file, "utf8");
  const doc = (file.endsWith(".json") ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as VbrDocument["doc"];
  return { file, revision: String(doc.info?.version), doc };
});
// The revisions the simulator answers (spec/backup-replication/simulator.yaml).
const claimed =
  (getApi("backup-replication").simulator as { revisions?: { values: string[] } }).revisions?.values ?? [];

const VBR_OPERATIONS = [
  "POST /api/oauth2/token",
  "POST /api/oauth2/logout",
  "GET /api/v1/sessions",
  "GET /api/v1/sessions/{id}",
  "GET /api/v1/sessions/{id}/logs",
  "POST /api/v1/sessions/{id}/stop",
  "GET /api/v1/sessions/{id}/taskSessions",
  "GET /api/v1/taskSessions/{id}",
  "GET /api/v1/taskSessions/{id}/logs",
];

describe("clients generated from Veeam's Backup & Replication documents, one per revision, against veeam-mock", () => {
  let mock: MockServer;
  const exchanges: Exchange[] = [];
  beforeAll(async () => {
    mock = await startMock({ api: "backup-replication", port: 0, onExchange: (e) => exchanges.push(e) });
  });
  afterAll(() => mock?.stop());

  it("the simulator answers revisions; each has its document here, or is skipped below naming it", () => {
    expect(claimed.length).toBeGreaterThan(0);
    const missing = claimed.filter((r) => !vbrDocuments.some((d) => d.revision === r));
    if (missing.length)
      console.warn(
        `veeam-generated-client.test.ts: no document for Backup & Replication ${missing.join(", ")}: ` +
          "put vbr_rest_<revision>.json from the public GitHub repository Cenvora/veeam-br (openapi_schemas/, not " +
          "*_fixed.json) beside the others and list them all in VEEAM_VBR_OPENAPI (joined with " +
          `"${delimiter}"); now read: ${vbrDocuments.map((d) => basename(d.file)).join(", ") || "none"}`,
      );
    // A document of a revision the simulator does not answer would test nothing it claims.
    for (const d of vbrDocuments) expect(claimed, d.file).toContain(d.revision);
  });

  describe.each(claimed.map((revision) => [revision, vbrDocuments.find((d) => d.revision === revision)] as const))(
    "revision %s",
    (revision, document) => {
      const skip = !document;
      const out = mkdtempSync(join(tmpdir(), `veeam-sessions-vbr-${revision}-client-`));
      let sdk: Record<string, Call>;
      let client: unknown;
      let check: VeeamChecker;
      const has = (operation: string) => {
        const [method, path] = operation.split(" ");
        return !!document?.doc.paths?.[path!]?.[method!.toLowerCase()];
      };

      beforeAll(async () => {
        if (skip) return;
        // hey-api 0.99 prints "unsupported type: examples" for every `$ref` to components.examples
        // (Veeam's documents have hundreds): not a finding, only noise in the test's output.
        const warn = console.warn;
        console.warn = (...args: unknown[]) => {
          if (!(typeof args[0] === "string" && args[0].startsWith("unsupported type: "))) warn(...args);
        };
        await createClient({
          input: document.file,
          output: { path: out },
          plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
          parser: { filters: { operations: { include: VBR_OPERATIONS.filter(has) } } },
          logs: { level: "silent", file: false },
        }).finally(() => (console.warn = warn));
        sdk = (await import(pathToFileURL(join(out, "sdk.gen.ts")).href)) as Record<string, Call>;
        const fetchClient = (await import(pathToFileURL(join(out, "client", "index.ts")).href)) as {
          createClient: (config: Record<string, unknown>) => unknown;
        };
        // Veeam's paths carry /api/v1 (and /api/oauth2) themselves: the base URL is the origin.
        client = fetchClient.createClient({ baseUrl: mock.origin });
        check = veeamChecker(document.doc);
      }, 300_000);

      const call = (name: string) => {
        const fn = sdk[name];
        if (typeof fn !== "function") throw new Error(`hey-api generated no ${name} (${join(out, "sdk.gen.ts")})`);
        return fn;
      };
      const headers = { "x-api-version": revision };
      let token = "";
      // Bearer (http) from 1.2-rev1; 1.1-rev0 declares an API key named Authorization holding "Bearer <token>".
      const auth = (scheme: { scheme?: string }) => (scheme.scheme === "bearer" ? token : `Bearer ${token}`);
      /** The answer of the last call: its status, and no finding against this revision's document. */
      const answered = (operation: string, status: number, body: unknown) => {
        const [method, path] = operation.split(" ");
        expect(check(method!, path!, String(status), body), `${operation} ${status} vs Veeam's ${revision}`).toEqual(
          [],
        );
        expect(exchanges.at(-1), operation).toMatchObject({ method, status, violations: [] });
      };

      it.skipIf(skip)("token: CreateToken with the revision header → 200 and a TokenModel", async () => {
        const { data, response } = await call("createToken")({
          client,
          headers,
          body: { grant_type: "password", username: DEFAULT_USER.username, password: DEFAULT_USER.password },
        });
        expect(response.status).toBe(200);
        answered("POST /api/oauth2/token", 200, data);
        token = (data as { access_token: string }).access_token;
      });

      let session: { id: string } = { id: "" };
      it.skipIf(skip)(
        "list → get → logs: GetAllSessions, GetSession, GetSessionLogs in this revision's shape",
        async () => {
          const page = await call("getAllSessions")({
            client,
            headers,
            auth,
            query: { limit: 5, resultFilter: "Failed" },
          });
          expect(page.response.status).toBe(200);
          answered("GET /api/v1/sessions", 200, page.data);
          session = (page.data as { data: { id: string; result: { result: string } }[] }).data[0]!;
          expect(session).toMatchObject({ result: { result: "Failed" } });
          const one = await call("getSession")({ client, headers, auth, path: { id: session.id } });
          answered("GET /api/v1/sessions/{id}", 200, one.data);
          expect(one.data).toEqual(session);
          const log = await call("getSessionLogs")({ client, headers, auth, path: { id: session.id } });
          answered("GET /api/v1/sessions/{id}/logs", 200, log.data);
          expect((log.data as { records: { title: string }[] }).records[0]!.title).toMatch(
            /^Job finished with error at /,
          );
        },
      );

      it.skipIf(skip)("task sessions: listed, read and logged where the revision has them, else a 404", async () => {
        if (!has("GET /api/v1/sessions/{id}/taskSessions")) {
          // The raw request: a client of this revision has no such call.
          const response = await fetch(`${mock.origin}/api/v1/sessions/${session.id}/taskSessions`, {
            headers: { ...headers, authorization: `Bearer ${token}` },
          });
          expect(response.status).toBe(404);
          return;
        }
        const tasks = await call(
          "getSessionTaskSessions" in sdk ? "getSessionTaskSessions" : "getSessionTaskSessionsWithFiltering",
        )({ client, headers, auth, path: { id: session.id } });
        answered("GET /api/v1/sessions/{id}/taskSessions", 200, tasks.data);
        const task = (tasks.data as { data: { id: string; name: string }[] }).data[0]!;
        const one = await call("getTaskSession")({ client, headers, auth, path: { id: task.id } });
        answered("GET /api/v1/taskSessions/{id}", 200, one.data);
        const log = await call("getTaskSessionLogs")({ client, headers, auth, path: { id: task.id } });
        answered("GET /api/v1/taskSessions/{id}/logs", 200, log.data);
      });

      it.skipIf(skip)(
        "stop: StopSession on a running session → 200; on a finished one → 400; then Logout",
        async () => {
          const running = mock.sessions.add("SessionModel", { running: true });
          const stopped = await call("stopSession")({ client, headers, auth, path: { id: running } });
          expect(stopped.response.status).toBe(200);
          answered("POST /api/v1/sessions/{id}/stop", 200, stopped.data);
          const again = await call("stopSession")({ client, headers, auth, path: { id: session.id } });
          expect(again.response.status).toBe(400);
          const out = await call("logout")({ client, headers, auth });
          expect(out.response.status).toBe(200);
          answered("POST /api/oauth2/logout", 200, out.data);
        },
      );

      it.skipIf(skip)("without the revision header: a 400 Error naming it", async () => {
        const { error, response } = await call("getAllSessions")({ client, auth });
        expect(response.status).toBe(400);
        expect(error).toMatchObject({
          errorCode: "UnexpectedContent",
          message: expect.stringContaining("x-api-version"),
        });
      });

      if (skip)
        it.skip(`no document for ${revision}: put vbr_rest_${revision}.json (Cenvora/veeam-br, openapi_schemas/) in VEEAM_VBR_OPENAPI`, () =>
          undefined);
    },
  );
});
