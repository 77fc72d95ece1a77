import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBackupForAzureClient, tokenUrlFor, VeeamApiError } from "../../src/index.js";
import { AZ_PASSWORD, AZ_USER, startBackupForAzure, type FakeAzure } from "../helpers/servers.js";

let az: FakeAzure;
beforeAll(async () => {
  az = await startBackupForAzure(5);
});
afterAll(() => az.close());
beforeEach(() => {
  az.requests.length = 0;
  az.expiresIn = 3600;
});

function client(now?: () => number) {
  return createBackupForAzureClient({
    baseUrl: `${az.url}/api/v1`,
    auth: { username: AZ_USER, password: AZ_PASSWORD },
    ...(now ? { now } : {}),
  });
}

describe("Backup for Azure tokens", () => {
  it("the token endpoint has no version segment", () => {
    expect(tokenUrlFor("https://vbaz.example/api/v1")).toBe("https://vbaz.example/api/oauth2/token");
    expect(tokenUrlFor("https://vbaz.example/api/v8.1/")).toBe("https://vbaz.example/api/oauth2/token");
  });

  it("gets a token with the password grant, then sends it as a bearer token", async () => {
    const c = client();
    const { data } = await c.GET("/jobSessions/{sessionId}", { params: { path: { sessionId: "39" } } });
    expect(data).toMatchObject({ id: "39", executionDuration: "00:02:47.7726740" });
    const [grant, call] = az.requests;
    expect(grant).toMatchObject({ method: "POST", url: "/api/oauth2/token" });
    expect(Object.fromEntries(new URLSearchParams(grant!.body))).toEqual({
      grant_type: "Password",
      Username: AZ_USER,
      Password: AZ_PASSWORD,
    });
    expect(call!.headers.authorization).toMatch(/^Bearer access-\d+-/);
    expect(c.grants).toEqual({ password: 1, refresh: 0 });
  });

  it("refreshes before expiry (skew) with one refresh for 20 concurrent callers", async () => {
    let clock = 1_000_000;
    const c = client(() => clock);
    az.expiresIn = 120;
    await c.logon();
    clock += 70_000; // 50 s left: inside the 60 s skew
    const results = await Promise.all(Array.from({ length: 20 }, () => c.GET("/jobSessions")));
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(c.grants).toEqual({ password: 1, refresh: 1 });
    const refresh = az.requests.filter((r) => r.body.includes("Refresh_token"));
    expect(refresh).toHaveLength(1);
  });

  it("a revoked access token (401) is refreshed once and the call retried", async () => {
    const c = client();
    await c.logon();
    az.revokeAccess();
    az.requests.length = 0;
    const results = await Promise.all(Array.from({ length: 10 }, () => c.GET("/jobSessions")));
    expect(results.map((r) => r.response.status)).toEqual(Array(10).fill(200));
    expect(az.requests.filter((r) => r.url === "/api/oauth2/token")).toHaveLength(1);
  });

  it("falls back to the password grant when the refresh token is refused", async () => {
    let clock = 5_000_000;
    const c = client(() => clock);
    az.expiresIn = 60;
    await c.logon();
    az.revokeRefresh();
    clock += 61_000;
    const { response } = await c.GET("/jobSessions");
    expect(response.status).toBe(200);
    expect(c.grants).toEqual({ password: 2, refresh: 0 });
    const grants = az.requests
      .filter((r) => r.url === "/api/oauth2/token")
      .map((r) => new URLSearchParams(r.body).get("grant_type"));
    expect(grants).toEqual(["Password", "Refresh_token", "Password"]);
  });

  it("a refused password is an auth error without the password", async () => {
    const c = createBackupForAzureClient({
      baseUrl: `${az.url}/api/v1`,
      auth: { username: AZ_USER, password: "not-the-password-42" },
    });
    const error = (await c.GET("/jobSessions").catch((e: unknown) => e)) as VeeamApiError;
    expect(error).toBeInstanceOf(VeeamApiError);
    expect(error).toMatchObject({ kind: "auth", status: 400, operationId: "createToken" });
    expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain("not-the-password-42");
  });

  it("logout revokes the token at the unversioned endpoint", async () => {
    const c = client();
    await c.logon();
    await c.logout();
    const del = az.requests.find((r) => r.method === "DELETE")!;
    expect(del.url).toBe("/api/oauth2/token");
    expect(del.headers.authorization).toMatch(/^Bearer access-/);
    await c.GET("/jobSessions");
    expect(c.grants.password).toBe(2);
  });

  it("stop answers 204 without a body", async () => {
    const c = client();
    const { data, error, response } = await c.POST("/jobSessions/{sessionId}/stop", {
      params: { path: { sessionId: "101" } },
    });
    expect(response.status).toBe(204);
    expect(data).toBeUndefined();
    expect(error).toBeUndefined();
  });
});

describe("Backup for Azure MFA", () => {
  it("the MFA challenge (mfa_token instead of tokens) is a clear auth error that never shows the mfa_token", async () => {
    const mfaToken = "0f9e8d7c6b5a49382716a5b4c3d2e1f0";
    az.override = (req, res) => {
      if (req.url !== "/api/oauth2/token" || req.method !== "POST") return false;
      // The answer Veeam documents for a user with MFA enabled (spec example TokenResponseMfa).
      const body = JSON.stringify({
        access_token: null,
        token_type: null,
        expires_in: 0,
        mfa_enabled: true,
        mfa_token: mfaToken,
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
      return true;
    };
    try {
      const error = await client()
        .logon()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(VeeamApiError);
      expect(error).toMatchObject({ kind: "auth", status: 200, operationId: "createToken" });
      expect((error as Error).message).toMatch(/multi-factor authentication is enabled for restadmin/);
      expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(mfaToken);
    } finally {
      az.override = undefined;
    }
  });
});
