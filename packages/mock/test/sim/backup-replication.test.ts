// The simulated Backup & Replication server behaves like the server: skip/limit pages in
// `{ data, pagination }`, the *Filter parameters, orderColumn/orderAsc, task sessions under
// their session, logs timed within the session, stop (Stopping, then Stopped and canceled),
// Error bodies, tokens and logout. Every answer also passes the contract guard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock, type MockServer } from "../../src/index.js";
import { getJson, logOn } from "./helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = Date.parse("2026-11-29T12:00:00Z");
const VERSION = { "x-api-version": "1.3-rev1" };
let mock: MockServer;
let auth: Record<string, string>;
const violations: string[] = [];
// The simulator's time: it moves only when a test moves it, so a stop is Stopping until then.
let time = NOW + 60_000;

beforeAll(async () => {
  mock = await startMock({
    api: "backup-replication",
    port: 0,
    seed: 5,
    sessions: 80,
    now: NOW,
    stopMs: 40,
    clock: () => time,
    guard: true,
    onViolation: (e) => violations.push(`${e.method} ${e.url}`),
  });
  auth = { ...(await logOn(mock)).headers, ...VERSION };
});
afterAll(async () => {
  expect(violations).toEqual([]);
  expect(mock.violations()).toBe(0);
  await mock.stop();
});

const get = (path: string) => getJson(mock, path, auth);
const all = async (path: string): Promise<Json[]> =>
  (await get(`${path}${path.includes("?") ? "&" : "?"}limit=1000`)).body!.data;

describe("sessions", () => {
  it("pages with skip and limit: data and pagination, newest first, ids that resolve", async () => {
    const first = await get("/api/v1/sessions?limit=5");
    expect(first.status).toBe(200);
    expect(first.body!.pagination).toEqual({ total: 80, count: 5, skip: 0, limit: 5 });
    const second = (await get("/api/v1/sessions?skip=5&limit=5")).body!;
    expect(second.pagination).toMatchObject({ total: 80, count: 5, skip: 5 });
    const times = [...first.body!.data, ...second.data].map((s: Json) => Date.parse(s.creationTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const one = await get(`/api/v1/sessions/${first.body!.data[0].id}`);
    expect(one.body).toEqual(first.body!.data[0]);
    expect((await get("/api/v1/sessions")).body!.pagination.limit).toBe(200);
  });

  it("filters by result (several values), state, name pattern, creation and end time, job", async () => {
    const sessions = await all("/api/v1/sessions");
    const failedOrWarning = await all("/api/v1/sessions?resultFilter=Failed&resultFilter=Warning");
    expect(failedOrWarning.length).toBe(sessions.filter((s) => ["Failed", "Warning"].includes(s.result.result)).length);
    expect(failedOrWarning.length).toBeGreaterThan(0);
    const working = await all("/api/v1/sessions?stateFilter=Working");
    expect(working.length).toBeGreaterThan(0);
    for (const s of working) expect([s.result.result, s.endTime]).toEqual(["None", undefined]);
    const sql = await all("/api/v1/sessions?nameFilter=*sql*");
    expect(sql.map((s) => s.name)).toEqual(sessions.filter((s) => /sql/i.test(s.name)).map((s) => s.name));
    const since = "2026-11-28T12:00:00Z";
    const recent = await all(`/api/v1/sessions?createdAfterFilter=${since}`);
    expect(recent.length).toBe(sessions.filter((s) => Date.parse(s.creationTime) >= Date.parse(since)).length);
    const endedBefore = await all(`/api/v1/sessions?endedBeforeFilter=${since}`);
    expect(endedBefore.every((s) => Date.parse(s.endTime) <= Date.parse(since))).toBe(true);
    const job = sessions[0]!.jobId;
    expect((await all(`/api/v1/sessions?jobIdFilter=${job}`)).every((s) => s.jobId === job)).toBe(true);
    expect((await all("/api/v1/sessions?typeFilter=ReplicaJob")).length).toBe(0);
  });

  it("orders by orderColumn, descending unless orderAsc=true; an unknown column is a 400 Error", async () => {
    const names = (await all("/api/v1/sessions?orderColumn=Name&orderAsc=true")).map((s) => s.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const results = (await all("/api/v1/sessions?orderColumn=Result")).map((s) => s.result.result);
    expect(results).toEqual([...results].sort((a, b) => b.localeCompare(a)));
    const bad = await get("/api/v1/sessions?orderColumn=Colour");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errorCode: expect.any(String), message: expect.stringContaining("Colour") });
  });

  it("an unknown session is a 404 Error", async () => {
    const missing = await get("/api/v1/sessions/00000000-0000-0000-0000-000000000001");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ errorCode: "NotFound", message: expect.stringContaining("was not found") });
  });

  it("a session's log: the example's records, newest first, within the session, the newest one's status from the result", async () => {
    const failed = (await all("/api/v1/sessions?resultFilter=Failed"))[0]!;
    expect(failed.result.message).toMatch(/^Error: /);
    const log = (await get(`/api/v1/sessions/${failed.id}/logs`)).body!;
    expect(log.records.length).toBe(log.totalRecords);
    expect(log.records[0].status).toBe("Failed");
    const times = log.records.map((r: Json) => Date.parse(r.startTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.min(...times)).toBeGreaterThan(Date.parse(failed.creationTime));
    expect(Math.max(...times)).toBeLessThan(Date.parse(failed.endTime));
  });
});

describe("logs and usn tell each session's own story", () => {
  it("a session's log: started and finished at its times, finished as its result says, its task sessions by name", async () => {
    const sessions = (await all("/api/v1/sessions")).filter((s) => s.endTime);
    const seen = new Set<string>();
    for (const session of sessions) {
      const result = session.result.result as string;
      const { records } = (await get(`/api/v1/sessions/${session.id}/logs`)).body!;
      const titles: string[] = records.map((r: Json) => r.title);
      const finished = titles.filter((t) => t.startsWith("Job finished"));
      expect(finished, session.id).toEqual([
        `Job finished${{ Success: "", Warning: " with warning", Failed: " with error" }[result]} at ${consoleTime(session.endTime)}`,
      ]);
      expect(titles).toContain(`Job started at ${consoleTime(session.creationTime)}`);
      // No text of the example's own run (its dates were in 2021).
      expect(titles.join("\n")).not.toMatch(/20(21|23|24)/);
      const tasks = await all(`/api/v1/sessions/${session.id}/taskSessions`);
      const processing = records.filter((r: Json) => r.title.startsWith("Processing "));
      expect(processing.map((r: Json) => r.title.slice("Processing ".length)).sort()).toEqual(
        tasks.map((t) => t.name).sort(),
      );
      for (const r of processing) {
        const task = tasks.find((t) => `Processing ${t.name}` === r.title)!;
        expect(r.status).toBe(
          { Success: "Succeeded", Warning: "Warning", Failed: "Failed" }[task.result.result as string],
        );
      }
      const ids = records.map((r: Json) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      seen.add(result);
    }
    expect([...seen].sort()).toEqual(["Failed", "Success", "Warning"]);
  });

  it("a running session's log has no finished record yet; a task session's log names its own item and failure", async () => {
    const running = (await all("/api/v1/sessions?stateFilter=Working"))[0]!;
    const titles = (await get(`/api/v1/sessions/${running.id}/logs`)).body!.records.map((r: Json) => r.title);
    expect(titles.filter((t: string) => t.startsWith("Job finished"))).toEqual([]);
    const tasks = await all("/api/v1/taskSessions?resultFilter=Failed");
    const failed = tasks.find((t) => t.endTime && !t.result.isCanceled)!;
    const log = (await get(`/api/v1/taskSessions/${failed.id}/logs`)).body!;
    expect(log.records[0]).toMatchObject({ status: "Failed", title: failed.result.message });
    for (const r of log.records.filter((x: Json) => x.title.startsWith("Saving ")))
      expect(r.title).toMatch(new RegExp(`\\] ${failed.name}/${failed.name}\\.\\w+$`));
    const ok = (await all("/api/v1/taskSessions?resultFilter=Success")).find((t) => t.endTime)!;
    const okTitles = (await get(`/api/v1/taskSessions/${ok.id}/logs`)).body!.records.map((r: Json) => r.title);
    expect(okTitles).toContain(`Processing ${ok.name}`);
    expect(okTitles).toContain(`Processing finished at ${consoleTime(ok.endTime)}`);
    expect(okTitles.join("\n")).not.toMatch(/linbase01|winsrv100/);
  });

  it("usn: a different number for every session and task session, and a greater one after a change", async () => {
    const sessions = await all("/api/v1/sessions");
    const tasks = await all("/api/v1/taskSessions");
    const usns = [...sessions, ...tasks].map((s) => s.usn as number);
    expect(new Set(usns).size).toBe(usns.length);
    const id = mock.sessions.add("SessionModel", { running: true, created: new Date(NOW - 3_600_000) });
    const before = (await get(`/api/v1/sessions/${id}`)).body!.usn as number;
    expect(before).toBeGreaterThan(Math.max(...usns));
    mock.sessions.update("SessionModel", id, { progressPercent: 50 });
    const after = (await get(`/api/v1/sessions/${id}`)).body!.usn as number;
    expect(after).toBeGreaterThan(before);
  });
});

describe("revisions: x-api-version", () => {
  const token = async (headers: Record<string, string>) =>
    fetch(`${mock.origin}/api/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: "grant_type=password&username=veeam&password=mockpass",
    });
  const as = (revision: string, path: string) => getJson(mock, path, { ...auth, "x-api-version": revision });

  it("none, or one the API does not have, is a 400 Error naming the header: on the token request too", async () => {
    const { "x-api-version": _, ...bare } = auth;
    for (const response of [
      await token({}),
      await token({ "x-api-version": "9.9-rev9" }),
      await fetch(`${mock.url}/api/v1/sessions`, { headers: bare }),
      await fetch(`${mock.url}/api/v1/sessions`, { headers: { ...bare, "x-api-version": "1.0-rev2" } }),
    ]) {
      expect(response.status).toBe(400);
      const body = (await response.json()) as Json;
      expect(body).toEqual({ errorCode: "UnexpectedContent", message: expect.stringContaining("x-api-version") });
    }
    expect((await token({ "x-api-version": "1.1-rev0" })).status).toBe(200);
  });

  it("1.1-rev0: the job is activityId, a backup job is a Job, no member of later revisions; no task sessions (404)", async () => {
    const newer = (await get("/api/v1/sessions?limit=5")).body!.data as Json[];
    const older = (await as("1.1-rev0", "/api/v1/sessions?limit=5")).body!.data as Json[];
    expect(older.map((s) => s.id)).toEqual(newer.map((s) => s.id));
    older.forEach((s, i) => {
      expect(s.activityId).toBe(newer[i]!.jobId);
      expect(s.sessionType).toBe("Job");
      for (const member of ["jobId", "platformName", "platformId", "initiatedBy", "relatedSessionId"])
        expect(s, member).not.toHaveProperty(member);
    });
    expect((await as("1.1-rev0", `/api/v1/sessions/${newer[0]!.id}`)).body).toEqual(older[0]);
    for (const path of ["/api/v1/taskSessions", `/api/v1/sessions/${newer[0]!.id}/taskSessions`]) {
      const missing = await as("1.1-rev0", path);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ errorCode: "NotFound" });
    }
  });

  it("1.2-rev1: jobId and the platform, task sessions without the progress percent of 1.3-rev0", async () => {
    const [s] = (await as("1.2-rev1", "/api/v1/sessions?limit=1")).body!.data as Json[];
    expect(s).toMatchObject({ sessionType: "BackupJob", jobId: expect.any(String), platformName: "VMware" });
    expect(s).not.toHaveProperty("activityId");
    const [t] = (await as("1.2-rev1", "/api/v1/taskSessions?limit=1")).body!.data as Json[];
    expect(t!.progress).not.toHaveProperty("progressPercent");
    const [t13] = (await as("1.3-rev0", "/api/v1/taskSessions?limit=1")).body!.data as Json[];
    expect(t13!.progress.progressPercent).toEqual(expect.any(Number));
  });

  it("the authorization-code operation is there up to 1.2-rev1 only (404 from 1.3-rev0)", async () => {
    const post = (revision: string) =>
      fetch(`${mock.origin}/api/oauth2/authorization_code`, {
        method: "POST",
        headers: { ...auth, "x-api-version": revision },
      });
    expect((await post("1.2-rev1")).status).toBe(200);
    expect((await post("1.3-rev0")).status).toBe(404);
  });
});

/** A time as Veeam's log texts write it: `11/5/2021 6:03:15 AM` (the simulator's server runs on UTC). */
function consoleTime(iso: string): string {
  const d = new Date(iso);
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

describe("task sessions", () => {
  it("belong to their session: listed under it, found by sessionIdFilter, same session type", async () => {
    const session = (await get("/api/v1/sessions?limit=1")).body!.data[0];
    const mine = await all(`/api/v1/sessions/${session.id}/taskSessions`);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const t of mine)
      expect(t).toMatchObject({ sessionId: session.id, sessionType: session.sessionType, type: "Backup" });
    const filtered = await all(`/api/v1/taskSessions?sessionIdFilter=${session.id}`);
    expect(filtered.map((t) => t.id).sort()).toEqual(mine.map((t) => t.id).sort());
    expect((await get(`/api/v1/taskSessions/${mine[0]!.id}`)).body).toEqual(mine[0]);
    const log = await get(`/api/v1/taskSessions/${mine[0]!.id}/logs`);
    expect(log.status).toBe(200);
    expect(log.body!.records.length).toBeGreaterThan(0);
  });

  it("run within their session: start after it, end by its end", async () => {
    const sessions = (await all("/api/v1/sessions")).filter((s) => s.endTime);
    expect(sessions.length).toBeGreaterThan(10);
    for (const session of sessions)
      for (const t of await all(`/api/v1/sessions/${session.id}/taskSessions`)) {
        expect(Date.parse(t.creationTime)).toBeGreaterThanOrEqual(Date.parse(session.creationTime));
        expect(Date.parse(t.endTime), `${t.id} of ${session.id}`).toBeLessThanOrEqual(Date.parse(session.endTime));
      }
  });

  it("have their own typeFilter and order columns", async () => {
    const tasks = await all("/api/v1/taskSessions");
    expect((await all("/api/v1/taskSessions?typeFilter=Backup")).length).toBe(tasks.length);
    expect((await all("/api/v1/taskSessions?typeFilter=Replica")).length).toBe(0);
    const types = (await all("/api/v1/taskSessions?orderColumn=Type&orderAsc=true")).map((t) => t.type);
    expect(types.length).toBe(tasks.length);
    expect((await get("/api/v1/sessions?orderColumn=Type")).status).toBe(400);
  });
});

describe("stop and logout", () => {
  it("stop: 200, the session and its task sessions go Stopping, then Stopped, Failed, canceled; again is a 400", async () => {
    const id = mock.sessions.add("SessionModel", { running: true });
    const post = (path: string) => fetch(`${mock.url}${path}`, { method: "POST", headers: auth });
    const stopped = await post(`/api/v1/sessions/${id}/stop`);
    expect(stopped.status).toBe(200);
    expect((await get(`/api/v1/sessions/${id}`)).body!.state).toBe("Stopping");
    time += 39;
    expect((await get(`/api/v1/sessions/${id}`)).body!.state).toBe("Stopping");
    time += 1;
    const after = (await get(`/api/v1/sessions/${id}`)).body!;
    expect(after).toMatchObject({ state: "Stopped", result: { result: "Failed", isCanceled: true } });
    expect(after.endTime).toEqual(expect.any(String));
    for (const t of await all(`/api/v1/sessions/${id}/taskSessions`))
      expect(t).toMatchObject({ state: "Stopped", result: { isCanceled: true } });
    expect((await post(`/api/v1/sessions/${id}/stop`)).status).toBe(400);
  });

  it("logout ends the token: the next call is a 401 Error", async () => {
    const own = { ...(await logOn(mock)).headers, ...VERSION };
    expect((await getJson(mock, "/api/v1/sessions?limit=1", own)).status).toBe(200);
    const out = await fetch(`${mock.url}/api/oauth2/logout`, { method: "POST", headers: own });
    expect(out.status).toBe(200);
    const refused = await getJson(mock, "/api/v1/sessions?limit=1", own);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ message: expect.stringContaining("log on again") });
  });
});
