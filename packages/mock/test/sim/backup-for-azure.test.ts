// The simulated Backup for Microsoft Azure API behaves as the appliance does (spec/backup-for-azure
// and the v1 reference): OAuth tokens (password and refresh grants, revoke, expiry), job session
// pages with Offset/Limit and the Status/Types/FromUtc/ToUtc filters, sessions by id, stop (200
// in v1, 204 from v2; Canceling, then Canceled) and the session log. Every answer passes the
// contract guard.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "@veeam-sessions/spec";
import { DEFAULT_USER, startMock, type MockServer } from "../../src/index.js";
import { getJson, logOn } from "./helpers.js";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const NOW = Date.parse("2026-03-02T12:00:00Z");
const found: string[] = [];
let mock: MockServer;
let auth: Record<string, string>;

beforeAll(async () => {
  mock = await startMock({
    api: "backup-for-azure",
    port: 0,
    guard: true,
    seed: 7,
    sessions: 57,
    now: NOW,
    stopMs: 150,
    onViolation: (e) => found.push(`${e.method} ${e.url}: ${e.violations.map((v) => v.message).join("; ")}`),
  });
  auth = (await logOn(mock)).headers;
});
afterAll(() => mock?.stop());
// Every answer of every test passes the contract guard.
afterEach(() => {
  expect(found).toEqual([]);
  expect(mock.violations()).toBe(0);
});

function grant(fields: Record<string, string>, on = mock) {
  return fetch(`${on.origin}/api/oauth2/token`, {
    method: "POST",
    headers: { ...FORM, accept: "application/json" },
    body: new URLSearchParams(fields),
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const idOf = (s: Json) => String(s.id);

/** Polls `probe` every 25 ms until it returns true; fails after `boundMs` (a bound, not a timing). */
async function until(probe: () => Promise<boolean>, boundMs = 20_000): Promise<void> {
  const end = Date.now() + boundMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`not reached within ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every page of /jobSessions with `query`, `limit` at a time: the items, the totals, the offsets. */
async function allPages(query: string, limit: number) {
  const items: Json[] = [];
  const totals = new Set<number>();
  for (let offset = 0; ; offset += limit) {
    const sep = query ? "&" : "";
    const { status, body } = await getJson(mock, `/jobSessions?${query}${sep}Offset=${offset}&Limit=${limit}`, auth);
    expect(status).toBe(200);
    expect(body!.offset).toBe(offset);
    expect(body!.limit).toBe(limit);
    totals.add(body!.totalCount as number);
    const results = body!.results as Json[];
    expect(results.length).toBeLessThanOrEqual(limit);
    items.push(...results);
    if (offset + limit >= (body!.totalCount as number)) break;
    expect(results.length).toBe(limit);
  }
  return { items, totals: [...totals] };
}

const startOf = (s: Json) => Date.parse(String(s.executionStartTime));
const ids = (sessions: Json[]) => sessions.map(idOf).sort();

describe("tokens", () => {
  it("the password grant answers tokens; field names are read without regard to case", async () => {
    for (const fields of [
      { grant_type: "Password", Username: DEFAULT_USER.username, Password: DEFAULT_USER.password },
      { grant_type: "password", username: DEFAULT_USER.username, password: DEFAULT_USER.password },
      { GRANT_TYPE: "PASSWORD", USERNAME: DEFAULT_USER.username, PASSWORD: DEFAULT_USER.password },
    ] as Record<string, string>[]) {
      const response = await grant(fields);
      expect(response.status, JSON.stringify(fields)).toBe(200);
      const body = (await response.json()) as Json;
      expect(body.token_type).toMatch(/^bearer$/i);
      expect(body.expires_in).toBe(3600);
      expect(typeof body.access_token).toBe("string");
      expect(typeof body.refresh_token).toBe("string");
      const list = await getJson(mock, "/jobSessions?Limit=1", bearer(String(body.access_token)));
      expect(list.status).toBe(200);
    }
  });

  it("a wrong password, an unknown user or no credentials: 401 problem+json, no token", async () => {
    for (const fields of [
      { grant_type: "Password", Username: DEFAULT_USER.username, Password: "wrong" },
      { grant_type: "Password", Username: "nobody", Password: DEFAULT_USER.password },
      { grant_type: "Password" },
    ] as Record<string, string>[]) {
      const response = await grant(fields);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as Json;
      expect(body.status).toBe(401);
      expect(body).not.toHaveProperty("access_token");
    }
  });

  it("no token, or a token the appliance never gave: 401", async () => {
    expect((await getJson(mock, "/jobSessions", {})).status).toBe(401);
    expect((await getJson(mock, "/jobSessions", bearer("made-up"))).status).toBe(401);
  });

  it("the refresh_token grant answers new tokens; the refresh token used no longer works", async () => {
    const first = (await (await grant({ grant_type: "Password", ...credentials() })).json()) as Json;
    const response = await grant({ grant_type: "Refresh_token", refresh_token: String(first.refresh_token) });
    expect(response.status).toBe(200);
    const second = (await response.json()) as Json;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await getJson(mock, "/jobSessions?Limit=1", bearer(String(second.access_token)))).status).toBe(200);

    const again = await grant({ grant_type: "Refresh_token", refresh_token: String(first.refresh_token) });
    expect(again.status).toBe(400);
    expect(again.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await again.json()).not.toHaveProperty("access_token");
    // The new refresh token works once.
    expect((await grant({ grant_type: "refresh_token", refresh_token: String(second.refresh_token) })).status).toBe(
      200,
    );
  });

  it("an unknown grant type: 400 problem+json", async () => {
    const response = await grant({ grant_type: "client_credentials" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).detail).toMatch(/grant_type/);
  });

  it("revoke (DELETE /api/oauth2/token): 204; the access and refresh tokens are refused after", async () => {
    const tokens = (await (await grant({ grant_type: "Password", ...credentials() })).json()) as Json;
    const access = bearer(String(tokens.access_token));
    expect((await getJson(mock, "/jobSessions?Limit=1", access)).status).toBe(200);
    const revoked = await fetch(`${mock.origin}/api/oauth2/token`, { method: "DELETE", headers: access });
    expect(revoked.status).toBe(204);
    expect(await revoked.text()).toBe("");
    const after = await getJson(mock, "/jobSessions?Limit=1", access);
    expect(after.status).toBe(401);
    expect(after.response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await grant({ grant_type: "Refresh_token", refresh_token: String(tokens.refresh_token) })).status).toBe(
      400,
    );
    // Revoking needs a token of its own.
    expect((await fetch(`${mock.origin}/api/oauth2/token`, { method: "DELETE", headers: access })).status).toBe(401);
  });

  it("an access token expires after expires_in seconds: 401, and a refresh gives a working one", async () => {
    const short = await startMock({ api: "backup-for-azure", port: 0, guard: true, sessions: 5, tokenTtlSeconds: 1 });
    try {
      const tokens = (await (await grant({ grant_type: "Password", ...credentials() }, short)).json()) as Json;
      expect(tokens.expires_in).toBe(1);
      const issued = Date.parse(String(tokens[".issued"]));
      expect(Date.parse(String(tokens[".expires"])) - issued).toBe(1000);
      const access = bearer(String(tokens.access_token));
      const first = await getJson(short, "/jobSessions?Limit=1", access);
      // (A very slow machine may already be past the second: then it is 401, and that is also right.)
      expect([200, 401]).toContain(first.status);
      let status = first.status;
      await until(async () => (status = (await getJson(short, "/jobSessions?Limit=1", access)).status) !== 200);
      expect(status).toBe(401);
      expect(Date.now()).toBeGreaterThanOrEqual(issued + 1000);
      const renewed = await grant({ grant_type: "Refresh_token", refresh_token: String(tokens.refresh_token) }, short);
      expect(renewed.status).toBe(200);
      const fresh = bearer(String(((await renewed.json()) as Json).access_token));
      expect([200, 401]).toContain((await getJson(short, "/jobSessions?Limit=1", fresh)).status);
      expect(short.violations()).toBe(0);
    } finally {
      await short.stop();
    }
  });
});

function credentials() {
  return { Username: DEFAULT_USER.username, Password: DEFAULT_USER.password };
}

describe("job sessions", () => {
  it("pages with Offset/Limit: totalCount, every session once across the pages, newest first", async () => {
    const all = mock.sessions.list("JobSession");
    expect(all.length).toBeGreaterThanOrEqual(57);
    for (const limit of [10, 7, 100]) {
      const { items, totals } = await allPages("", limit);
      expect(totals).toEqual([all.length]);
      expect(items.length).toBe(all.length);
      expect(new Set(items.map(idOf)).size).toBe(all.length);
      expect(ids(items)).toEqual(ids(all));
      for (let i = 1; i < items.length; i++) expect(startOf(items[i - 1]!)).toBeGreaterThanOrEqual(startOf(items[i]!));
    }
  });

  it("without Limit a page holds 30 (the documented default); an Offset past the end is an empty page", async () => {
    const { body } = await getJson(mock, "/jobSessions", auth);
    expect(body!.offset).toBe(0);
    expect((body!.results as Json[]).length).toBe(Math.min(30, mock.sessions.list("JobSession").length));
    const past = await getJson(mock, "/jobSessions?Offset=100000&Limit=5", auth);
    expect(past.status).toBe(200);
    expect(past.body!.results).toEqual([]);
    expect(past.body!.totalCount).toBe(mock.sessions.list("JobSession").length);
  });

  it("a bad Offset or Limit: 400 problem+json", async () => {
    for (const q of ["Offset=-1", "Offset=abc", "Limit=ten"]) {
      const { status, response, body } = await getJson(mock, `/jobSessions?${q}`, auth);
      expect(status, q).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(body!.status).toBe(400);
    }
  });

  it("Status filters (repeated: any of them), and matches the dataset", async () => {
    const all = mock.sessions.list("JobSession");
    const statuses = new Set(all.map((s) => String(s.status)));
    // A generated week has failures, warnings and running sessions as well as successes.
    for (const s of ["Success", "Error", "Warning", "Running"]) expect(statuses).toContain(s);
    const { items, totals } = await allPages("Status=Error&Status=Warning", 10);
    const expected = all.filter((s) => s.status === "Error" || s.status === "Warning");
    expect(expected.length).toBeGreaterThan(0);
    expect(totals).toEqual([expected.length]);
    expect(ids(items)).toEqual(ids(expected));
    const running = await allPages("Status=Running", 50);
    expect(ids(running.items)).toEqual(ids(all.filter((s) => s.status === "Running")));
  });

  it("Types filters by session type; Types and Status together narrow both", async () => {
    const all = mock.sessions.list("JobSession");
    const { items } = await allPages("Types=PolicyBackup&Types=PolicySnapshot", 20);
    const expected = all.filter((s) => s.type === "PolicyBackup" || s.type === "PolicySnapshot");
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(ids(items)).toEqual(ids(expected));
    const both = await allPages("Types=PolicyBackup&Status=Success", 20);
    expect(ids(both.items)).toEqual(ids(all.filter((s) => s.type === "PolicyBackup" && s.status === "Success")));
  });

  it("FromUtc and ToUtc bound the start time", async () => {
    const all = mock.sessions.list("JobSession");
    const from = new Date(NOW - 4 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    const to = new Date(NOW - 2 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    const { items } = await allPages(`FromUtc=${from}&ToUtc=${to}`, 25);
    const expected = all.filter((s) => startOf(s) >= Date.parse(from) && startOf(s) <= Date.parse(to));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(ids(items)).toEqual(ids(expected));
    const since = await allPages(`FromUtc=${to}`, 100);
    expect(ids(since.items)).toEqual(ids(all.filter((s) => startOf(s) >= Date.parse(to))));
    const bad = await getJson(mock, "/jobSessions?FromUtc=yesterday", auth);
    expect(bad.status).toBe(400);
    expect(bad.body!.detail).toMatch(/FromUtc/);
  });

  it("every id of the list resolves by id to the same session; an unknown id is 404 naming it", async () => {
    const { items } = await allPages("", 100);
    for (const item of items) {
      const { status, body } = await getJson(mock, `/jobSessions/${encodeURIComponent(idOf(item))}`, auth);
      expect(status).toBe(200);
      expect(body).toEqual(item);
      expect(String((body!._links as Json).self && ((body!._links as Json).self as Json).href)).toBe(
        `${mock.url}/jobSessions/${idOf(item)}`,
      );
    }
    const missing = await getJson(mock, "/jobSessions/999999", auth);
    expect(missing.status).toBe(404);
    expect(missing.response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(missing.body!.status).toBe(404);
    expect(String(missing.body!.detail)).toContain("999999");
  });

  it("the log of a session: its id, entries within the session's time", async () => {
    const finished = mock.sessions.list("JobSession").find((s) => s.status === "Error" && s.executionStopTime)!;
    const running = mock.sessions.list("JobSession").find((s) => s.status === "Running")!;
    for (const session of [finished, running]) {
      const { status, body } = await getJson(mock, `/jobSessions/${idOf(session)}/log`, auth);
      expect(status).toBe(200);
      expect(body!.jobSessionId).toBe(idOf(session));
      const log = body!.log as Json[];
      expect(log.length).toBeGreaterThan(0);
      const start = startOf(session);
      const end = typeof session.executionStopTime === "string" ? Date.parse(session.executionStopTime) : Date.now();
      for (const entry of log) {
        const at = Date.parse(String(entry.logTime));
        expect(at).toBeGreaterThanOrEqual(start);
        expect(at).toBeLessThanOrEqual(end);
      }
      // The last entry says how the session went.
      expect(log.at(-1)!.status).toBe(session.status);
    }
    expect((await getJson(mock, "/jobSessions/999999/log", auth)).status).toBe(404);
  });

  it("the log of a running session keeps what it listed: no entry in the future, none moves between reads", async () => {
    const started = new Date(Date.now() - 45_000);
    const id = mock.sessions.add("JobSession", { running: true, created: started });
    const first = await getJson(mock, `/jobSessions/${id}/log`, auth);
    const log = first.body!.log as Json[];
    // Entries are written as the session runs: 45 s in, not all of the finished session's are there yet.
    expect(log.length).toBeGreaterThan(0);
    expect(log.length).toBeLessThan(3);
    for (const entry of log) {
      expect(Date.parse(String(entry.logTime))).toBeGreaterThanOrEqual(+started);
      expect(Date.parse(String(entry.logTime))).toBeLessThanOrEqual(Date.now());
    }
    expect(log.at(-1)!.status).toBe("Running");
    const again = await getJson(mock, `/jobSessions/${id}/log`, auth);
    expect((again.body!.log as Json[]).slice(0, log.length)).toEqual(log);
  });
});

describe("stop", () => {
  const stop = (version: string, id: string, headers = auth) =>
    fetch(`${mock.origin}/api/${version}/jobSessions/${encodeURIComponent(id)}/stop`, { method: "POST", headers });
  const status = async (id: string) => String((await getJson(mock, `/jobSessions/${id}`, auth)).body!.status);

  it("v1 answers 200 and v2 and later 204, without a body; Canceling, then Canceled after the stop", async () => {
    for (const [version, expected] of [
      ["v1", 200],
      ["v2", 204],
      ["v8.1", 204],
    ] as const) {
      const id = mock.sessions.add("JobSession", { running: true });
      expect(await status(id)).toBe("Running");
      expect(mock.sessions.get("JobSession", id)!.executionStopTime).toBeUndefined();
      const response = await stop(version, id);
      expect(response.status, version).toBe(expected);
      expect(await response.text()).toBe("");
      // The stop takes `stopMs`: the first read is almost always still Canceling.
      expect(["Canceling", "Canceled"]).toContain(await status(id));
      await until(async () => (await status(id)) === "Canceled");
      const { body } = await getJson(mock, `/jobSessions/${id}`, auth);
      expect(body!.executionStopTime).toBeDefined();
      expect(Date.parse(String(body!.executionStopTime))).toBeGreaterThanOrEqual(startOf(body!));
      // Stopping it again: it is not running any more.
      const again = await stop(version, id);
      expect(again.status).toBe(400);
      expect(again.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
  });

  it("a session that ran for days: its duration is a TimeSpan with days (d.hh:mm:ss.fffffff)", async () => {
    const id = mock.sessions.add("JobSession", {
      running: true,
      created: new Date(Date.now() - (2 * 86_400_000 + 3 * 3600_000)),
    });
    expect((await stop("v2", id)).status).toBe(204);
    await until(async () => (await status(id)) === "Canceled");
    const { body } = await getJson(mock, `/jobSessions/${id}`, auth);
    expect(body!.executionDuration).toMatch(/^2\.03:00:\d\d\.\d{7}$/);
  });

  it("a session that reads Canceling is listed as Canceling (the list and the session agree)", async () => {
    const slow = await startMock({ api: "backup-for-azure", port: 0, guard: true, sessions: 5, stopMs: 60_000 });
    try {
      const headers = (await logOn(slow)).headers;
      const id = slow.sessions.add("JobSession", { running: true });
      const r = await fetch(`${slow.url}/jobSessions/${id}/stop`, { method: "POST", headers });
      expect(r.status).toBe(200);
      const one = await getJson(slow, `/jobSessions/${id}`, headers);
      expect(one.body!.status).toBe("Canceling");
      const list = await getJson(slow, "/jobSessions?Status=Canceling", headers);
      expect((list.body!.results as Json[]).map(idOf)).toEqual([id]);
      // Stopping a session that is already stopping is refused as well.
      expect((await fetch(`${slow.url}/jobSessions/${id}/stop`, { method: "POST", headers })).status).toBe(400);
      expect(slow.violations()).toBe(0);
    } finally {
      await slow.stop();
    }
  });

  it("stopping a finished session: 400 problem+json; an unknown one: 404", async () => {
    const done = mock.sessions.list("JobSession").find((s) => s.status === "Success")!;
    const response = await stop("v1", idOf(done));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as Json).detail).toContain(idOf(done));
    expect(await status(idOf(done))).toBe("Success");
    expect((await stop("v2", "999999")).status).toBe(404);
  });

  it("stop needs a token", async () => {
    const id = mock.sessions.add("JobSession", { running: true });
    expect((await stop("v1", id, {})).status).toBe(401);
    expect(await status(id)).toBe("Running");
  });
});
