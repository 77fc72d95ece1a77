// What a user does: record responses with the client's recordTo(), then check the recordings
// with `veeam-contract validate`. The "server" is a fetch that answers with fixture bodies.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBackupForAzureClient, createEnterpriseManagerClient, recordTo } from "@veeam-sessions/client";
import { describe, expect, it } from "vitest";
import { run } from "../src/run.js";

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");

/** A fetch that answers like the servers would, from fixture bodies. */
function fakeServer(routes: Record<string, { status?: number; type: string; body: string }>): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const xml = (request.headers.get("accept") ?? "").includes("xml");
    const route =
      routes[`${request.method} ${url.pathname}${xml ? " xml" : ""}`] ?? routes[`${request.method} ${url.pathname}`];
    if (!route) return Promise.resolve(new Response("not here", { status: 599 }));
    return Promise.resolve(
      new Response(route.body, { status: route.status ?? 200, headers: { "content-type": route.type } }),
    );
  };
}

async function validate(dir: string, ...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(["validate", ...flags, dir], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

describe("recordTo() fixtures, checked by veeam-contract validate", () => {
  it("pass for what a conforming server sends (XML, JSON, errors, Azure)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-recorded-"));
    const ID = "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6";
    const emFetch = fakeServer({
      [`GET /api/backupSessions/${ID} xml`]: {
        type: "application/xml; charset=utf-8",
        body: fixture("enterprise-manager/xml/seed-002-backup-session.body.xml"),
      },
      [`GET /api/backupSessions/${ID}`]: {
        type: "application/json; charset=utf-8",
        body: fixture("enterprise-manager/json/seed-002-backup-session.body.json"),
      },
      "GET /api/backupSessions/00000000-0000-0000-0000-000000000000 xml": {
        status: 404,
        type: "application/xml",
        body: fixture("enterprise-manager/xml/error-404.body.xml"),
      },
    });
    // `hosts: true` would also rewrite the XML namespace URI (http://www.veeam.com/ent/v1.0 →
    // http://redacted.invalid/ent/v1.0), which this check then rightly refuses: name the hosts.
    for (const format of ["xml", "json"] as const) {
      const em = createEnterpriseManagerClient({
        baseUrl: "https://em.invalid:9398/api",
        auth: { sessionId: "c2Vzc2lvbg==" },
        format,
        fetch: emFetch,
        middleware: [recordTo(dir, { redact: { hosts: ["enterprise04.tech.local", "localhost"] } })],
      });
      await em.GET("/backupSessions/{ID}", { params: { path: { ID }, query: { format: "Entity" } } });
      if (format === "xml")
        await em.GET("/backupSessions/{ID}", { params: { path: { ID: "00000000-0000-0000-0000-000000000000" } } });
    }
    const azFetch = fakeServer({
      "POST /api/oauth2/token": {
        type: "application/json; charset=utf-8",
        body: fixture("backup-for-azure/token.body.json").replace(/"\[redacted\]"/g, '"tok-123"'),
      },
      "GET /api/v1/jobSessions/39": {
        type: "application/json; charset=utf-8",
        body: fixture("backup-for-azure/seed-004-job-session.body.json"),
      },
    });
    const az = createBackupForAzureClient({
      baseUrl: "https://vbazure.invalid/api/v1",
      auth: { username: "u", password: "p" },
      fetch: azFetch,
      middleware: [recordTo(dir)],
    });
    await az.GET("/jobSessions/{sessionId}", { params: { path: { sessionId: "39" } } });

    expect(readdirSync(dir).filter((f) => f.endsWith(".meta.json")).length).toBeGreaterThanOrEqual(4);
    const r = await validate(dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed, 0 warnings\n$/);
    expect(r.stdout).toContain("getBackupSession 404 application/xml");
    expect(r.code).toBe(0);
  });

  it("warn for what a server that drifted from the contract sends, and fail with --strict", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-recorded-"));
    const drifted = fixture("enterprise-manager/xml/seed-002-backup-session.body.xml").replace(
      "<State>Stopped</State>",
      "<State>Finished</State>",
    );
    const em = createEnterpriseManagerClient({
      baseUrl: "https://em.invalid:9398/api",
      auth: { sessionId: "c2Vzc2lvbg==" },
      format: "xml",
      fetch: fakeServer({ "GET /api/backupSessions/x xml": { type: "application/xml", body: drifted } }),
      middleware: [recordTo(dir)],
    });
    await em.GET("/backupSessions/{ID}", { params: { path: { ID: "x" } } });
    const r = await validate(dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /WARN .*getBackupSession\.200\.body\.xml \(getBackupSession 200 application\/xml\): \/State must be one of .*; got "Finished" \(enum\)/,
    );
    expect(r.stdout).toContain("1 passed, 0 failed, 1 warnings");
    const strict = await validate(dir, "--strict");
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("1 passed, 0 failed, 1 warnings");
  });
});
