// The simulated Enterprise Manager behaves like the server: the query service's type, format,
// filter, sort and paging; ids that resolve; task sessions under their job session; 404s and
// 400s with the reason; logon sessions that expire and end; stop as a task; XML and JSON,
// EM 12 and EM 13 casing. Every answer also passes the contract guard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_USER, startMock, type MockServer } from "../../src/index.js";
import { getJson, logOn } from "./helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = Date.parse("2026-11-29T12:00:00Z");
let mock: MockServer;
let time = NOW + 60_000;
let auth: Record<string, string>;
const violations: string[] = [];

beforeAll(async () => {
  mock = await startMock({
    api: "enterprise-manager",
    port: 0,
    seed: 7,
    sessions: 120,
    now: NOW,
    stopMs: 1500,
    // The simulator's time moves only when a test moves it: a stop is Stopping until then.
    clock: () => time,
    guard: true,
    onViolation: (e) => violations.push(`${e.method} ${e.url}`),
  });
  auth = (await logOn(mock)).headers;
});
afterAll(async () => {
  expect(violations).toEqual([]);
  expect(mock.violations()).toBe(0);
  await mock.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => getJson(mock, path, { ...auth, ...headers });
const idOf = (href: string) => href.split("?")[0]!.split("/").pop()!;

describe("the query service", () => {
  it("answers the type asked for, in refs by default and entities on request (format read case-insensitively)", async () => {
    const replicas = mock.sessions.list("ReplicaJobSession");
    expect(replicas.length).toBeGreaterThan(0);
    const entities = await get("/query?type=replicajobsession&format=entities");
    expect(entities.status).toBe(200);
    const items = entities.body!.Entities.ReplicaJobSessions.ReplicaJobSessions as Json[];
    expect(items.map((s) => s.UID).sort()).toEqual(replicas.map((s) => s.UID).sort());
    expect(items.every((s) => s.Type === "ReplicaJobSession")).toBe(true);
    // Every member of QueryEntities other than the asked-for one is null in JSON, as the server writes it.
    expect(entities.body!.Entities.BackupJobSessions).toBeNull();
    expect(entities.body!.Refs).toBeNull();
    const refs = await get("/query?type=ReplicaJobSession&format=Refs");
    const refItems = refs.body!.Refs.Refs as Json[];
    expect(refItems.map((r) => r.Type)).toEqual(replicas.map(() => "ReplicaJobSessionReference"));
    expect(refs.body!.Entities).toBeNull();
  });

  it("filters with ==, !=, <, >=, ; (and) , (or) and parentheses, fields and values case-insensitively", async () => {
    const all = mock.sessions.list("BackupJobSession");
    const failed = all.filter((s) => s.Result === "Failed");
    const since = "2026-11-26T00:00:00Z";
    const cases: [string, (s: Json) => boolean][] = [
      ["Result==Failed", (s) => s.Result === "Failed"],
      ["result==failed", (s) => s.Result === "Failed"],
      ["Result!=Success", (s) => s.Result !== "Success"],
      [`CreationTime>="${since}"`, (s) => Date.parse(s.CreationTimeUTC as string) >= Date.parse(since)],
      [
        `Result==Failed;CreationTime<"${since}"`,
        (s) => s.Result === "Failed" && Date.parse(s.CreationTimeUTC as string) < Date.parse(since),
      ],
      ["Result==Failed,Result==Warning", (s) => s.Result === "Failed" || s.Result === "Warning"],
      [
        '(Result==Failed,Result==Warning);JobName=="SQL Servers Backup"',
        (s) => ["Failed", "Warning"].includes(s.Result as string) && s.JobName === "SQL Servers Backup",
      ],
    ];
    expect(failed.length).toBeGreaterThan(0);
    for (const [filter, test] of cases) {
      const r = await get(`/query?type=BackupJobSession&format=Entities&filter=${encodeURIComponent(filter)}`);
      expect(r.status, filter).toBe(200);
      const got = (r.body!.Entities.BackupJobSessions.BackupJobSessions as Json[]).map((s) => s.UID).sort();
      expect(got, filter).toEqual(
        all
          .filter(test)
          .map((s) => s.UID)
          .sort(),
      );
    }
  });

  it("sorts with sortAsc and sortDesc", async () => {
    const desc = await get("/query?type=BackupJobSession&format=Entities&sortDesc=CreationTime");
    const times = (desc.body!.Entities.BackupJobSessions.BackupJobSessions as Json[]).map((s) =>
      Date.parse(s.CreationTimeUTC),
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const asc = await get("/query?type=BackupJobSession&format=Entities&sortAsc=jobname");
    const names = (asc.body!.Entities.BackupJobSessions.BackupJobSessions as Json[]).map((s) => s.JobName as string);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" })));
  });

  it("pages with pageSize and page: PagingInfo counts and First/Last/Next/Previous links that work", async () => {
    const total = mock.sessions.list("BackupJobSession").length;
    const first = await get("/query?type=BackupJobSession&format=Refs&pageSize=7&page=1");
    const paging = first.body!.PagingInfo as Json;
    expect(paging).toMatchObject({ PageNum: 1, PageSize: 7, PagesCount: Math.ceil(total / 7) });
    expect((paging.Links as Json[]).map((l) => l.Rel)).toEqual(["First", "Last", "Next"]);
    const seen: string[] = [];
    let next: string | undefined = (paging.Links as Json[]).find((l) => l.Rel === "First")!.Href;
    while (next) {
      expect(next.startsWith(mock.url)).toBe(true);
      const page = await get(next.slice(mock.url.length));
      seen.push(...(page.body!.Refs.Refs as Json[]).map((r) => r.UID as string));
      const links = page.body!.PagingInfo.Links as Json[];
      if (page.body!.PagingInfo.PageNum > 1) expect(links.some((l) => l.Rel === "Previous")).toBe(true);
      next = links.find((l) => l.Rel === "Next")?.Href;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    const empty = await get("/query?type=BackupJobSession&filter=Result==Failed;Result==Success");
    expect(empty.status).toBe(200);
    expect(empty.body!.Refs.Refs).toEqual([]);
    expect(empty.body!.PagingInfo).toMatchObject({ PageNum: 1, PagesCount: 0 });
  });

  it("answers 400 with the reason for a bad filter, field, type, format or page", async () => {
    for (const [query, reason] of [
      ["type=BackupJobSession&filter=Bogus==1", /unknown field 'Bogus'/],
      ["type=BackupJobSession&filter=Result==Sucess", /Result==Sucess: not one of None, Success, Warning, Failed/],
      ["type=BackupJobSession&filter=(Result==Failed", /Invalid filter/],
      ["type=BackupJobSession&sortAsc=Nope", /unknown sort field 'Nope'/],
      ["type=Widget", /Query type 'Widget' is not supported/],
      ["format=Entities", /query type is not specified/],
      ["type=BackupJobSession&format=Pictures", /Format 'Pictures' is not supported/],
      ["type=BackupJobSession&pageSize=0", /pageSize must be a whole number from 1/],
    ] as const) {
      const r = await get(`/query?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body!.StatusCode).toBe(400);
      expect(r.body!.Message, query).toMatch(reason);
    }
  });
});

describe("resources", () => {
  it("every id a list returns resolves by id, to the same session the query service shows", async () => {
    const list = await get("/backupSessions?format=Entities");
    const sessions = list.body!.BackupJobSessions as Json[];
    expect(sessions.length).toBe(mock.sessions.list("BackupJobSession").length);
    const query = await get("/query?type=BackupJobSession&format=Entities");
    const byUid = new Map((query.body!.Entities.BackupJobSessions.BackupJobSessions as Json[]).map((s) => [s.UID, s]));
    for (const s of sessions.slice(0, 25)) {
      const one = await get(`/backupSessions/${idOf(s.Href as string)}?format=Entity`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(s);
      expect(byUid.get(s.UID)).toEqual(s);
    }
    const refs = await get("/backupSessions");
    for (const ref of (refs.body!.Refs as Json[]).slice(0, 10)) {
      expect(ref.Href.startsWith(mock.url)).toBe(true);
      const r = await get(ref.Href.slice(mock.url.length) as string);
      expect(r.body).toMatchObject({ Type: "BackupJobSessionReference", UID: ref.UID });
    }
  });

  it("task sessions link to their job session, and the job session lists them", async () => {
    const job = mock.sessions.list("BackupJobSession")[0]!;
    const children = await get(`/backupSessions/${idOf(job.Href as string)}/taskSessions?format=Entities`);
    const tasks = children.body!.BackupTaskSessions as Json[];
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) {
      expect(t.JobSessionUid).toBe(job.UID);
      const one = await get(`/backupTaskSessions/${idOf(t.Href as string)}?format=Entity`);
      expect(one.body).toEqual(t);
    }
    const viaQuery = await get(
      `/query?type=BackupTaskSession&format=Entities&filter=JobSessionUid=="${String(job.UID)}"`,
    );
    expect((viaQuery.body!.Entities.BackupTaskSessions.BackupTaskSessions as Json[]).map((t) => t.UID).sort()).toEqual(
      tasks.map((t) => t.UID).sort(),
    );
  });

  it("links point at the mock; running sessions have no end time (null in JSON, absent in XML)", async () => {
    const id = mock.sessions.add("BackupJobSession", { running: true });
    const json = await get(`/backupSessions/${id}?format=Entity`);
    expect(json.body).toMatchObject({ State: "Working", Result: "None", EndTimeUTC: null, FailureMessage: null });
    for (const link of json.body!.Links as Json[]) expect(link.Href.startsWith(mock.url)).toBe(true);
    const xml = await fetch(`${mock.url}/backupSessions/${id}?format=Entity`, {
      headers: { ...auth, accept: "application/xml" },
    });
    const text = await xml.text();
    expect(xml.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    expect(text).toContain("<State>Working</State>");
    expect(text).not.toContain("EndTimeUTC");
  });

  it("unknown ids are 404 with the id in the Error body, in the media type asked for", async () => {
    const json = await get("/backupSessions/00000000-0000-0000-0000-000000000000?format=Entity");
    expect(json.status).toBe(404);
    expect(json.body).toMatchObject({
      StatusCode: 404,
      Message: expect.stringContaining("00000000-0000-0000-0000-000000000000"),
    });
    const xml = await fetch(`${mock.url}/replicaSessions/nope`, { headers: auth });
    expect(xml.status).toBe(404);
    expect(await xml.text()).toMatch(
      /^<Error [^>]*Message="ReplicaJobSession with id nope was not found\." StatusCode="404"/,
    );
  });
});

describe("paths and methods no operation has", () => {
  it("an unknown path is a 404 and a method the path lacks a 405, with the API's Error body in the media type asked for", async () => {
    const xml = await fetch(`${mock.url}/nothing/here`, { headers: { ...auth, accept: "application/xml" } });
    expect(xml.status).toBe(404);
    expect(await xml.text()).toMatch(
      /^<Error [^>]*Message="The resource \/api\/nothing\/here was not found\." StatusCode="404"/,
    );
    const put = await fetch(`${mock.url}/backupSessions`, {
      method: "PUT",
      headers: { ...auth, accept: "application/json" },
    });
    expect(put.status).toBe(405);
    expect(await put.json()).toMatchObject({
      StatusCode: 405,
      Message: "The method PUT is not allowed for /api/backupSessions.",
    });
  });
});

describe("logon sessions", () => {
  it("wrong credentials or none: 401 with WWW-Authenticate; no session header: 401", async () => {
    const wrong = await logOn(mock, { username: DEFAULT_USER.username, password: "wrong" });
    expect(wrong.response.status).toBe(401);
    expect(wrong.response.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect((await fetch(`${mock.url}/backupSessions`)).status).toBe(401);
    expect((await fetch(`${mock.url}/backupSessions`, { headers: { "x-restsvcsessionid": "made-up" } })).status).toBe(
      401,
    );
  });

  it("the header token is opaque, SessionId a GUID; the session is listed, and DELETE ends it", async () => {
    const { headers, body } = await logOn(mock);
    const token = headers["x-restsvcsessionid"]!;
    const sessionId = /<SessionId>([^<]+)<\/SessionId>/.exec(body)![1]!;
    expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(token).not.toContain(sessionId);
    const listed = await getJson(mock, "/logonSessions", headers);
    expect((listed.body!.LogonSessions as Json[]).some((s) => s.SessionId === sessionId)).toBe(true);
    const own = await getJson(mock, `/logonSessions/${sessionId}`, headers);
    expect(own.body).toMatchObject({ UserName: DEFAULT_USER.username, SessionId: sessionId });
    const off = await fetch(`${mock.url}/logonSessions/${sessionId}`, { method: "DELETE", headers });
    expect(off.status).toBe(204);
    expect((await fetch(`${mock.url}/backupSessions`, { headers })).status).toBe(401);
    expect((await fetch(`${mock.url}/logonSessions/${sessionId}`, { method: "DELETE", headers: auth })).status).toBe(
      404,
    );
  });

  it("the cookie works like the header; a session idle longer than the session TTL is refused", async () => {
    const cookie = `X-RestSvcSessionId=${auth["x-restsvcsessionid"]}`;
    expect((await fetch(`${mock.url}/backupSessions`, { headers: { cookie } })).status).toBe(200);
    const short = await startMock({ api: "enterprise-manager", port: 0, sessions: 5, sessionTtlMs: 1 });
    try {
      const { headers, response } = await logOn(short);
      expect(response.status).toBe(201);
      await new Promise((r) => setTimeout(r, 20)); // the bound is the point: idle for more than 1 ms
      expect((await fetch(`${short.url}/backupSessions`, { headers })).status).toBe(401);
    } finally {
      await short.stop();
    }
  });
});

describe("stopping a session", () => {
  it("202 with a Task that runs and then finishes, while the session goes Stopping → Stopped (Failed)", async () => {
    const id = mock.sessions.add("BackupJobSession", { running: true });
    const r = await fetch(`${mock.url}/backupSessions/${id}?action=stop`, {
      method: "POST",
      headers: { ...auth, accept: "application/json" },
    });
    expect(r.status).toBe(202);
    const task = (await r.json()) as Json;
    expect(task).toMatchObject({ Type: "Task", State: "Running", Operation: "StopJobSession" });
    expect((await get(`/backupSessions/${id}?format=Entity`)).body).toMatchObject({ State: "Stopping" });
    time += 1499;
    expect((await get(`/tasks/${task.TaskId}`)).body).toMatchObject({ State: "Running" });
    expect((await get(`/backupSessions/${id}?format=Entity`)).body).toMatchObject({ State: "Stopping" });
    time += 1;
    const polled = (await get(`/tasks/${task.TaskId}`)).body!;
    expect(polled.State).toBe("Finished");
    expect(polled.Result).toMatchObject({ Success: true });
    const stopped = (await get(`/backupSessions/${id}?format=Entity`)).body!;
    expect(stopped).toMatchObject({ State: "Stopped", Result: "Failed", Progress: 100 });
    expect(stopped.EndTimeUTC).toEqual(expect.any(String));
    for (const child of (await get(`/backupSessions/${id}/taskSessions?format=Entities`)).body!
      .BackupTaskSessions as Json[])
      expect(child).toMatchObject({ State: "Completed" });
    const again = await fetch(`${mock.url}/backupSessions/${id}?action=stop`, {
      method: "POST",
      headers: { ...auth, accept: "application/json" },
    });
    expect(again.status).toBe(400);
    expect(((await again.json()) as Json).Message).toMatch(/is not running/);
    expect((await fetch(`${mock.url}/tasks/${task.TaskId}`, { method: "DELETE", headers: auth })).status).toBe(204);
    expect((await get(`/tasks/${task.TaskId}`)).status).toBe(404);
  });
});

describe("EM 13 casing", () => {
  it("emJsonCase camel: JSON members camelCased (creationTimeUTC, uid), XML unchanged; the guard agrees", async () => {
    const camel = await startMock({
      api: "enterprise-manager",
      port: 0,
      sessions: 10,
      emJsonCase: "camel",
      guard: true,
    });
    try {
      const { headers } = await logOn(camel);
      const r = await getJson(camel, "/query?type=BackupJobSession&format=Entities&pageSize=2", headers);
      const s = (r.body!.entities.backupJobSessions.backupJobSessions as Json[])[0]!;
      expect(Object.keys(s)).toEqual(expect.arrayContaining(["uid", "creationTimeUTC", "jobName", "links"]));
      expect(r.body!.pagingInfo).toMatchObject({ pageNum: 1, pageSize: 2 });
      const xml = await fetch(`${camel.url}/backupSessions?format=Entities`, { headers });
      expect(await xml.text()).toContain("<CreationTimeUTC>");
      expect(camel.violations()).toBe(0);
    } finally {
      await camel.stop();
    }
  });
});
