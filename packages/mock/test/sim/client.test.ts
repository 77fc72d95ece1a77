// The real client (@veeam-sessions/client) against the simulators, as against a real server:
// EM's query service page by page, Azure's Offset/Limit pages, logging on again after the server
// ended the logon session or token, and the stop flow (task polled until Finished). Enterprise
// Manager in JSON (EM 12's PascalCase and EM 13's camelCase) and in XML; Backup & Replication's
// skip/limit pages, task sessions and logout.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "@veeam-sessions/spec";
import {
  createBackupForAzureClient,
  createBackupReplicationClient,
  createEnterpriseManagerClient,
  paginate,
  query,
  unwrap,
  where,
  type EnterpriseManagerClient,
} from "@veeam-sessions/client";
import { DEFAULT_USER, startMock, type MockServer } from "../../src/index.js";

const found: string[] = [];
const onViolation = (e: { method: string; url: string; violations: { message: string }[] }) =>
  found.push(`${e.method} ${e.url}: ${e.violations.map((v) => v.message).join("; ")}`);
const mocks: MockServer[] = [];
afterAll(() => Promise.all(mocks.map((m) => m.stop())));
afterEach(() => {
  expect(found).toEqual([]);
  for (const m of mocks) expect(m.violations()).toBe(0);
});

/** Polls `probe` every 25 ms until it gives a value; fails after `boundMs` (a bound, not a timing). */
async function until<T>(probe: () => Promise<T | undefined>, boundMs = 20_000): Promise<T> {
  const end = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`not reached within ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const variants = [
  { name: "JSON (EM 12, PascalCase)", format: "json", emJsonCase: "pascal" },
  { name: "JSON (EM 13, camelCase)", format: "json", emJsonCase: "camel" },
  { name: "XML", format: "xml", emJsonCase: "pascal" },
] as const;

describe.each(variants)("Enterprise Manager client, $name", ({ format, emJsonCase }) => {
  let mock: MockServer;
  let em: EnterpriseManagerClient;
  beforeAll(async () => {
    mock = await startMock({
      api: "enterprise-manager",
      port: 0,
      guard: true,
      seed: 11,
      sessions: 160,
      stopMs: 200,
      emJsonCase,
      onViolation,
    });
    mocks.push(mock);
  });
  afterEach(() => em?.logout());

  const client = () => (em = createEnterpriseManagerClient({ baseUrl: mock.url, auth: { ...DEFAULT_USER }, format }));

  it.each(["BackupJobSession", "ReplicaJobSession"] as const)(
    "query() of failed %ss yields exactly the failed sessions, across pages",
    async (type) => {
      client();
      const expected = mock.sessions
        .list(type)
        .filter((s) => s.Result === "Failed")
        .map((s) => String(s.UID))
        .sort();
      // Enough failures for several pages of 2, and fewer than all: the filter is applied.
      expect(expected.length).toBeGreaterThan(2);
      expect(expected.length).toBeLessThan(mock.sessions.list(type).length);
      const seen: string[] = [];
      const pagesAsked: number[] = [];
      em.use({
        onResponse({ request }) {
          if (new URL(request.url).pathname.endsWith("/query"))
            pagesAsked.push(Number(new URL(request.url).searchParams.get("page")));
          return undefined;
        },
      });
      for await (const s of query(em, { type, filter: where("Result").eq("Failed"), pageSize: 2 })) {
        expect(s.Result).toBe("Failed");
        expect(s.JobType).toBe(type === "BackupJobSession" ? "Backup" : "Replica");
        seen.push(String(s.UID));
      }
      expect(seen.sort()).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
      // One request per page, pages 1 … n.
      expect(pagesAsked).toEqual(Array.from({ length: Math.ceil(expected.length / 2) }, (_, i) => i + 1));
      expect(em.logons).toBe(1);
    },
  );

  it("query() with a filter, a sort and a date: newest first, only what matches", async () => {
    client();
    const since = new Date(Date.now() - 2 * 86_400_000);
    const expected = mock.sessions
      .list("BackupJobSession")
      .filter((s) => s.Result !== "Success" && Date.parse(String(s.CreationTimeUTC)) > +since)
      .sort((a, b) => Date.parse(String(b.CreationTimeUTC)) - Date.parse(String(a.CreationTimeUTC)))
      .map((s) => String(s.UID));
    expect(expected.length).toBeGreaterThan(0);
    const seen: string[] = [];
    for await (const s of query(em, {
      type: "BackupJobSession",
      filter: where("Result").ne("Success").and(where("CreationTime").gt(since)),
      sortDesc: "CreationTime",
      pageSize: 3,
    }))
      seen.push(String(s.UID));
    expect(seen).toEqual(expected);
  });

  it("after the server ends the logon session, the next call gets 401 and the client logs on once again", async () => {
    client();
    const list = async () => unwrap(await em.GET("/backupSessions", { params: { query: { format: "Entities" } } }));
    const first = await list();
    expect(em.logons).toBe(1);
    mock.expireSessions();
    let refused = 0;
    em.use({
      onResponse({ response }) {
        if (response.status === 401) refused++;
        return undefined;
      },
    });
    const second = await list();
    expect(refused).toBe(1);
    expect(em.logons).toBe(2);
    expect(second).toEqual(first);
    // The new logon session serves the calls after it: no further logon.
    await list();
    expect(em.logons).toBe(2);
  });

  it("stop: 202 with a Task, polled until Finished; the session is then Stopped with Result Failed", async () => {
    client();
    const id = mock.sessions.add("BackupJobSession", { running: true });
    const read = async () =>
      // format=Entity: the session itself (the type also allows the reference of format=Ref).
      unwrap(
        await em.GET("/backupSessions/{ID}", { params: { path: { ID: id }, query: { format: "Entity" } } }),
      ) as Json;
    expect((await read()).State).toBe("Working");
    const started = await em.POST("/backupSessions/{ID}", { params: { path: { ID: id }, query: { action: "stop" } } });
    expect(started.response.status).toBe(202);
    const task = unwrap(started);
    expect(task.State).toBe("Running");
    expect(task.Operation).toBe("StopJobSession");
    expect(task.Href).toBe(`${mock.url}/tasks/${task.TaskId}`);
    expect(["Stopping", "Stopped"]).toContain((await read()).State);
    const finished = await until(async () => {
      const t = unwrap(await em.GET("/tasks/{ID}", { params: { path: { ID: task.TaskId } } }));
      expect(["Running", "Finished"]).toContain(t.State);
      return t.State === "Finished" ? t : undefined;
    });
    expect(finished.TaskId).toBe(task.TaskId);
    const session = await read();
    expect(session.State).toBe("Stopped");
    expect(session.Result).toBe("Failed");
    expect(session.EndTimeUTC).toBeDefined();
    // Stopping it again is refused, with EM's Error body.
    const again = await em.POST("/backupSessions/{ID}", { params: { path: { ID: id }, query: { action: "stop" } } });
    expect(again.response.status).toBe(400);
    expect(again.error).toMatchObject({ StatusCode: 400 });
  });

  it("an unknown session id: 404 with EM's Error body naming it", async () => {
    client();
    const missing = "00000000-0000-4000-8000-000000000000";
    const result = await em.GET("/backupSessions/{ID}", {
      params: { path: { ID: missing }, query: { format: "Entity" } },
    });
    expect(result.response.status).toBe(404);
    expect(result.error).toMatchObject({ StatusCode: 404 });
    expect(String((result.error as Json).Message)).toContain(missing);
  });
});

describe("Backup for Microsoft Azure client", () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({
      api: "backup-for-azure",
      port: 0,
      guard: true,
      seed: 5,
      sessions: 83,
      stopMs: 200,
      onViolation,
    });
    mocks.push(mock);
  });
  const client = (extra: { now?: () => number } = {}) =>
    createBackupForAzureClient({ baseUrl: mock.url, auth: { ...DEFAULT_USER }, ...extra });

  it("paginate() yields every session once, newest first", async () => {
    const az = client();
    const all = mock.sessions.list("JobSession");
    const seen: string[] = [];
    let last = Infinity;
    for await (const s of paginate(az, "/jobSessions", { pageSize: 10 })) {
      seen.push(String(s.id));
      const start = Date.parse(String(s.executionStartTime));
      expect(start).toBeLessThanOrEqual(last);
      last = start;
    }
    expect(seen.length).toBe(all.length);
    expect(new Set(seen).size).toBe(all.length);
    expect(seen.sort()).toEqual(all.map((s) => String(s.id)).sort());
    await az.logout();
  });

  it("paginate() with Status: only those sessions, all of them", async () => {
    const az = client();
    const expected = mock.sessions
      .list("JobSession")
      .filter((s) => s.status === "Error" || s.status === "Warning")
      .map((s) => String(s.id))
      .sort();
    expect(expected.length).toBeGreaterThan(3);
    const seen: string[] = [];
    for await (const s of paginate(az, "/jobSessions", { query: { Status: ["Error", "Warning"] }, pageSize: 3 }))
      seen.push(String(s.id));
    expect(seen.sort()).toEqual(expected);
    await az.logout();
  });

  it("after the server ends the token, the next call gets 401 and the client takes a new one once", async () => {
    const az = client();
    const one = async () => unwrap(await az.GET("/jobSessions", { params: { query: { Limit: 1 } } }));
    await one();
    expect(az.grants).toEqual({ password: 1, refresh: 0 });
    mock.expireSessions();
    let refused = 0;
    az.use({
      onResponse({ response }) {
        if (response.status === 401) refused++;
        return undefined;
      },
    });
    await one();
    expect(refused).toBe(1);
    // The refresh token went with the logon session: the client falls back to the password.
    expect(az.grants).toEqual({ password: 2, refresh: 0 });
    await one();
    expect(az.grants.password).toBe(2);
    await az.logout();
  });

  it("a token near its expiry is refreshed with the refresh token", async () => {
    let clock = Date.now();
    const az = client({ now: () => clock });
    const one = async () => unwrap(await az.GET("/jobSessions", { params: { query: { Limit: 1 } } }));
    await one();
    // The client's clock says the hour is nearly over: it refreshes before the next call.
    clock += 3590_000;
    await one();
    expect(az.grants).toEqual({ password: 1, refresh: 1 });
    await az.logout();
  });

  it("stop through the client: v1 answers 200; the session reads Canceling, then Canceled", async () => {
    const az = client();
    const id = mock.sessions.add("JobSession", { running: true });
    const stopped = await az.POST("/jobSessions/{sessionId}/stop", { params: { path: { sessionId: id } } });
    expect(stopped.response.status).toBe(200);
    expect(stopped.error).toBeUndefined();
    const read = async () =>
      String(unwrap(await az.GET("/jobSessions/{sessionId}", { params: { path: { sessionId: id } } })).status);
    expect(["Canceling", "Canceled"]).toContain(await read());
    await until(async () => ((await read()) === "Canceled" ? true : undefined));
    const again = await az.POST("/jobSessions/{sessionId}/stop", { params: { path: { sessionId: id } } });
    expect(again.response.status).toBe(400);
    expect(again.error).toMatchObject({ status: 400 });
    await az.logout();
  });
});

describe("Backup & Replication client", () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({
      api: "backup-replication",
      port: 0,
      guard: true,
      seed: 9,
      sessions: 47,
      stopMs: 200,
      onViolation,
    });
    mocks.push(mock);
  });
  const client = () => createBackupReplicationClient({ baseUrl: mock.url, auth: { ...DEFAULT_USER } });
  const resultOf = (s: Json) => String((s.result as Json | undefined)?.result);

  it("paginate() yields every session once, newest first; with resultFilter only those", async () => {
    const vbr = client();
    const all = mock.sessions.list("SessionModel");
    const seen: string[] = [];
    let last = Infinity;
    for await (const s of vbr.paginate("/api/v1/sessions", { pageSize: 10 })) {
      seen.push(s.id);
      const created = Date.parse(s.creationTime);
      expect(created).toBeLessThanOrEqual(last);
      last = created;
    }
    expect(seen.sort()).toEqual(all.map((s) => String(s.id)).sort());
    const failed = all.filter((s) => resultOf(s) === "Failed" || resultOf(s) === "Warning").map((s) => String(s.id));
    expect(failed.length).toBeGreaterThan(0);
    const filtered: string[] = [];
    for await (const s of vbr.paginate("/api/v1/sessions", {
      query: { resultFilter: ["Failed", "Warning"], limit: 2 },
    }))
      filtered.push(s.id);
    expect(filtered.sort()).toEqual(failed.sort());
    await vbr.logout();
  });

  it("a session's task sessions page by page, each readable by id with its log", async () => {
    const vbr = client();
    const session = mock.sessions.list("SessionModel")[0]!;
    const tasks = mock.sessions.list("TaskSessionModel").filter((t) => t.sessionId === session.id);
    const seen: string[] = [];
    for await (const t of vbr.paginate("/api/v1/sessions/{id}/taskSessions", {
      path: { id: String(session.id) },
      pageSize: 1,
    })) {
      seen.push(t.id);
      const one = unwrap(await vbr.GET("/api/v1/taskSessions/{id}", { params: { path: { id: t.id } } }));
      expect(one).toEqual(t);
      const log = unwrap(await vbr.GET("/api/v1/taskSessions/{id}/logs", { params: { path: { id: t.id } } }));
      expect(log.records?.length).toBe(log.totalRecords);
    }
    expect(seen.sort()).toEqual(tasks.map((t) => String(t.id)).sort());
    await vbr.logout();
  });

  it("after the server ends the token, the next call gets a new one, once", async () => {
    const vbr = client();
    const one = async () => unwrap(await vbr.GET("/api/v1/sessions", { params: { query: { limit: 1 } } }));
    await one();
    mock.expireSessions();
    await one();
    expect(vbr.grants).toEqual({ password: 2, refresh: 0 });
    await vbr.logout();
    expect(vbr.grants.password).toBe(2);
  });

  it("stop through the client: 200; the session reads Stopping, then Stopped, Failed and canceled", async () => {
    const vbr = client();
    const id = mock.sessions.add("SessionModel", { running: true });
    const stopped = await vbr.POST("/api/v1/sessions/{id}/stop", { params: { path: { id } } });
    expect(stopped.response.status).toBe(200);
    const read = async () => unwrap(await vbr.GET("/api/v1/sessions/{id}", { params: { path: { id } } }));
    const done = await until(async () => {
      const s = await read();
      return s.state === "Stopped" ? s : undefined;
    });
    expect(done.result).toMatchObject({ result: "Failed", isCanceled: true });
    const again = await vbr.POST("/api/v1/sessions/{id}/stop", { params: { path: { id } } });
    expect(again.response.status).toBe(400);
    await vbr.logout();
  });
});
