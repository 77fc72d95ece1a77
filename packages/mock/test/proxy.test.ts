// `veeam-mock proxy`: Prism's validation proxy in front of a fake upstream on 127.0.0.1 that
// answers one request by the contract and one against it; each violation prints on its line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { createBackupForAzureClient } from "@veeam-sessions/client";
import { startProxy, type Exchange } from "../src/index.js";
import { first, listen, loadSpec, operations } from "./helpers.js";
import { runCli } from "./cli-helpers.js";

const em = loadSpec("enterprise-manager");
const valid = first(operations(em).find((o) => o.operationId === "getBackupSession")!.examples["application/json"]);
const INVALID = {
  Type: "BackupJobSession",
  Href: "https://em/api/backupSessions/x",
  Name: "x",
  UID: "urn:veeam:BackupJobSession:x",
  State: 42,
  Progress: "lots",
};

describe("veeam-mock proxy (EM, CLI)", () => {
  const seen: Array<{ method: string; url: string; session: string | undefined }> = [];
  let upstream: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    upstream = await listen((req: IncomingMessage, res) => {
      seen.push({
        method: req.method!,
        url: req.url!,
        session: req.headers["x-restsvcsessionid"] as string | undefined,
      });
      const body = JSON.stringify(req.url!.includes("/bad") ? INVALID : valid);
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body);
    });
  });
  afterAll(() => upstream?.close());

  it("forwards to the upstream and prints each violation of the invalid answer on its own line", async () => {
    const r = runCli(["proxy", "--api", "enterprise-manager", "--upstream", `${upstream.url}/api`, "--port", "0"]);
    try {
      const base = (await r.waitFor(/Enterprise Manager\s+(http:\/\/127\.0\.0\.1:\d+\/api)\s+→/))[1]!;
      const headers = { accept: "application/json", "x-restsvcsessionid": "c2Vzc2lvbg==" };

      const good = await fetch(`${base}/backupSessions/good?format=Entity`, { headers });
      expect(good.status).toBe(200);
      expect(await good.json()).toEqual(valid);
      expect(good.headers.get("sl-violations")).toBeNull();
      await r.waitFor(/GET \/api\/backupSessions\/good\?format=Entity → 200 application\/json \(\d+ ms\)\n/);

      const bad = await fetch(`${base}/backupSessions/bad`, { headers });
      expect(bad.status).toBe(200);
      expect(await bad.json()).toEqual(INVALID);
      expect(JSON.parse(bad.headers.get("sl-violations")!).length).toBeGreaterThan(2);
      await r.waitFor(/GET \/api\/backupSessions\/bad → 200 application\/json \(\d+ ms\) {2}\d+ violations\n/);
      // The violation lines follow the summary line, possibly in later writes: wait for them too.
      await r.waitFor(/✗ GET \/api\/backupSessions\/bad error response\.body\.State:[^\n]*\n/);
      await r.waitFor(/✗ GET \/api\/backupSessions\/bad error response\.body\.Progress:[^\n]*\n/);
      const lines = r
        .output()
        .split("\n")
        .filter((l) => l.startsWith("  ✗ "));
      expect(lines).toContain(
        "  ✗ GET /api/backupSessions/bad error response.body.State: Response body property State must be string",
      );
      expect(lines).toContain(
        "  ✗ GET /api/backupSessions/bad error response.body.Progress: Response body property Progress must be integer",
      );
      expect(lines.every((l) => l.includes("/bad"))).toBe(true);
      expect(new Set(lines).size).toBe(lines.length);

      expect(seen).toEqual([
        { method: "GET", url: "/api/backupSessions/good?format=Entity", session: "c2Vzc2lvbg==" },
        { method: "GET", url: "/api/backupSessions/bad", session: "c2Vzc2lvbg==" },
      ]);
      r.child.kill("SIGINT");
      expect((await r.exited).code).toBe(0);
      expect(r.output()).toMatch(/stopped \(2 requests, 1 with violations, \d+ violations\)/);
    } finally {
      if (r.child.exitCode === null) r.child.kill("SIGKILL");
    }
  });

  it("refuses an upstream without the API's base path", async () => {
    const r = runCli(["proxy", "--api", "em", "--upstream", upstream.url, "--port", "0"]);
    expect((await r.exited).code).toBe(1);
    expect(r.output()).toContain("must end with the API's base path /api");
  });
});

describe("startProxy (Azure): the token endpoint stays unversioned upstream", () => {
  it("sends /api/oauth2/token and /api/v1/jobSessions where they belong", async () => {
    const az = loadSpec("backup-for-azure");
    const byId = (id: string) => first(operations(az).find((o) => o.operationId === id)!.examples["application/json"]);
    const urls: string[] = [];
    const upstream = await listen((req, res) => {
      urls.push(`${req.method} ${req.url}`);
      const body = req.url === "/api/oauth2/token" ? byId("createToken") : byId("listJobSessions");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    const exchanges: Exchange[] = [];
    const proxy = await startProxy({
      api: "backup-for-azure",
      upstream: `${upstream.url}/api/v1`,
      port: 0,
      onExchange: (e) => exchanges.push(e),
    });
    try {
      const client = createBackupForAzureClient({ baseUrl: proxy.url, auth: { username: "admin", password: "pw" } });
      const { data } = await client.GET("/jobSessions", { params: { query: { Limit: 4 } } });
      expect(data).toEqual(byId("listJobSessions"));
      expect(urls).toEqual(["POST /api/oauth2/token", "GET /api/v1/jobSessions?Limit=4"]);
      expect(exchanges.map((e) => [e.url, e.status, e.violations])).toEqual([
        ["/api/oauth2/token", 200, []],
        ["/api/v1/jobSessions?Limit=4", 200, []],
      ]);
    } finally {
      await proxy.stop();
      await upstream.close();
    }
  });
});
