import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createBackupForAzureClient, createEnterpriseManagerClient, recordTo } from "../../src/index.js";
import { AZ_PASSWORD, AZ_USER, bothServersForThisFile, EM_PASSWORD, EM_USER } from "../helpers/servers.js";

const servers = bothServersForThisFile(3);

const read = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );

describe("recordTo()", () => {
  it("writes NAME.meta.json + NAME.body.<ext> per response, for both media types", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-record-"));
    const auth = { username: EM_USER, password: EM_PASSWORD };
    const xml = createEnterpriseManagerClient({
      baseUrl: `${servers.em.url}/api`,
      auth,
      format: "xml",
      middleware: [recordTo(dir)],
    });
    const json = createEnterpriseManagerClient({ baseUrl: `${servers.em.url}/api`, auth, middleware: [recordTo(dir)] });
    await xml.GET("/replicaSessions/{ID}", { params: { path: { ID: "0bcf5a1e-866c-4b40-8bc3-ce64753b9a6b" } } });
    await json.GET("/replicaSessions/{ID}", { params: { path: { ID: "0bcf5a1e-866c-4b40-8bc3-ce64753b9a6b" } } });
    await json.GET("/backupSessions/{ID}", { params: { path: { ID: "00000000-0000-0000-0000-000000000000" } } });
    const files = read(dir);
    expect(Object.keys(files)).toEqual([
      "getBackupSession.404.body.json",
      "getBackupSession.404.meta.json",
      "getReplicaSession.200-2.body.json",
      "getReplicaSession.200-2.meta.json",
      "getReplicaSession.200.body.xml",
      "getReplicaSession.200.meta.json",
    ]);
    expect(JSON.parse(files["getReplicaSession.200.meta.json"]!)).toEqual({
      api: "enterprise-manager",
      method: "GET",
      path: "/replicaSessions/{ID}",
      status: 200,
      mediaType: "application/xml",
      operationId: "getReplicaSession",
    });
    expect(files["getReplicaSession.200.body.xml"]).toContain("<ReplicaJobSession xmlns=");
    expect(JSON.parse(files["getBackupSession.404.body.json"]!).StatusCode).toBe(404);
  });

  it("never writes secrets or auth headers; hosts can be redacted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-record-"));
    const basic = `Basic ${Buffer.from(`${EM_USER}:${EM_PASSWORD}`).toString("base64")}`;
    const em1 = createEnterpriseManagerClient({
      baseUrl: `${servers.em.url}/api`,
      auth: { username: EM_USER, password: EM_PASSWORD },
      middleware: [recordTo(dir, { redact: { hosts: true } })],
    });
    // A logon made through the client is recorded too: its SessionId must not be.
    const logon = await em1.POST("/sessionMngr/", { headers: { Authorization: basic } });
    const sessionId = logon.response.headers.get("x-restsvcsessionid")!;
    const logonGuid = (logon.data as { SessionId: string }).SessionId;
    expect(logonGuid).toMatch(/^15a3fc97-/);
    await em1.GET("/backupSessions/{ID}", { params: { path: { ID: "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6" } } });
    const az1 = createBackupForAzureClient({
      baseUrl: `${servers.az.url}/api/v1`,
      auth: { username: AZ_USER, password: AZ_PASSWORD },
      middleware: [recordTo(dir, { redact: { hosts: true } })],
    });
    await az1.POST("/oauth2/token", {
      body: { grant_type: "Password", Username: AZ_USER, Password: AZ_PASSWORD } as never,
      bodySerializer: (b) => new URLSearchParams(b as Record<string, string>).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await az1.GET("/jobSessions");
    const all = Object.values(read(dir)).join("\n");
    expect(Object.keys(read(dir)).length).toBeGreaterThanOrEqual(8);
    for (const secret of [
      EM_PASSWORD,
      AZ_PASSWORD,
      sessionId,
      logonGuid,
      basic,
      "access-",
      "refresh-",
      "127.0.0.1",
      "enterprise04.tech.local",
      "abc.ukwest",
    ]) {
      expect(all, secret).not.toContain(secret);
    }
    expect(all).toContain("[redacted]");
    expect(all).toContain("redacted.invalid");
    expect(all).not.toMatch(/authorization|x-restsvcsessionid/i);
  });

  it("hosts: true keeps XML namespace URIs, so recorded XML still validates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-record-"));
    const xml = createEnterpriseManagerClient({
      baseUrl: `${servers.em.url}/api`,
      auth: { username: EM_USER, password: EM_PASSWORD },
      format: "xml",
      middleware: [recordTo(dir, { redact: { hosts: true } })],
    });
    await xml.GET("/backupSessions/{ID}", { params: { path: { ID: "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6" } } });
    const body = readFileSync(join(dir, "getBackupSession.200.body.xml"), "utf8");
    expect(body).toContain('xmlns="http://www.veeam.com/ent/v1.0"');
    expect(body).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
    expect(body).toContain('Href="https://redacted.invalid:9398/api/backupSessions/');
    expect(body).not.toContain("enterprise04.tech.local");
  });
});
