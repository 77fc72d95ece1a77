import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createBackupForAzureClient,
  createEnterpriseManagerClient,
  errorOf,
  unwrap,
  VeeamApiError,
} from "../../src/index.js";
import { AZ_PASSWORD, AZ_USER, bothServersForThisFile, EM_PASSWORD, EM_USER } from "../helpers/servers.js";

const servers = bothServersForThisFile(3);

/** Everything an error could leak through: message, stack, own properties, cause chain. */
function everything(error: VeeamApiError): string {
  const causes: string[] = [];
  for (let c: unknown = error.cause; c instanceof Error; c = c.cause) causes.push(c.message);
  return [
    error.message,
    error.stack,
    JSON.stringify(error),
    String(error.raw),
    JSON.stringify(error.body),
    ...causes,
  ].join("\n");
}

describe("HTTP errors", () => {
  it("an EM 404 is an error result; unwrap() turns it into a VeeamApiError with status, operation, URL, body and raw text", async () => {
    for (const format of ["xml", "json"] as const) {
      const c = createEnterpriseManagerClient({
        baseUrl: `${servers.em.url}/api`,
        auth: { username: EM_USER, password: EM_PASSWORD },
        format,
      });
      const result = await c.GET("/backupSessions/{ID}", {
        params: { path: { ID: "00000000-0000-0000-0000-000000000000" } },
      });
      expect(result.error?.StatusCode).toBe(404);
      const error = (() => {
        try {
          unwrap(result);
        } catch (e) {
          return e as VeeamApiError;
        }
        throw new Error("unwrap did not throw");
      })();
      expect(error).toBeInstanceOf(VeeamApiError);
      expect(error).toMatchObject({
        kind: "http",
        status: 404,
        operationId: "getBackupSession",
        method: "GET",
        mediaType: `application/${format}`,
      });
      expect(error.url).toBe(`${servers.em.url}/api/backupSessions/00000000-0000-0000-0000-000000000000`);
      expect(error.body).toEqual(result.error);
      expect(error.raw).toContain(format === "xml" ? "<Error " : '"StatusCode":404');
      expect(error.message).toContain("was not found");
      const all = everything(error);
      for (const secret of [EM_PASSWORD, ...servers.em.sessions]) expect(all).not.toContain(secret);
    }
  });

  it("an Azure problem+json error keeps its fields", async () => {
    const c = createBackupForAzureClient({
      baseUrl: `${servers.az.url}/api/v1`,
      auth: { username: AZ_USER, password: AZ_PASSWORD },
    });
    const result = await c.GET("/jobSessions/{sessionId}", { params: { path: { sessionId: "nope" } } });
    expect(result.response.status).toBe(404);
    const error = errorOf(result);
    expect(error).toMatchObject({
      kind: "http",
      status: 404,
      operationId: "getJobSession",
      mediaType: "application/problem+json",
      body: { title: "Job session not found", status: 404 },
    });
    expect(everything(error)).not.toContain("access-");
  });
});

describe("no answer", () => {
  let slow: { url: string; close: () => void };
  beforeAll(async () => {
    // Answers after 60 s: any answer before that is the client's own timeout or abort.
    const server = createServer((_req, res) => {
      const timer = setTimeout(() => res.end("{}"), 60_000);
      res.on("close", () => clearTimeout(timer));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    slow = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  });
  afterAll(() => slow.close());

  it("timeoutMs gives kind timeout (the logon too), without the password", async () => {
    const c = createEnterpriseManagerClient({
      baseUrl: `${slow.url}/api`,
      auth: { username: EM_USER, password: EM_PASSWORD },
      timeoutMs: 100,
    });
    const error = (await c.GET("/replicaSessions").catch((e: unknown) => e)) as VeeamApiError;
    expect(error).toMatchObject({ kind: "timeout", operationId: "logOn" });
    expect(everything(error)).not.toContain(EM_PASSWORD);
  });

  it("a timeout on a normal call names the operation", async () => {
    const c = createEnterpriseManagerClient({
      baseUrl: `${slow.url}/api`,
      auth: { sessionId: "c2Vzc2lvbi1pZC1zZWNyZXQ=" },
      timeoutMs: 100,
    });
    const error = (await c
      .GET("/replicaSessions/{ID}", { params: { path: { ID: "x" } } })
      .catch((e: unknown) => e)) as VeeamApiError;
    expect(error).toMatchObject({ kind: "timeout", operationId: "getReplicaSession", method: "GET" });
    expect(everything(error)).not.toContain("c2Vzc2lvbi1pZC1zZWNyZXQ=");
    expect(everything(error)).not.toContain("session-id-secret");
  });

  it("the caller's AbortSignal gives kind aborted", async () => {
    const c = createEnterpriseManagerClient({
      baseUrl: `${slow.url}/api`,
      auth: { sessionId: "c2Vzc2lvbi1pZC1zZWNyZXQ=" },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(c.GET("/replicaSessions", { signal: controller.signal })).rejects.toMatchObject({
      kind: "aborted",
      operationId: "listReplicaSessions",
    });
  });

  it("a refused connection gives kind network", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const c = createBackupForAzureClient({
      baseUrl: `http://127.0.0.1:${port}/api/v1`,
      auth: { username: AZ_USER, password: AZ_PASSWORD },
    });
    const error = (await c.GET("/jobSessions").catch((e: unknown) => e)) as VeeamApiError;
    expect(error).toMatchObject({ kind: "network", operationId: "createToken" });
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(everything(error)).not.toContain(AZ_PASSWORD);
  });
});
