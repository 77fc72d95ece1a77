// The client against the real mock (Prism on the bundled EM spec): every operation, JSON and
// XML, status, headers, and data equal to the spec's example (XML decodes to its JSON twin).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEnterpriseManagerClient,
  unwrap,
  VeeamApiError,
  type EnterpriseManagerClient,
} from "@veeam-sessions/client";
import { startMock, type Exchange, type MockServer } from "../src/index.js";
import { errorExample, first, loadSpec, operations } from "./helpers.js";

const doc = loadSpec("enterprise-manager");
const ops = operations(doc);
const ID = "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6";
const SESSION_ID = doc.components.headers["X-RestSvcSessionId"].schema.examples[0] as string;

/** How to call each operation; a new operation in the spec fails the test until it is listed here. */
const CALLS: Record<string, { path?: Record<string, string>; query?: Record<string, string> }> = {
  getEntryPoint: {},
  listBackupSessions: {},
  getBackupSession: { path: { ID }, query: { format: "Entity" } },
  stopBackupSession: { path: { ID }, query: { action: "stop" } },
  listBackupTaskSessions: { path: { ID } },
  getBackupTaskSession: { path: { ID } },
  listReplicaSessions: {},
  getReplicaSession: { path: { ID } },
  listReplicaTaskSessions: { path: { ID } },
  getReplicaTaskSession: { path: { ID } },
  getCdpReplicaSession: { path: { ID } },
  getCdpReplicaTaskSession: { path: { ID } },
  querySessions: { query: { type: "BackupJobSession", format: "Entities" } },
  getTask: { path: { ID: "task-42" } },
  listLogonSessions: {},
  getLogonSession: { path: { SessionId: "5496707f-c814-47ce-8d6d-110aa03cec03" } },
  listAllBackupTaskSessions: {},
  listAgentBackupSessions: {},
  listAgentManagementSessions: { path: { ID } },
  listNasBackupSessions: {},
  listNasJobBackupSessions: { path: { ID } },
  listAllReplicaTaskSessions: {},
  listCdpReplicaSessions: {},
  listCdpPolicySessions: { path: { ID } },
  listCdpReplicaTaskSessions: { path: { ID } },
  listAllCdpReplicaTaskSessions: {},
  listRestoreSessions: {},
  getRestoreSession: { path: { ID } },
  listSystemSessions: {},
  getSystemSession: { path: { ID } },
  listSystemSessionEvents: { path: { ID } },
  listCloudFailoverSessions: {},
  getCloudFailoverSession: { path: { ID } },
  listTasks: {},
  deleteTask: { path: { ID: "task-42" } },
  // The server reads query parameters case-insensitively; the mock must accept what it accepts.
  getQueryService: {},
};
const AUTH_OPS = ["logOn", "logOff"]; // the client runs these itself: tested below

type Send = (
  method: string,
  path: string,
  init: Record<string, unknown>,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const send = (client: EnterpriseManagerClient): Send => (client as unknown as { request: Send }).request;

let mock: MockServer;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  mock = await startMock({ api: "enterprise-manager", engine: "prism", port: 0, onExchange: (e) => exchanges.push(e) });
});
afterAll(() => mock?.stop());

describe("every operation is listed", () => {
  it("CALLS covers the spec", () => {
    expect(Object.keys(CALLS).sort()).toEqual(
      ops
        .map((o) => o.operationId)
        .filter((id) => !AUTH_OPS.includes(id))
        .sort(),
    );
  });
});

for (const format of ["json", "xml"] as const) {
  const mediaType = `application/${format}`;
  describe(`client, format ${format}`, () => {
    let em: EnterpriseManagerClient;
    beforeAll(() => {
      em = createEnterpriseManagerClient({
        baseUrl: mock.url,
        auth: { username: "TECH\\svc", password: "secret-pw" },
        format,
      });
    });
    afterAll(() => em.logout());

    for (const op of ops.filter((o) => !AUTH_OPS.includes(o.operationId))) {
      it(`${op.operationId}: ${op.method} ${op.path} → ${op.status} ${mediaType}, the example`, async () => {
        const { path, query } = CALLS[op.operationId]!;
        const result = await send(em)(op.method, op.path, { params: { path, query } });
        expect(result.response.status).toBe(op.status);
        expect(result.error).toBeUndefined();
        if (op.status === 204) {
          // No Content (`DELETE /tasks/{ID}`): no body, so no media type either.
          expect(result.response.headers.get("content-type")).toBeNull();
          return;
        }
        expect(result.response.headers.get("content-type")).toBe(mediaType);
        // XML decodes to the same data as its JSON twin: both are compared with the JSON example.
        expect(result.data).toEqual(first(op.examples["application/json"]));
      });
    }

    it("logged on once, with the session id from the spec's example", () => {
      expect(em.logons).toBe(1);
      const seen = exchanges.filter((e) => e.url.startsWith("/api/sessionMngr/"));
      expect(seen.at(-1)).toMatchObject({ method: "POST", status: 201, url: "/api/sessionMngr/?v=latest" });
    });

    it("Prefer: example=reference picks the other example", async () => {
      const op = ops.find((o) => o.operationId === "getBackupSession")!;
      const { data, response } = await em.GET("/backupSessions/{ID}", {
        params: { path: { ID } },
        headers: { Prefer: "example=reference" },
      });
      expect(response.headers.get("content-type")).toBe(mediaType);
      expect(data).toEqual(op.examples["application/json"]!.reference);
    });

    it("Prefer: code=404 answers the 404 example, which unwrap() throws", async () => {
      const result = await em.GET("/backupSessions/{ID}", {
        params: { path: { ID } },
        headers: { Prefer: "code=404" },
      });
      expect(result.response.status).toBe(404);
      expect(result.response.headers.get("content-type")).toBe(mediaType);
      expect(result.error).toEqual(errorExample(doc, "/backupSessions/{ID}", "GET", 404)["application/json"]);
      const error = (() => {
        try {
          unwrap(result);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(VeeamApiError);
      expect(error).toMatchObject({ kind: "http", status: 404, operationId: "getBackupSession" });
    });
  });
}

describe("logon and logoff, raw", () => {
  const logon = ops.find((o) => o.operationId === "logOn")!;
  for (const mt of ["application/xml", "application/json"]) {
    it(`POST /sessionMngr/ with Basic → 201 ${mt}, X-RestSvcSessionId and the example`, async () => {
      const response = await fetch(`${mock.url}/sessionMngr/?v=latest`, {
        method: "POST",
        headers: { authorization: "Basic VDpw", accept: mt },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get("x-restsvcsessionid")).toBe(SESSION_ID);
      expect(response.headers.get("content-type")).toBe(mt);
      const body = await response.text();
      expect(mt === "application/json" ? JSON.parse(body) : body).toEqual(first(logon.examples[mt]));
    });
  }

  it("POST /sessionMngr/ without credentials → 401 with WWW-Authenticate", async () => {
    const response = await fetch(`${mock.url}/sessionMngr/`, {
      method: "POST",
      headers: { accept: "application/json" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Basic Realm="RestSvc"');
    expect(await response.json()).toEqual(errorExample(doc, "/sessionMngr/", "POST", 401)["application/json"]);
  });

  it("DELETE /logonSessions/{id} with the session → 204, no body", async () => {
    const response = await fetch(`${mock.url}/logonSessions/44cfbdbe-5a95-4156-8867-91f069b7c2cc`, {
      method: "DELETE",
      headers: { "x-restsvcsessionid": SESSION_ID },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
  });
});

describe("auth, media types and paths, raw", () => {
  const error401 = errorExample(doc, "/backupSessions", "GET", 401);

  it("no X-RestSvcSessionId → 401, in XML by default", async () => {
    const response = await fetch(`${mock.url}/backupSessions`);
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/xml");
    expect(response.headers.get("www-authenticate")).toBe('Basic Realm="RestSvc"');
    expect(await response.text()).toBe(error401["application/xml"]);
  });

  it("no X-RestSvcSessionId, Accept: application/json → 401 in JSON (Prism alone would answer XML)", async () => {
    const response = await fetch(`${mock.url}/backupSessions`, { headers: { accept: "application/json" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual(error401["application/json"]);
  });

  it("the session cookie works as well as the header", async () => {
    const response = await fetch(`${mock.url}/backupSessions`, {
      headers: { cookie: `X-RestSvcSessionId=${SESSION_ID}`, accept: "application/json" },
    });
    expect(response.status).toBe(200);
  });

  it("Accept: */* and no Accept → XML, like the server", async () => {
    for (const headers of [{ accept: "*/*" }, {}] as Array<Record<string, string>>) {
      const response = await fetch(`${mock.url}/`, { headers });
      expect(response.headers.get("content-type")).toBe("application/xml");
    }
    const q = await fetch(`${mock.url}/`, { headers: { accept: "application/xml;q=0.5, application/json" } });
    expect(q.headers.get("content-type")).toBe("application/json");
  });

  it("a bad parameter → 400 with the Error example (JSON when asked), Prism's finding in sl-violations", async () => {
    const response = await fetch(`${mock.url}/query`, {
      headers: { accept: "application/json", "x-restsvcsessionid": SESSION_ID },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(errorExample(doc, "/query", "GET", 400)["application/json"]);
    expect(JSON.parse(response.headers.get("sl-violations")!)).toEqual([
      expect.objectContaining({ location: ["request", "query"], message: expect.stringContaining("'type'") }),
    ]);
  });

  it("a value outside its pattern → 400 as well", async () => {
    const response = await fetch(`${mock.url}/query?type=No%20pe`, { headers: { "x-restsvcsessionid": SESSION_ID } });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(errorExample(doc, "/query", "GET", 400)["application/xml"]);
  });

  it("accepts what a real server accepts: lower-case type/format/sort and quoted filter values", async () => {
    const headers = { accept: "application/json", "x-restsvcsessionid": SESSION_ID };
    const query = new URLSearchParams({
      type: "backupjobsession",
      format: "entities",
      sortDesc: "creationtime",
      filter: 'CreationTime>="2025-08-15T06:00:00Z";JobName=="Backup Job 1"',
    });
    const response = await fetch(`${mock.url}/query?${query.toString()}`, { headers });
    expect(response.status).toBe(200);
    const task = await fetch(`${mock.url}/query?type=BackupTaskSession&sortAsc=VmDisplayName`, { headers });
    expect(task.status).toBe(200);
    const entity = await fetch(`${mock.url}/backupSessions/${ID}?format=entity`, { headers });
    expect(entity.status).toBe(200);
  });

  it("Prism's __code and __example query parameters work like Prefer", async () => {
    const headers = { accept: "application/json", "x-restsvcsessionid": SESSION_ID };
    expect((await fetch(`${mock.url}/backupSessions/${ID}?__code=404`, { headers })).status).toBe(404);
    const ref = await fetch(`${mock.url}/backupSessions/${ID}?__example=reference`, { headers });
    expect(await ref.json()).toEqual(
      ops.find((o) => o.operationId === "getBackupSession")!.examples["application/json"]!.reference,
    );
  });

  it("XML answers carry no false 'body must be object' violation", async () => {
    const response = await fetch(`${mock.url}/backupSessions`, { headers: { "x-restsvcsessionid": SESSION_ID } });
    expect(response.status).toBe(200);
    expect(response.headers.get("sl-violations")).toBeNull();
  });

  it("paths live under /api as on the server: /backupSessions without it is 404", async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    const outside = await fetch(`${mock.origin}/backupSessions`, { headers: { "x-restsvcsessionid": SESSION_ID } });
    expect(outside.status).toBe(404);
    const inside = await fetch(`${mock.origin}/api/replicaSessions/${ID}`, {
      headers: { "x-restsvcsessionid": SESSION_ID },
    });
    expect(inside.status).toBe(200);
  });

  it("no CORS headers by default (the server sends none)", async () => {
    const response = await fetch(`${mock.url}/`, { headers: { origin: "http://example.test" } });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
