// EM 13 answers JSON in camelCase; the client hands the caller the schema's names (the types'
// shape) whatever the server version. A real HTTP server on loopback plays EM 13: every
// operation's JSON example, re-cased with the spec's rule, logon and errors included.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { toCamel } from "@veeam-sessions/spec/casing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnterpriseManagerClient, type EnterpriseManagerClient } from "../../src/index.js";
import { deref, loadSpec, operations } from "../helpers/spec.js";

const doc = loadSpec("enterprise-manager");
const ops = operations(doc).filter((o) => o.examples["application/json"] !== undefined);
const TOKEN = "dG9rZW4tZnJvbS1lbS0xMw==";
const error404 = deref(doc, doc.components.examples.Error404).value as Record<string, unknown>;
// The logon session's GUID, as the logon example the server sends carries it.
const LOGON_GUID = (ops.find((o) => o.operationId === "logOn")!.examples["application/json"] as { SessionId: string })
  .SessionId;

let server: http.Server;
let base: string;
const deleted: string[] = [];
let client: EnterpriseManagerClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = new URL(req.url!, "http://x").pathname.replace(/^\/api/, "") || "/";
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers })
        .end(JSON.stringify(toCamel(body)));
    if (path.includes("00000000-0000-0000-0000-000000000000")) return json(404, error404);
    if (req.method === "DELETE" && path.startsWith("/logonSessions/")) {
      deleted.push(path);
      return void res.writeHead(204).end();
    }
    const op = ops.find((o) => o.method === req.method && o.pattern.test(path));
    if (!op) return json(404, error404);
    const headers: Record<string, string> = op.operationId === "logOn" ? { "x-restsvcsessionid": TOKEN } : {};
    json(op.status, op.examples["application/json"], headers);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  client = createEnterpriseManagerClient({ baseUrl: base, auth: { username: "u", password: "p" }, format: "json" });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const send = (op: (typeof ops)[number]) => {
  const params: { path?: Record<string, string>; query?: Record<string, string> } = {};
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  if (names.length) params.path = Object.fromEntries(names.map((n) => [n, "0bcf5a1e-866c-4b40-8bc3-ce64753b9a6b"]));
  if (op.operationId === "querySessions") params.query = { type: "BackupJobSession" };
  if (op.operationId === "stopBackupSession") params.query = { action: "stop" };
  return (
    client.request as unknown as (m: string, p: string, i: unknown) => Promise<{ data?: unknown; error?: unknown }>
  )(op.method, op.path, { params });
};

describe("Enterprise Manager 13 (camelCase JSON)", () => {
  it("the server really answers camelCase", async () => {
    const r = await fetch(`${base}/backupSessions/x`, { headers: { accept: "application/json" } });
    expect(Object.keys((await r.json()) as object)).toContain("jobUid");
  });

  it.each(ops.filter((o) => o.operationId !== "logOff").map((o) => [`${o.method} ${o.path}`, o] as const))(
    "%s gives the schema's names, as an EM 12 server would",
    async (_, op) => {
      const { data, error } = await send(op);
      expect(error).toBeUndefined();
      expect(data).toEqual(op.examples["application/json"]);
    },
  );

  it("error bodies too", async () => {
    const { error } = await client.GET("/backupSessions/{ID}", {
      params: { path: { ID: "00000000-0000-0000-0000-000000000000" } },
    });
    expect(error).toEqual(error404);
    expect(error).toHaveProperty("StatusCode", 404);
  });

  it("logs off with the logon session's id read from a camelCase logon answer", async () => {
    await client.logon();
    await client.logout();
    expect(deleted).toEqual([`/logonSessions/${LOGON_GUID}`]);
  });
});
