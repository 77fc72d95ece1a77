// `veeam-mock proxy` forwards the request target as the caller sent it: `..` and `%2e%2e`
// segments, `.` segments, doubled slashes and percent-escapes reach the upstream unresolved, and
// the query string byte for byte (the README: "Requests go to the upstream as sent").
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy, type MockServer } from "../../src/index.js";

/** An upstream on 127.0.0.1 that records the raw request target of each request. */
async function upstreamServer() {
  const seen: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const s = createServer((req, res) => {
    seen.push(req.url!);
    headers.push(req.headers);
    res.writeHead(404, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    headers,
    close: () => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r()))),
  };
}

/** A GET with this exact request target (fetch and `new URL` would resolve the dot segments first). */
function get(origin: string, target: string, extra: Record<string, string> = {}): Promise<number> {
  const { hostname, port } = new URL(origin);
  const headers = { accept: "application/json", ...extra };
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

let upstream: Awaited<ReturnType<typeof upstreamServer>>;
let proxy: MockServer;
beforeAll(async () => {
  upstream = await upstreamServer();
  proxy = await startProxy({
    api: "enterprise-manager",
    upstream: `${upstream.url}/api`,
    port: 0,
    startTimeoutMs: 90_000,
  });
}, 120_000);
afterAll(() => Promise.all([proxy?.stop(), upstream?.close()]));

describe("veeam-mock proxy forwards the request target as sent", () => {
  const targets = [
    "/api/backupSessions/../jobs",
    "/api/backupSessions/%2e%2e/jobs",
    "/api/backupSessions/%2E%2E/jobs",
    "/api/backupSessions/.%2e/jobs",
    "/api/backupSessions/./x",
    "/api/backupSessions/%2e/x",
    "/api/backupSessions/x/..",
    "/api/../../etc/passwd",
    "/api//backupSessions",
    "/api/backupSessions/%41%2F%5c",
    "/api/backupSessions?format=Entity&x=..%2F..&y=%2e%2e&z=a+b%20c",
    "/api/backupSessions/x?a=/../b&c=%2e%2e/",
  ];
  for (const target of targets) {
    it(`forwards ${target} unchanged`, async () => {
      const before = upstream.seen.length;
      await get(proxy.origin, target);
      expect(upstream.seen.slice(before)).toEqual([target]);
    });
  }

  it("a caller cannot steer the relay: its own x-veeam-mock-relay header is dropped", async () => {
    const before = upstream.seen.length;
    const status = await get(proxy.origin, "/api/backupSessions/../x", { "x-veeam-mock-relay": "forged" });
    expect(status).toBe(404);
    expect(upstream.seen.slice(before)).toEqual(["/api/backupSessions/../x"]);
    expect(upstream.headers.at(-1)).not.toHaveProperty("x-veeam-mock-relay");
  });
});
