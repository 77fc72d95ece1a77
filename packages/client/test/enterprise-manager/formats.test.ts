import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEnterpriseManagerClient, VeeamApiError, type EnterpriseManagerClient } from "../../src/index.js";
import { EM_PASSWORD, EM_USER, startEnterpriseManager, type FakeEnterpriseManager } from "../helpers/servers.js";
import { loadSpec, operations } from "../helpers/spec.js";

let em: FakeEnterpriseManager;
let xml: EnterpriseManagerClient;
let json: EnterpriseManagerClient;
beforeAll(async () => {
  em = await startEnterpriseManager();
  const auth = { username: EM_USER, password: EM_PASSWORD };
  xml = createEnterpriseManagerClient({ baseUrl: `${em.url}/api`, auth, format: "xml" });
  json = createEnterpriseManagerClient({ baseUrl: `${em.url}/api`, auth, format: "json" });
});
afterAll(() => em.close());
beforeEach(() => {
  em.override = undefined;
});

// Operations that answer with a body (logOff and deleteTask answer 204).
const ops = operations(loadSpec("enterprise-manager")).filter((o) => o.status !== 204);
const basic = `Basic ${Buffer.from(`${EM_USER}:${EM_PASSWORD}`).toString("base64")}`;

function init(path: string, operationId: string) {
  const params: { path?: Record<string, string>; query?: Record<string, string> } = {};
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  if (names.length) params.path = Object.fromEntries(names.map((n) => [n, "0bcf5a1e-866c-4b40-8bc3-ce64753b9a6b"]));
  if (operationId === "querySessions") params.query = { type: "BackupJobSession" };
  if (operationId === "stopBackupSession") params.query = { action: "stop" };
  return { params, headers: operationId === "logOn" ? { Authorization: basic } : undefined };
}

describe("Enterprise Manager: the same typed data in XML and JSON", () => {
  it.each(ops.map((o) => [`${o.method} ${o.path}`, o] as const))("%s", async (_, op) => {
    const send = (c: EnterpriseManagerClient) =>
      (
        c.request as unknown as (
          m: string,
          p: string,
          i: unknown,
        ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
      )(op.method, op.path, init(op.path, op.operationId));
    const [fromXml, fromJson] = await Promise.all([send(xml), send(json)]);
    expect(fromXml.response.status).toBe(op.status);
    expect(fromXml.response.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(fromJson.response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(fromXml.error).toBeUndefined();
    // Each logon makes a new session id (header, body and links), so compare without it.
    const sameSession = (v: unknown) =>
      JSON.parse(
        JSON.stringify(v)
          .replace(/15a3fc97-0325-4119-b789-\w{12}/g, "ID")
          .replace(/"SessionId":"[^"]+"/, '"SessionId":"S"'),
      );
    expect(sameSession(fromXml.data)).toEqual(sameSession(fromJson.data));
    expect(sameSession(fromJson.data)).toEqual(sameSession(op.examples["application/json"]));
  });

  it("sends Accept for the chosen format", async () => {
    em.requests.length = 0;
    await xml.GET("/replicaSessions");
    await json.GET("/replicaSessions");
    const accepts = em.requests.filter((r) => r.url === "/api/replicaSessions").map((r) => r.headers.accept);
    expect(accepts).toEqual(["application/xml", "application/json"]);
  });

  it("error bodies decode alike: a 404 in XML and in JSON gives the same Error object", async () => {
    const ID = "00000000-0000-0000-0000-000000000000";
    const [a, b] = await Promise.all([
      xml.GET("/backupSessions/{ID}", { params: { path: { ID } } }),
      json.GET("/backupSessions/{ID}", { params: { path: { ID } } }),
    ]);
    expect(a.response.status).toBe(404);
    expect(a.error).toEqual(b.error);
    expect(a.error).toMatchObject({ StatusCode: 404, FirstChanceExceptionMessage: null, StackTrace: null });
  });
});

describe("Enterprise Manager: bad bodies are typed errors that keep the raw text", () => {
  const serve = (contentType: string, body: string, status = 200) => {
    em.override = (req, res) => {
      if (!req.url?.startsWith("/api/replicaSessions")) return false;
      res.writeHead(status, { "content-type": contentType }).end(body);
      return true;
    };
  };

  it("a DOCTYPE is refused (no entity expansion), kind malformed, with the XmlError code", async () => {
    const evil =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><EntityReferences xmlns="http://www.veeam.com/ent/v1.0">&lol;</EntityReferences>';
    serve("application/xml", evil);
    const error = (await xml.GET("/replicaSessions").catch((e: unknown) => e)) as VeeamApiError;
    expect(error).toBeInstanceOf(VeeamApiError);
    expect(error).toMatchObject({
      kind: "malformed",
      status: 200,
      operationId: "listReplicaSessions",
      method: "GET",
      raw: evil,
    });
    expect(error.message).toContain("DOCTYPE_FORBIDDEN");
  });

  it("truncated XML: kind malformed", async () => {
    serve("application/xml", '<EntityReferences xmlns="http://www.veeam.com/ent/v1.0"><Ref Type="x" Href="h"');
    await expect(xml.GET("/replicaSessions")).rejects.toMatchObject({ kind: "malformed" });
  });

  it("malformed JSON: kind malformed with the raw body", async () => {
    serve("application/json", '{"Refs": [');
    await expect(json.GET("/replicaSessions")).rejects.toMatchObject({ kind: "malformed", raw: '{"Refs": [' });
  });

  it("an unexpected media type: kind media-type", async () => {
    serve("text/html", "<html>proxy error</html>");
    await expect(json.GET("/replicaSessions")).rejects.toMatchObject({
      kind: "media-type",
      mediaType: "text/html",
      raw: "<html>proxy error</html>",
    });
  });

  it("an HTML error page from a proxy stays an error result with its raw text", async () => {
    serve("text/html", "<html>bad gateway</html>", 502);
    const { error, response } = await json.GET("/replicaSessions");
    expect(response.status).toBe(502);
    expect(error).toBe("<html>bad gateway</html>");
  });
});
