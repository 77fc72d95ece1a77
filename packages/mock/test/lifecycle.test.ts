// Starting and stopping: free ports, side by side, ports freed by stop(), helpful errors,
// the vitest globalSetup helper, and --dynamic (JSON generated, XML still the examples).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startMock, type MockServer } from "../src/index.js";
import { ENV, mockGlobalSetup, type VeeamMockUrls } from "../src/vitest.js";
import { canBind, first, loadSpec, operations } from "./helpers.js";

const SESSION = { "x-restsvcsessionid": "any" };

describe("two mocks on port 0 (through the vitest globalSetup helper)", () => {
  const provided: Record<string, unknown> = {};
  let teardown: () => Promise<void>;
  let urls: VeeamMockUrls;

  beforeAll(async () => {
    teardown = await mockGlobalSetup()({ provide: (key, value) => (provided[key] = value) });
    urls = provided.veeamMock as VeeamMockUrls;
  });
  afterAll(() => teardown?.());

  it("provides every base URL and sets the environment variables", () => {
    expect(urls["enterprise-manager"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(urls["backup-for-azure"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(process.env[ENV["enterprise-manager"]]).toBe(urls["enterprise-manager"]);
    expect(process.env[ENV["backup-for-azure"]]).toBe(urls["backup-for-azure"]);
    expect(urls["backup-replication"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env[ENV["backup-replication"]]).toBe(urls["backup-replication"]);
  });

  it("both answer side by side on different ports (simulators: a made-up session or token is refused)", async () => {
    const em = new URL(urls["enterprise-manager"]!);
    const az = new URL(urls["backup-for-azure"]!);
    expect(em.port).not.toBe(az.port);
    const [a, b] = await Promise.all([
      fetch(`${em.href}/backupSessions`, { headers: SESSION }),
      fetch(`${az.href}/jobSessions`, { headers: { authorization: "Bearer t" } }),
    ]);
    expect([a.status, b.status]).toEqual([401, 401]);
  });

  it("teardown stops both: ports free again, variables gone", async () => {
    const ports = Object.values(urls).map((u) => Number(new URL(u).port));
    await teardown();
    for (const port of ports) expect(await canBind(port)).toBe(true);
    expect(process.env[ENV["enterprise-manager"]]).toBeUndefined();
    await expect(fetch(`${urls["enterprise-manager"]}/`)).rejects.toThrow();
  });
});

describe("stop()", () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMock({ api: "enterprise-manager", engine: "prism", port: 0, dynamic: true });
  });
  afterAll(() => mock?.stop());

  it("reports where it listens and how long it took", () => {
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.origin).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.prism!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.startupMs).toBeGreaterThan(0);
  });

  it("--dynamic: JSON comes from the schema, XML still from the examples", async () => {
    const doc = loadSpec("enterprise-manager");
    const op = operations(doc).find((o) => o.operationId === "getBackupSession")!;
    const xml = await fetch(`${mock.url}/backupSessions/x`, { headers: SESSION });
    expect(xml.headers.get("content-type")).toBe("application/xml");
    expect(await xml.text()).toBe(first(op.examples["application/xml"]));
    const json = await fetch(`${mock.url}/backupSessions/x`, { headers: { ...SESSION, accept: "application/json" } });
    expect(json.status).toBe(200);
    const body = (await json.json()) as Record<string, unknown>;
    expect(typeof body.Href).toBe("string");
    expect(body).not.toEqual(first(op.examples["application/json"]));
  });

  it("frees the port (it can be bound again), kills Prism, and can be called twice", async () => {
    const { port } = mock;
    const pid = mock.prism!.pid;
    await Promise.all([mock.stop(), mock.stop()]);
    expect(await canBind(port)).toBe(true);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe("errors", () => {
  it("a port in use fails at once with a helpful message", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    // "At once": this message comes from the check that runs before Prism is started (Prism's
    // own failure would say something else), so no clock is needed to tell.
    await expect(startMock({ api: "enterprise-manager", engine: "prism", port })).rejects.toThrow(
      `port ${port} on 127.0.0.1 is in use`,
    );
    blocker.close();
  });

  it("an unknown api is refused", async () => {
    await expect(startMock({ api: "vb365" as never, port: 0 })).rejects.toThrow(
      `unknown api "vb365": use enterprise-manager or backup-for-azure or backup-replication`,
    );
  });
});
