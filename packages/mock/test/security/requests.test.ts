// Scenario 3 and the mock fuzz, on one pair of mocks (each Prism takes seconds to start on a
// busy machine): a request Prism cannot decode gets the API's own 400 and the mock stays up; a
// body over the limit gets 413; random raw requests are all answered; Prism is never restarted.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock, type MockServer } from "../../src/index.js";
import { createRandom } from "../../src/sim/random.js";

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

/** The simulator's seeded PRNG (mulberry32), so a failure reproduces. */
const prng = (seed: number) => createRandom(seed).next;

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get"];
const PIECES = [
  "%",
  "%E0%A4%A",
  "%zz",
  "%00",
  "%C0%AF",
  "%FF",
  "%2F",
  "%25",
  "..",
  "/",
  "//",
  "?",
  "&",
  "=",
  "#",
  "+",
  ";",
  "~",
  "é",
  "{ID}",
  "00000000-0000-0000-0000-000000000000",
  "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6",
  "39",
  "-1",
  "9".repeat(40),
  "$filter",
  "format=Entity",
  "Offset=-5",
  "Limit=abc",
  "Status=Error",
  "type=BackupJobSession",
  "filter=Result==Failed",
];
const SEGMENTS = [
  "backupSessions",
  "replicaSessions",
  "query",
  "sessionMngr",
  "logonSessions",
  "jobSessions",
  "log",
  "stop",
  "oauth2",
  "token",
  "v1",
  "api",
  "backupTaskSessions",
  "agentBackupSessions",
  "",
];
const CONTENT_TYPES = [
  "application/x-www-form-urlencoded",
  "application/json",
  "application/xml",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "",
  "*/*",
];
const ACCEPTS = [
  "application/json",
  "application/xml",
  "*/*",
  "text/html",
  "application/problem+json",
  "",
  "application/json;q=0",
];
const BODIES = [
  "",
  "%",
  "grant_type=Password&Username=%&Password=x",
  "grant_type=Refresh_token&refresh_token=%E0%A4%A",
  "{",
  '{"a":',
  "<",
  "<a>",
  "null",
  "[]",
  '{"__proto__":{"x":1}}',
  "\u0000\u0001",
  "x".repeat(5000),
];

/** A raw request; `incomplete` when its Content-Length promises more than it sends. */
function randomRequest(rnd: () => number, base: string): { raw: string; incomplete: boolean } {
  const method = pick(rnd, METHODS);
  let path = base;
  const parts = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < parts; i++) path += `/${rnd() < 0.6 ? pick(rnd, SEGMENTS) : pick(rnd, PIECES)}`;
  if (rnd() < 0.5) {
    const q = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(rnd, PIECES)).join(rnd() < 0.5 ? "&" : "=");
    path += `?${q}`;
  }
  if (rnd() < 0.05) path = pick(rnd, ["*", "", "http://127.0.0.1:1/x", "%"]);
  const headers: string[] = ["Host: 127.0.0.1", "Connection: close"];
  const accept = pick(rnd, ACCEPTS);
  if (accept) headers.push(`Accept: ${accept}`);
  if (rnd() < 0.5) headers.push(`X-RestSvcSessionId: ${pick(rnd, ["x", "%", "NDRjZmJk", "", "=="])}`);
  if (rnd() < 0.5) headers.push(`Authorization: ${pick(rnd, ["Bearer x", "Basic %", "Basic dTpw", "", "Bearer"])}`);
  if (rnd() < 0.2)
    headers.push(`Prefer: ${pick(rnd, ["code=404", "code=abc", "example=zzz", "dynamic=true", "code=999"])}`);
  if (rnd() < 0.1) headers.push(`X-Junk: ${"\u00ff".repeat(Math.floor(rnd() * 10))}`);
  let body = "";
  if (rnd() < 0.5) {
    body = pick(rnd, BODIES);
    const ct = pick(rnd, CONTENT_TYPES);
    if (ct) headers.push(`Content-Type: ${ct}`);
  }
  const framing = rnd();
  if (framing < 0.05 && body)
    headers.push(`Content-Length: ${body.length + 5}`); // lies: more than sent
  else if (framing < 0.1) headers.push("Transfer-Encoding: chunked");
  else headers.push(`Content-Length: ${Buffer.byteLength(body, "latin1")}`);
  const chunked = headers.includes("Transfer-Encoding: chunked");
  const payload = chunked ? `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
  return {
    raw: `${method} ${path} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n${payload}`,
    incomplete: framing < 0.05 && body !== "",
  };
}

/** Sends raw bytes; resolves with the answer's status code, or why there was none. */
function send(port: number, { raw, incomplete }: { raw: string; incomplete: boolean }): Promise<number | string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    const done = (why: string) => {
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve(m ? Number(m[1]) : why);
    };
    // Generous: the machine may be busy; silence this long means no answer.
    socket.setTimeout(20_000, () => done("no answer within 20 s"));
    socket.on("data", (c: Buffer) => {
      text += c.toString("latin1");
      if (/^HTTP\/1\.[01] \d{3}/.test(text)) done("");
    });
    socket.on("error", (e) => done(`socket error ${e.message}`));
    socket.on("close", () => done("closed without an answer"));
    // An incomplete request is cut short by the client (as a dropped connection would be):
    // the mock may close without an answer, but must stay up.
    if (incomplete) socket.end(Buffer.from(raw, "latin1"));
    else socket.write(Buffer.from(raw, "latin1"));
  });
}

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
