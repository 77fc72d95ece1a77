// Scenarios 4 and 5: timeouts fire (body phase too) and say "timeout"; a caller's abort while
// a logon or token grant is pending rejects at once; bodies are limited while they stream.
import { describe, expect, it } from "vitest";
import type { ServerResponse } from "node:http";
import { createBackupForAzureClient } from "../../src/index.js";
import { emClient, emLogon, json, rejection, tokenAnswer, twoServers } from "./server.js";

const s = twoServers();
const em = (extra: object = {}) => emClient(s, extra);
const az = (extra: object = {}) =>
  createBackupForAzureClient({ baseUrl: `${s.home.url}/api/v1`, auth: { username: "u", password: "pw" }, ...extra });

describe("timeoutMs", () => {
  it("a body that stalls after the headers times out as kind timeout", async () => {
    s.home.handle = (req, res) => {
      if (emLogon(req, res)) return;
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"Refs": ['); // and never more
    };
    // The body never ends: without the timeout this would hang until the test's own timeout.
    const error = await rejection(em({ timeoutMs: 300 }).GET("/replicaSessions"));
    expect(error.kind).toBe("timeout");
  });

  it("no headers at all: kind timeout", async () => {
    s.home.handle = (req, res) => void (emLogon(req, res) || undefined);
    const error = await rejection(em({ timeoutMs: 300 }).GET("/replicaSessions"));
    expect(error.kind).toBe("timeout");
  });

  it("a logon whose body stalls times out as kind timeout", async () => {
    s.home.handle = (_req, res) => {
      res.writeHead(201, { "content-type": "application/json", "x-restsvcsessionid": "abcd" });
      res.write("{");
    };
    const error = await rejection(em({ timeoutMs: 300 }).logon());
    expect(error.kind).toBe("timeout");
    expect(error.operationId).toBe("logOn");
  });

  it("fires under garbage collection pressure while the body stalls (the Node 20 AbortSignal.any issue)", async () => {
    s.home.handle = (req, res) => {
      if (emLogon(req, res)) return;
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
    };
    const pending = rejection(em({ timeoutMs: 400 }).GET("/replicaSessions"));
    const churn = setInterval(() => {
      // Allocate enough that the young generation is collected many times over.
      for (let i = 0; i < 2000; i++) void new Array(64).fill(i);
      (globalThis as { gc?: () => void }).gc?.();
    }, 5);
    try {
      expect((await pending).kind).toBe("timeout");
    } finally {
      clearInterval(churn);
    }
  });
});

describe("a caller's abort while credentials are pending", () => {
  it("EM: rejects at once while the logon hangs; the logon goes on for others", async () => {
    let answer: (() => void) | undefined;
    s.home.handle = (req, res) => {
      if (req.url!.startsWith("/api/sessionMngr/")) {
        answer = () => emLogon(req, res);
        return;
      }
      json(res, 200, { Refs: [] });
    };
    const c = em();
    const controller = new AbortController();
    const mine = rejection(c.GET("/replicaSessions", { signal: controller.signal }));
    const theirs = c.GET("/replicaSessions");
    while (!answer) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    // The logon answers only after this: a rejection that waited for it would never come.
    const error = await mine;
    expect(error.kind).toBe("aborted");
    answer();
    expect((await theirs).data).toEqual({ Refs: [] });
  });

  it("EM: rejects at once while a re-logon after a 401 hangs", async () => {
    let logons = 0;
    s.home.handle = (req, res) => {
      if (req.url!.startsWith("/api/sessionMngr/")) {
        if (++logons === 1) emLogon(req, res);
        return; // the second logon never answers
      }
      json(res, 401, { Message: "expired" });
    };
    const c = em();
    await c.logon();
    const controller = new AbortController();
    const mine = rejection(c.GET("/replicaSessions", { signal: controller.signal }));
    while (logons < 2) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect((await mine).kind).toBe("aborted");
  });

  it("Azure: rejects at once while the token grant hangs", async () => {
    let granting = false;
    s.home.handle = (req) => {
      if (req.url === "/api/oauth2/token") granting = true; // never answers
    };
    const controller = new AbortController();
    const mine = rejection(az().GET("/jobSessions", { signal: controller.signal }));
    while (!granting) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect((await mine).kind).toBe("aborted");
  });
});

describe("maxResponseBytes", () => {
  const big = (res: ServerResponse, status: number, withLength: boolean) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const total = 4 * 1024 * 1024;
    res.writeHead(status, {
      "content-type": "application/json",
      ...(withLength ? { "content-length": String(total + 2) } : {}),
    });
    res.write("[");
    let sent = 0;
    const more = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", more);
      }
      res.end("]");
    };
    res.on("error", () => undefined);
    more();
  };

  for (const [name, status, withLength] of [
    ["a success body, chunked", 200, false],
    ["a success body with Content-Length", 200, true],
    ["an error body, chunked", 500, false],
    ["an error body with Content-Length", 500, true],
  ] as const) {
    it(`${name} over the limit: kind too-large`, async () => {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        big(res, status, withLength);
      };
      const error = await rejection(em({ maxResponseBytes: 1024 * 1024 }).GET("/replicaSessions"));
      expect(error.kind).toBe("too-large");
      expect(error.message).toContain("maxResponseBytes");
    });
  }

  it("a logon answer over the limit: kind too-large", async () => {
    s.home.handle = (_req, res) => big(res, 201, false);
    const error = await rejection(em({ maxResponseBytes: 1024 * 1024 }).logon());
    expect(error.kind).toBe("too-large");
  });

  it("a token answer over the limit: kind too-large", async () => {
    s.home.handle = (_req, res) => big(res, 200, false);
    const error = await rejection(az({ maxResponseBytes: 1024 * 1024 }).logon());
    expect(error.kind).toBe("too-large");
  });

  it("a gzip body that inflates past the limit: kind too-large", async () => {
    const { gzipSync } = await import("node:zlib");
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    s.home.handle = (req, res) => {
      if (emLogon(req, res)) return;
      res.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": bomb.length,
      });
      res.end(bomb);
    };
    const error = await rejection(em({ maxResponseBytes: 1024 * 1024 }).GET("/replicaSessions"));
    expect(error.kind).toBe("too-large");
  });

  it("a body within the limit is read as usual", async () => {
    s.home.handle = (req, res) => {
      if (emLogon(req, res)) return;
      json(res, 200, { Refs: [] });
    };
    expect((await em({ maxResponseBytes: 100 }).GET("/replicaSessions")).data).toEqual({ Refs: [] });
    s.home.handle = (_req, res) => json(res, 200, tokenAnswer(1));
    await az({ maxResponseBytes: 1000 }).logon();
  });
});
