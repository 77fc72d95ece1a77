// The simulator never dies (issue 21, items 1 and 5): a target no URL parser reads, a bug in a
// handler or in a callback of the user's, a seeded raw-socket fuzz, slow and oversized requests;
// and data it could not answer (a `--data` recording, `sessions.add` / `update`) is refused
// when it is given, naming the file and the member, not on the first read that encodes it.
import net from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APIS, MAX_SESSIONS, SimDataError, startMock, type MockOptions, type MockServer } from "../../src/index.js";
import { loadSpec } from "../../src/spec.js";
import { logOn, profileOf } from "../sim/helpers.js";
import { prng, randomRequest, send } from "./fuzz.js";

let clockThrows = false;
let exchangeThrows = false;
const mocks = new Map<string, MockServer>();
beforeAll(async () => {
  for (const api of APIS)
    mocks.set(
      api,
      await startMock({
        api,
        port: 0,
        sessions: 20,
        clock: () => {
          if (clockThrows) throw new Error("clock broke");
          return Date.now();
        },
        onExchange: () => {
          if (exchangeThrows) throw new Error("onExchange broke");
        },
        // Not a public option: node:http's timeouts, short, so that a 408 comes in a second.
        httpTimeouts: { headersMs: 400, requestMs: 800, checkMs: 100 },
      } as MockOptions),
    );
}, 60_000);
afterAll(() => Promise.all([...mocks.values()].map((m) => m.stop())));

/** Bytes sent as they are; resolves with everything the server answered before it closed. */
function raw(port: number, bytes: string, { end = true, waitMs = 10_000 } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    socket.setTimeout(waitMs, () => socket.destroy());
    socket.on("data", (c: Buffer) => (text += c.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(text));
    if (end) socket.end(Buffer.from(bytes, "latin1"));
    else socket.write(Buffer.from(bytes, "latin1"));
  });
}
const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

/** A request the simulator answers 200 after a logon: it is up and serving. */
async function stillServes(mock: MockServer) {
  const { headers } = await logOn(mock);
  const list = profileOf(mock).kinds[Object.keys(profileOf(mock).kinds)[0]!]!.list!;
  const paths = loadSpec(mock.api).paths as Record<string, Record<string, { operationId?: string }>>;
  const template = Object.entries(paths).find(([, ops]) => ops.get?.operationId === list)![0];
  const r = await fetch(`${mock.url}${template}`, {
    headers: { accept: "application/json", ...headers },
  });
  expect(r.status).toBe(200);
}

describe.each(APIS)("%s simulator", (api) => {
  const mock = () => mocks.get(api)!;
  const base = () => new URL(mock().url).pathname.replace(/\/$/, "");

  it("a request target no URL parser reads is a 400 in the API's error body, and the server stays up", async () => {
    for (const target of ["//[", "http://[x/api", "//[::1"]) {
      const answer = await raw(mock().port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(statusOf(answer), target).toBe(400);
      expect(answer).toMatch(/request target is malformed/);
    }
    await stillServes(mock());
  });

  it("a handler that throws (here the clock) is a 500 in the API's error body; the next request is answered", async () => {
    const { headers } = await logOn(mock());
    clockThrows = true;
    let r: Response;
    try {
      r = await fetch(`${mock().url}/`, { headers: { accept: "application/json", ...headers } });
    } finally {
      clockThrows = false;
    }
    expect(r.status).toBe(500);
    const text = await r.text();
    expect(text).toMatch(/internal error/);
    // What broke stays in the server's log: the message says nothing of it.
    expect(text).not.toMatch(/clock broke/);
    await stillServes(mock());
  });

  it("an onExchange callback that throws does not cost the answer", async () => {
    exchangeThrows = true;
    try {
      await stillServes(mock());
    } finally {
      exchangeThrows = false;
    }
  });

  it("headers not complete in time are a 408, a body not complete in time a 408, headers over 16 KiB a 431", async () => {
    const port = mock().port;
    const slowHeaders = await raw(port, `GET ${base()}/ HTTP/1.1\r\nHost: x\r\n`, { end: false });
    expect(statusOf(slowHeaders)).toBe(408);
    const slowBody = await raw(
      port,
      `POST ${base()}/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a"`,
      { end: false },
    );
    expect(statusOf(slowBody)).toBe(408);
    const big = await raw(port, `GET ${base()}/ HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, {
      end: false,
    });
    expect(statusOf(big)).toBe(431);
    for (const answer of [slowHeaders, slowBody, big]) expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    await stillServes(mock());
  });

  it("seeded raw-socket fuzz (seed 0x5eed): every request is answered, none with a 500, and the server stays up", async () => {
    const { headers } = await logOn(mock());
    const auth = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
    // The API's paths, with an id of one of its sessions for each parameter.
    const kinds = profileOf(mock()).kinds;
    const first = mock().sessions.list(Object.keys(kinds)[0]!)[0] ?? {};
    const someId =
      typeof first.id === "string"
        ? first.id
        : ((typeof first.Href === "string" ? first.Href : "").split("?")[0]!.split("/").pop() ?? "1");
    const known = Object.keys(loadSpec(mock().api).paths as object).map((t) => t.replace(/\{[^}]+\}/g, someId));
    const rnd = prng(0x5eed);
    const statuses = new Map<number | string, number>();
    const unanswered: string[] = [];
    const count = Number(process.env.FUZZ_REQUESTS ?? 400);
    for (let sent = 0; sent < count; sent += 8) {
      const batch = Array.from({ length: 8 }, () => randomRequest(rnd, base(), auth, known));
      const answers = await Promise.all(batch.map((request) => send(mock().port, request)));
      answers.forEach((status, i) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const { raw: bytes, incomplete } = batch[i]!;
        if (status === 500 || (typeof status === "string" && !(incomplete && status.startsWith("closed"))))
          unanswered.push(`${status}: ${JSON.stringify(bytes.slice(0, 300))}`);
      });
    }
    expect(unanswered.slice(0, 5)).toEqual([]);
    // The fuzz reached the operations: some requests were refused, some answered.
    const codes = [...statuses.keys()].filter((s): s is number => typeof s === "number");
    expect(codes.some((s) => s >= 400 && s < 500)).toBe(true);
    expect(codes.some((s) => s >= 200 && s < 300)).toBe(true);
    await stillServes(mock());
  }, 120_000);
});

describe("sessions the simulator could not answer are refused when given", () => {
  it("sessions.add and sessions.update: a SimDataError naming the member, and nothing changes", () => {
    const em = mocks.get("enterprise-manager")!;
    const before = em.sessions.list("BackupJobSession").length;
    let error: unknown;
    try {
      em.sessions.add("BackupJobSession", { members: { Progress: "abc" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SimDataError);
    expect(error).toMatchObject({ code: "SIM_DATA", kind: "BackupJobSession", member: "/Progress" });
    expect(String((error as Error).message)).toMatch(/Progress.*"abc"/);
    expect(em.sessions.list("BackupJobSession")).toHaveLength(before);

    const id = em.sessions.add("BackupJobSession");
    const stored = structuredClone(em.sessions.get("BackupJobSession", id));
    // A NUL fits the schema's string, but no XML can carry it: EM answers in XML by default.
    expect(() => em.sessions.update("BackupJobSession", id, { JobName: "a\u0000b" })).toThrow(
      expect.objectContaining({ name: "SimDataError", member: "/JobName" }) as Error,
    );
    expect(() => em.sessions.update("BackupJobSession", id, { Result: 7 })).toThrow(SimDataError);
    expect(em.sessions.get("BackupJobSession", id)).toEqual(stored);
  });

  it("--data: a recording that does not fit its schema, or is not JSON, stops the start naming the file and the member", async () => {
    const em = mocks.get("enterprise-manager")!;
    const kind = profileOf(em).kinds.BackupJobSession!;
    const session = em.sessions.list("BackupJobSession")[0]!;
    for (const [bad, member, reason] of [
      [{ ...session, Progress: "abc" }, "/Progress", /"abc"/],
      [{ ...session, JobName: "nul\u0000name" }, "/JobName", /XML/],
      ["{", "", /is not JSON/],
    ] as const) {
      const dir = await mkdtemp(join(tmpdir(), "veeam-mock-bad-data-"));
      try {
        const meta = { api: "enterprise-manager", operationId: kind.get, status: 200, mediaType: "application/json" };
        await writeFile(join(dir, "one.200.meta.json"), JSON.stringify(meta));
        await writeFile(join(dir, "one.200.body.json"), typeof bad === "string" ? bad : JSON.stringify(bad));
        const started = startMock({ api: "enterprise-manager", port: 0, data: dir });
        await expect(started).rejects.toBeInstanceOf(SimDataError);
        const error = (await started.catch((e: unknown) => e)) as SimDataError;
        expect(error.file).toBe(join(dir, "one.200.body.json"));
        expect(error.member).toBe(member);
        expect(error.message).toContain("one.200.body.json");
        expect(error.message).toMatch(reason);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it(`more than ${MAX_SESSIONS} sessions is refused at once, with the limit in the message`, async () => {
    await expect(startMock({ api: "enterprise-manager", port: 0, sessions: 1e9 })).rejects.toThrow(
      new RegExp(`from 0 to ${MAX_SESSIONS}`),
    );
  });
});
