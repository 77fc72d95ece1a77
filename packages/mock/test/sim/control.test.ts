// The simulator's controls for users' resilience tests, from startMock()'s handle: the same
// seed gives the same data; sessions added and changed; every logon ended at once; faults
// (errors, latency, dropped connections, slow bodies); reset; and --data, a folder of recorded
// answers replayed as the dataset.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEnterpriseManagerClient, recordTo } from "@veeam-sessions/client";
import { DEFAULT_USER, startMock, type MockOptions, type MockServer } from "../../src/index.js";
import { getJson, logOn } from "./helpers.js";

const started: MockServer[] = [];
afterAll(() => Promise.all(started.map((m) => m.stop())));
async function em(options: Partial<MockOptions> = {}) {
  const mock = await startMock({ api: "enterprise-manager", port: 0, sessions: 30, ...options });
  started.push(mock);
  return mock;
}

describe("data", () => {
  it("the same seed and now give the same sessions; another seed others", async () => {
    const now = Date.parse("2026-11-01T00:00:00Z");
    const [a, b, c] = await Promise.all([em({ seed: 5, now }), em({ seed: 5, now }), em({ seed: 6, now })]);
    const uids = (m: MockServer) => m.sessions.list("BackupJobSession").map((s) => [s.UID, s.Name, s.Result]);
    expect(uids(a)).toEqual(uids(b));
    expect(uids(a)).not.toEqual(uids(c));
    const week = a.sessions
      .list("BackupJobSession")
      .map((s) => Date.parse(s.CreationTimeUTC as string))
      .every((t) => t <= now && t >= now - 7 * 86_400_000);
    expect(week).toBe(true);
  });

  it("sessions.add, update and get change what the API answers; reset brings the generated data back", async () => {
    const mock = await em();
    const { headers } = await logOn(mock);
    const before = mock.sessions.list("BackupJobSession").length;
    const id = mock.sessions.add("BackupJobSession", { result: "Failed", members: { JobName: "Nightly" } });
    mock.sessions.update("BackupJobSession", id, { FailureMessage: "Disk full" });
    const r = await getJson(mock, `/backupSessions/${id}?format=Entity`, headers);
    expect(r.body).toMatchObject({ JobName: "Nightly", Result: "Failed", FailureMessage: "Disk full" });
    expect(mock.sessions.get("BackupJobSession", id)).toMatchObject({ JobName: "Nightly" });
    const failed = await getJson(mock, `/query?type=BackupJobSession&filter=JobName==Nightly`, headers);
    expect(failed.body!.Refs.Refs).toHaveLength(1);
    expect(() => mock.sessions.add("Widget")).toThrow(/unknown kind "Widget": use BackupJobSession/);
    mock.reset();
    expect(mock.sessions.list("BackupJobSession")).toHaveLength(before);
    expect(mock.sessions.get("BackupJobSession", id)).toBeUndefined();
    // reset ends the logon sessions too.
    expect((await fetch(`${mock.url}/backupSessions`, { headers })).status).toBe(401);
  });
});

describe("faults", () => {
  it("expireSessions(): the next call is 401, as after the idle timeout; a new logon works", async () => {
    const mock = await em();
    const { headers } = await logOn(mock);
    expect((await fetch(`${mock.url}/backupSessions`, { headers })).status).toBe(200);
    mock.expireSessions();
    expect((await fetch(`${mock.url}/backupSessions`, { headers })).status).toBe(401);
    expect((await fetch(`${mock.url}/backupSessions`, { headers: (await logOn(mock)).headers })).status).toBe(200);
  });

  it("errorRate 1: every call a 500 with the API's Error body; latency holds the answer back", async () => {
    const mock = await em();
    const { headers } = await logOn(mock);
    mock.faults = { errorRate: 1 };
    const r = await getJson(mock, "/backupSessions", headers);
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ StatusCode: 500, Message: expect.stringContaining("Simulated server error") });
    mock.faults = { latencyMs: 150 };
    const t0 = performance.now();
    expect((await fetch(`${mock.url}/backupSessions`, { headers })).status).toBe(200);
    // The bound is the point here: the answer cannot come before the latency has passed.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("dropRate 1: the connection ends without an answer; slowBodyMs: the body still arrives whole", async () => {
    const mock = await em({ faults: { dropRate: 1 } });
    await expect(fetch(`${mock.url}/`)).rejects.toThrow();
    mock.faults = { slowBodyMs: 80 };
    const { headers } = await logOn(mock);
    const r = await getJson(mock, "/backupSessions?format=Entities", headers);
    expect(r.status).toBe(200);
    expect(r.body!.BackupJobSessions).toHaveLength(mock.sessions.list("BackupJobSession").length);
  });

  it("the client against faults: a 500 is a typed error, an expired session a single re-logon", async () => {
    const mock = await em();
    const client = createEnterpriseManagerClient({ baseUrl: mock.url, auth: DEFAULT_USER });
    expect((await client.GET("/backupSessions", {})).response.status).toBe(200);
    mock.expireSessions();
    expect((await client.GET("/backupSessions", {})).response.status).toBe(200);
    expect(client.logons).toBe(2);
    mock.faults = { errorRate: 1 };
    const failed = await client.GET("/backupSessions", {});
    expect(failed.response.status).toBe(500);
    mock.faults = {};
  });
});

describe("--data: recorded answers as the dataset", () => {
  it("what the client recorded from one server is what the simulator serves, by id and in queries", async () => {
    const source = await em({ seed: 11 });
    const dir = await mkdtemp(join(tmpdir(), "veeam-mock-data-"));
    try {
      const client = createEnterpriseManagerClient({
        baseUrl: source.url,
        auth: DEFAULT_USER,
        middleware: [recordTo(dir)],
      });
      await client.GET("/backupSessions", { params: { query: { format: "Entities" } } });
      const job = source.sessions.list("BackupJobSession")[0]!;
      const jobId = String(job.Href).split("?")[0]!.split("/").pop()!;
      await client.GET("/backupSessions/{ID}/taskSessions", {
        params: { path: { ID: jobId }, query: { format: "Entities" } },
      });
      expect((await readdir(dir)).length).toBeGreaterThan(2);
      const replay = await em({ data: dir });
      expect(replay.sessions.list("BackupJobSession").map((s) => s.UID)).toEqual(
        source.sessions.list("BackupJobSession").map((s) => s.UID),
      );
      const { headers } = await logOn(replay);
      const one = await getJson(replay, `/backupSessions/${jobId}?format=Entity`, headers);
      expect(one.body).toMatchObject({ UID: job.UID, Result: job.Result, JobName: job.JobName });
      const tasks = await getJson(replay, `/backupSessions/${jobId}/taskSessions?format=Entities`, headers);
      expect((tasks.body!.BackupTaskSessions as unknown[]).length).toBeGreaterThan(0);
      await expect(em({ data: join(dir, "missing") })).rejects.toThrow(/--data .*missing/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
