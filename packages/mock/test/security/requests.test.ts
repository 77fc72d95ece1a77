// Scenario 3 and the mock fuzz, on one pair of mocks (each Prism takes seconds to start on a
// busy machine): a request Prism cannot decode gets the API's own 400 and the mock stays up; a
// body over the limit gets 413; random raw requests are all answered; Prism is never restarted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock, type MockServer } from "../../src/index.js";
import { prng, randomRequest, send } from "./fuzz.js";

let em: MockServer;
let az: MockServer;
beforeAll(async () => {
  [em, az] = await Promise.all([
    startMock({ api: "enterprise-manager", engine: "prism", port: 0, startTimeoutMs: 90_000 }),
    startMock({ api: "backup-for-azure", engine: "prism", port: 0, startTimeoutMs: 90_000 }),
  ]);
}, 120_000);
afterAll(() => Promise.all([em?.stop(), az?.stop()]));

const session = { "x-restsvcsessionid": "NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj" };

async function stillUp(mock: MockServer, pid: number): Promise<void> {
  expect(mock.prism!.pid).toBe(pid);
  expect(mock.prism!.restarts).toBe(0);
  const r =
    mock.api === "enterprise-manager"
      ? await fetch(`${mock.url}/`, { headers: { accept: "application/json" } })
      : await fetch(`${mock.url}/jobSessions`, { headers: { authorization: "Bearer x" } });
  expect(r.status).toBe(200);
}

describe("malformed percent-encoding", () => {
  for (const path of [
    "/backupSessions/%",
    "/backupSessions/%E0%A4%A",
    "/backupSessions/%zz",
    "/backupSessions?format=%",
  ]) {
    it(`EM ${path}: 400 with EM's Error body, XML by default and JSON on request`, async () => {
      const pid = em.prism!.pid;
      const xml = await fetch(`${em.url}${path}`, { headers: session });
      expect(xml.status).toBe(400);
      expect(xml.headers.get("content-type")).toMatch(/^application\/xml/);
      const text = await xml.text();
      expect(text).toMatch(
        /^<Error Message="The (request path|query string) has malformed percent-encoding\." StatusCode="400" xmlns="http:\/\/www\.veeam\.com\/ent\/v1\.0">/,
      );
      const json = await fetch(`${em.url}${path}`, { headers: { ...session, accept: "application/json" } });
      expect(json.status).toBe(400);
      expect(json.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await json.json()).toMatchObject({
        StatusCode: 400,
        Message: expect.stringMatching(/malformed/) as string,
      });
      await stillUp(em, pid);
    });
  }

  it("Azure: a token form body '%' gets 400 problem+json", async () => {
    const pid = az.prism!.pid;
    const origin = az.url.replace(/\/v1$/, "");
    for (const body of ["%", "grant_type=Password&Username=%E0%A4%A&Password=x"]) {
      const r = await fetch(`${origin}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      expect(r.status).toBe(400);
      expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await r.json()).toMatchObject({
        status: 400,
        title: "Bad Request",
        detail: expect.stringMatching(/form body/) as string,
      });
    }
    await stillUp(az, pid);
  });

  it("Azure: a bad path gets 400 problem+json", async () => {
    const pid = az.prism!.pid;
    const r = await fetch(`${az.url}/jobSessions/%E0%A4%A`, { headers: { authorization: "Bearer x" } });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ status: 400 });
    await stillUp(az, pid);
  });
});

describe("request size", () => {
  it("a body over 1 MiB gets 413 with the API's error body, and the mock stays up", async () => {
    const pid = az.prism!.pid;
    const origin = az.url.replace(/\/v1$/, "");
    const r = await fetch(`${origin}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=Password&Username=u&Password=${"x".repeat(2 * 1024 * 1024)}`,
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ status: 413 });
    await stillUp(az, pid);
  });
});

describe("mock fuzz (time-bounded, seed 0x5eed)", () => {
  for (const [name, which, base] of [
    ["Enterprise Manager", () => em, "/api"],
    ["Backup for Azure", () => az, "/api/v1"],
  ] as const) {
    it(`${name}: every random request is answered and Prism stays up`, async () => {
      const mock = which();
      const pid = mock.prism!.pid;
      const rnd = prng(0x5eed);
      const end = Date.now() + Number(process.env.FUZZ_MS ?? 4000);
      const statuses = new Map<number | string, number>();
      const unanswered: string[] = [];
      let sent = 0;
      while (Date.now() < end) {
        const batch = Array.from({ length: 4 }, () => randomRequest(rnd, base));
        const answers = await Promise.all(batch.map((request) => send(mock.port, request)));
        answers.forEach((status, i) => {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const { raw, incomplete } = batch[i]!;
          if (status === 502 || (typeof status === "string" && !(incomplete && status.startsWith("closed"))))
            unanswered.push(`${status}: ${JSON.stringify(raw.slice(0, 300))}`);
        });
        sent += batch.length;
      }
      expect(unanswered.slice(0, 5)).toEqual([]);
      expect(sent).toBeGreaterThan(20);
      expect(mock.prism!.pid).toBe(pid);
      expect(mock.prism!.restarts).toBe(0);
      // A request that is fine still gets its normal answer.
      const ok = await fetch(`${mock.url}${mock.api === "enterprise-manager" ? "/" : "/jobSessions"}`, {
        headers: { accept: "application/json", authorization: "Bearer x" },
      });
      expect(ok.status).toBe(200);
      expect([...statuses.keys()].some((s) => typeof s === "number" && s >= 400 && s < 500)).toBe(true);
    }, 120_000);
  }
});
