// Logon sessions and tokens belong to their user, expire, and are bounded (issue 21). Before, one
// user could read and end another's EM logon session (204), expired sessions stayed listed and
// readable and were never dropped, refresh tokens never expired, and every logon was kept for the
// life of the process (20 000 logons held 180 MB).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getApi } from "@veeam-sessions/spec";
import { startMock, type AuthUser, type MockServer } from "../../src/index.js";
import { loadSpec, rebase, type ApiName } from "../../src/spec.js";
import { Behaviour, MAX_CREDENTIALS_PER_USER, type Call } from "../../src/sim/behaviour.js";
import { Dataset } from "../../src/sim/dataset.js";
import { SpecModel } from "../../src/sim/model.js";
import { profileOf } from "../../src/sim/profile.js";
import { createRandom } from "../../src/sim/random.js";
import { getJson, logOn } from "../sim/helpers.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = Date.parse("2026-11-29T12:00:00Z");
const ALICE: AuthUser = { username: "alice", password: "alice-pass" };
const BOB: AuthUser = { username: "bob", password: "bob-pass" };
const TTL_MS = 60_000;

describe("Enterprise Manager logon sessions", () => {
  let mock: MockServer;
  let time = NOW;
  beforeAll(async () => {
    mock = await startMock({
      api: "enterprise-manager",
      port: 0,
      sessions: 5,
      now: NOW,
      users: [ALICE, BOB],
      sessionTtlMs: TTL_MS,
      clock: () => time,
      guard: true,
    });
  });
  afterAll(() => mock?.stop());

  const logOnAs = async (user: AuthUser) => {
    const { headers, body, response } = await logOn(mock, user);
    expect(response.status).toBe(201);
    return { headers, id: /<SessionId>([^<]+)<\/SessionId>/.exec(body)![1]! };
  };
  const listed = async (headers: Record<string, string>) =>
    ((await getJson(mock, "/logonSessions", headers)).body!.LogonSessions as Json[]).map((s) => s.SessionId as string);
  const del = (id: string, headers: Record<string, string>) =>
    fetch(`${mock.url}/logonSessions/${id}`, { method: "DELETE", headers });

  it("another user's session answers 404 to GET and DELETE, and is not listed; its owner's still works", async () => {
    const alice = await logOnAs(ALICE);
    const bob = await logOnAs(BOB);
    expect((await getJson(mock, `/logonSessions/${alice.id}`, bob.headers)).status).toBe(404);
    expect((await getJson(mock, `/logonSessions/${alice.id.toUpperCase()}`, bob.headers)).status).toBe(404);
    expect((await del(alice.id, bob.headers)).status).toBe(404);
    expect(await listed(bob.headers)).toEqual([bob.id]);
    // Alice's session is untouched by all that, and she can read and end it herself.
    expect((await getJson(mock, "/backupSessions", alice.headers)).status).toBe(200);
    expect((await getJson(mock, `/logonSessions/${alice.id}`, alice.headers)).body).toMatchObject({
      UserName: ALICE.username,
      SessionId: alice.id,
    });
    expect(await listed(alice.headers)).toEqual([alice.id]);
    expect((await del(alice.id, alice.headers)).status).toBe(204);
    expect((await getJson(mock, "/backupSessions", alice.headers)).status).toBe(401);
    expect((await del(bob.id, bob.headers)).status).toBe(204);
  });

  it("an expired session is not listed, answers 404, and its token 401", async () => {
    const old = await logOnAs(ALICE);
    time += TTL_MS + 1;
    const fresh = await logOnAs(ALICE);
    expect(await listed(fresh.headers)).toEqual([fresh.id]);
    expect((await getJson(mock, `/logonSessions/${old.id}`, fresh.headers)).status).toBe(404);
    expect((await del(old.id, fresh.headers)).status).toBe(404);
    expect((await getJson(mock, "/backupSessions", old.headers)).status).toBe(401);
    // Use keeps a session alive: idle less than the TTL at each call, it outlives the TTL.
    for (let i = 0; i < 3; i++) {
      time += TTL_MS - 1;
      expect((await getJson(mock, "/backupSessions", fresh.headers)).status).toBe(200);
    }
    expect(await listed(fresh.headers)).toEqual([fresh.id]);
  });
});

describe("OAuth refresh tokens", () => {
  it("work after the access token has expired, and expire after 14 days (Backup for Azure)", async () => {
    let time = NOW;
    const mock = await startMock({ api: "backup-for-azure", port: 0, sessions: 5, now: NOW, clock: () => time });
    try {
      const grant = async (refresh: string) =>
        fetch(`${mock.origin}/api/oauth2/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh }),
        });
      const first = JSON.parse((await logOn(mock)).body) as { access_token: string; refresh_token: string };
      time += 3600_000 + 1;
      const auth = { authorization: `Bearer ${first.access_token}` };
      expect((await getJson(mock, "/jobSessions", auth)).status).toBe(401);
      const renewed = await grant(first.refresh_token);
      expect(renewed.status).toBe(200);
      const second = (await renewed.json()) as { refresh_token: string };
      time += 14 * 24 * 3600_000;
      expect((await grant(second.refresh_token)).status).toBe(400);
    } finally {
      await mock.stop();
    }
  });
});

/** A simulator's behaviour without its HTTP server: 20 000 logons over HTTP would take long. */
function behaviourOf(api: ApiName, users: AuthUser[], clock: { now: number }) {
  const entry = getApi(api);
  const profile = profileOf(entry.simulator, entry.slug);
  const { doc, basePath } = rebase(loadSpec(api));
  const model = new SpecModel(doc);
  const base = `http://127.0.0.1:9${basePath}`;
  const behaviour = new Behaviour({
    model,
    profile,
    data: new Dataset(model, profile, { seed: 1, sessions: 0, now: NOW, base }, new Map()),
    random: createRandom(1),
    users,
    sessionTtlMs: TTL_MS,
    tokenTtlSeconds: 3600,
    stopMs: 2000,
    base,
    ...(entry.auth.header ? { sessionHeader: entry.auth.header } : {}),
  });
  const call = (operationId: string, headers: Call["headers"], body = ""): Call => ({
    op: model.copies(operationId)[0]!,
    params: {},
    query: new Map(),
    url: "/",
    body: Buffer.from(body),
    headers,
    now: clock.now,
  });
  /** Logs on (EM) or takes a password grant (OAuth); returns the token a client then sends. */
  const logOnAs = (user: AuthUser): string => {
    const a = profile.auth!;
    if (a.logon) {
      const basic = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
      const reply = behaviour.handlers.get(a.logon)!(call(a.logon, { authorization: basic }));
      return reply.headers![entry.auth.header!]!;
    }
    const form = new URLSearchParams({ grant_type: "password", username: user.username, password: user.password });
    const reply = behaviour.handlers.get(a.token!)!(call(a.token!, {}, form.toString()));
    return (reply.body as { access_token: string }).access_token;
  };
  return { behaviour, logOnAs };
}

describe("the credential store is bounded and purged", () => {
  const LOGONS = 20_000;

  for (const api of ["enterprise-manager", "backup-replication"] as const) {
    it(`${api}: ${LOGONS} logons of one user keep at most ${MAX_CREDENTIALS_PER_USER}; the oldest end, another user's stay`, () => {
      const clock = { now: NOW };
      const { behaviour, logOnAs } = behaviourOf(api, [ALICE, BOB], clock);
      const bobs = Array.from({ length: 10 }, () => logOnAs(BOB));
      const alices: string[] = [];
      for (let i = 0; i < LOGONS; i++) {
        clock.now++;
        alices.push(logOnAs(ALICE));
      }
      expect(behaviour.principals.size).toBeLessThanOrEqual(MAX_CREDENTIALS_PER_USER + bobs.length);
      expect(behaviour.refreshTokens.size).toBeLessThanOrEqual(MAX_CREDENTIALS_PER_USER + bobs.length);
      expect(behaviour.authenticate(alices[0], clock.now)).toBeUndefined();
      expect(behaviour.authenticate(alices.at(-MAX_CREDENTIALS_PER_USER - 1), clock.now)).toBeUndefined();
      expect(behaviour.authenticate(alices.at(-MAX_CREDENTIALS_PER_USER), clock.now)?.user).toBe(ALICE.username);
      expect(behaviour.authenticate(alices.at(-1), clock.now)?.user).toBe(ALICE.username);
      for (const token of bobs) expect(behaviour.authenticate(token, clock.now)?.user).toBe(BOB.username);
    });
  }

  it("expired sessions are dropped as time passes, not only when their token is sent again", () => {
    const clock = { now: NOW };
    const { behaviour, logOnAs } = behaviourOf("enterprise-manager", [ALICE], clock);
    for (let i = 0; i < 500; i++) logOnAs(ALICE);
    expect(behaviour.principals.size).toBe(500);
    clock.now += TTL_MS + 1;
    behaviour.settle(clock.now); // what every request does first
    expect(behaviour.principals.size).toBe(0);
  });
});
