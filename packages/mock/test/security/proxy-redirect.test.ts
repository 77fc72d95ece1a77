// Scenario 2: `veeam-mock proxy` passes an upstream 3xx back to the caller; Prism does not
// follow it to a third origin with the caller's credentials.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy, type MockServer } from "../../src/index.js";

async function server(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: IncomingMessage[] = [];
  const s = createServer((req, res) => {
    seen.push(req);
    handle(req, res);
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r()))),
  };
}

let third: Awaited<ReturnType<typeof server>>;
let upstream: Awaited<ReturnType<typeof server>>;
let proxy: MockServer;
beforeAll(async () => {
  third = await server((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  upstream = await server((req, res) => {
    const status = Number(/\/(30\d)$/.exec(req.url!.split("?")[0]!)?.[1] ?? 302);
    res.writeHead(status, { location: `${third.url}/steal`, "content-type": "text/plain" }).end("moved");
  });
  proxy = await startProxy({
    api: "enterprise-manager",
    upstream: `${upstream.url}/api`,
    port: 0,
    startTimeoutMs: 90_000,
  });
}, 120_000);
afterAll(() => Promise.all([proxy?.stop(), upstream?.close(), third?.close()]));

describe("veeam-mock proxy and redirects", () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`an upstream ${status} comes back to the caller; nothing reaches the third origin`, async () => {
      const r = await fetch(`${proxy.url}/backupSessions/${status}`, {
        redirect: "manual",
        headers: {
          accept: "application/json",
          authorization: "Basic dTpw",
          "x-restsvcsessionid": "c2Vzc2lvbg==",
          cookie: "X-RestSvcSessionId=c2Vzc2lvbg==",
        },
      });
      expect(r.status).toBe(status);
      expect(r.headers.get("location")).toBe(`${third.url}/steal`);
      expect(upstream.seen.length).toBeGreaterThan(0);
      expect(third.seen).toHaveLength(0);
    });
  }
});
