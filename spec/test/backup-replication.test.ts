// Structural checks of the bundled Backup & Replication document (spec/dist/backup-replication.json).
// The JSON examples are validated against their schemas by the Redocly lint (veeam/json-examples-valid);
// spec/test/backup-replication-compat.test.ts compares the document with Veeam's own.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { deref, loadBundled, operationsOf, type Json } from "./load.js";

const doc = loadBundled("backup-replication");
const ops = operationsOf(doc);
const schemas = (doc.components as Json).schemas as Json;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addFormat("password", true);
ajv.addSchema({ ...doc, $id: "vbr.json" });
const validator = (name: string) => ajv.compile({ $ref: `vbr.json#/components/schemas/${name}` });

describe("backup-replication: document", () => {
  it("is OpenAPI 3.1 on https://{host}:{port} with 9419 by default", () => {
    expect(doc.openapi).toBe("3.1.0");
    const [server] = doc.servers as Json[];
    expect(server?.url).toBe("https://{host}:{port}");
    expect(((server?.variables as Json).port as Json).default).toBe("9419");
  });

  it("has the eleven operations, named, tagged and described with the Veeam operation they follow", () => {
    expect(ops.map((o) => `${o.method.toUpperCase()} ${o.path} ${String(o.op.operationId)}`).sort()).toEqual(
      [
        "POST /api/oauth2/token createAccessToken",
        "POST /api/oauth2/logout logOut",
        "POST /api/oauth2/authorization_code createAuthorizationCode",
        "GET /api/v1/sessions listSessions",
        "GET /api/v1/sessions/{id} getSession",
        "GET /api/v1/sessions/{id}/logs getSessionLogs",
        "POST /api/v1/sessions/{id}/stop stopSession",
        "GET /api/v1/sessions/{id}/taskSessions listSessionTaskSessions",
        "GET /api/v1/taskSessions listTaskSessions",
        "GET /api/v1/taskSessions/{id} getTaskSession",
        "GET /api/v1/taskSessions/{id}/logs getTaskSessionLogs",
      ].sort(),
    );
    for (const { op } of ops) expect(String(op.description), String(op.operationId)).toMatch(/Reference — `[A-Z]\w+`/);
  });

  it("marks with x-since / x-until (revisions it describes) what not every revision has", () => {
    const revisions = Object.values(
      (deref<Json>(doc, { $ref: "#/components/parameters/ApiVersion" }).examples ?? {}) as Json,
    ).map((e) => (e as Json).value);
    const marks = Object.fromEntries(
      ops.flatMap(({ op }) =>
        ["x-since", "x-until"].filter((k) => k in op).map((k) => [`${String(op.operationId)} ${k}`, op[k]]),
      ),
    );
    for (const value of Object.values(marks)) expect(revisions).toContain(value);
    expect(marks).toEqual({
      "createAuthorizationCode x-since": "1.1-rev0",
      "createAuthorizationCode x-until": "1.2-rev1",
      "listSessionTaskSessions x-since": "1.2-rev1",
      "listTaskSessions x-since": "1.2-rev1",
      "getTaskSession x-since": "1.2-rev1",
      "getTaskSessionLogs x-since": "1.2-rev1",
    });
  });

  it("marks the schema members not every revision has (the simulator leaves them out of older answers)", () => {
    const revisions = Object.values(
      (deref<Json>(doc, { $ref: "#/components/parameters/ApiVersion" }).examples ?? {}) as Json,
    ).map((e) => (e as Json).value);
    const marks: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries((doc.components as Json).schemas as Json))
      for (const [member, p] of Object.entries(((schema as Json).properties ?? {}) as Json))
        for (const k of ["x-since", "x-until"]) if (k in (p as Json)) marks[`${name}.${member} ${k}`] = (p as Json)[k];
    for (const value of Object.values(marks)) expect(revisions).toContain(value);
    expect(marks).toEqual({
      "SessionModel.activityId x-until": "1.1-rev0",
      "SessionModel.jobId x-since": "1.2-rev1",
      "SessionModel.platformName x-since": "1.2-rev1",
      "SessionModel.platformId x-since": "1.2-rev1",
      "SessionModel.initiatedBy x-since": "1.3-rev0",
      "SessionModel.relatedSessionId x-since": "1.3-rev1",
      "SessionLogRecordModel.additionalInfo x-since": "1.3-rev0",
      "SessionProgress.progressPercent x-since": "1.3-rev0",
      "SessionModel.algorithm x-since": "1.3-rev2",
      "SessionModel.progress x-since": "1.3-rev2",
      "SessionModel.originalSessionId x-since": "1.3-rev2",
      "SessionModel.retryInfo x-since": "1.3-rev2",
      "BackupTaskSessionModel.platformType x-since": "1.3-rev2",
      "BackupTaskSessionModel.platformId x-since": "1.3-rev2",
    });
  });

  it("takes a required x-api-version header on every operation, the token request included", () => {
    for (const { op } of ops) {
      const header = ((op.parameters as Json[]) ?? [])
        .map((p) => deref<Json>(doc, p))
        .find((p) => p.in === "header" && p.name === "x-api-version");
      expect(header?.required, String(op.operationId)).toBe(true);
      expect((header?.schema as Json).default).toBe("1.3-rev1");
    }
  });

  it("needs a bearer token everywhere but the token request, whose body is a form", () => {
    for (const { op } of ops) {
      const security = (op.security ?? doc.security) as Json[];
      if (op.operationId === "createAccessToken") {
        expect(security).toEqual([]);
        expect(Object.keys((deref<Json>(doc, op.requestBody).content as Json) ?? {})).toEqual([
          "application/x-www-form-urlencoded",
        ]);
      } else expect(security.map((s) => Object.keys(s)[0])).toEqual(["BearerAuth", "OAuth2Password"]);
    }
  });

  it("answers 400, 401, 403, 404 and 500 with the Error schema and an example, and 2xx with examples", () => {
    for (const { op } of ops) {
      const responses = op.responses as Json;
      for (const code of ["400", "401", "403", "404", "500"]) {
        const media = (deref<Json>(doc, responses[code]).content as Json)["application/json"] as Json;
        expect(media.schema, `${String(op.operationId)} ${code}`).toEqual({ $ref: "#/components/schemas/Error" });
        expect(Object.keys(media.examples as Json).length).toBeGreaterThan(0);
      }
      const ok = deref<Json>(doc, responses["200"]);
      const media = (ok.content as Json)["application/json"] as Json;
      expect(Object.keys((media.examples as Json) ?? {}).length, String(op.operationId)).toBeGreaterThan(0);
    }
  });

  it("every schema and parameter names the part of Veeam's reference it follows (or says it is ours)", () => {
    for (const [name, s] of Object.entries(schemas))
      expect(String((s as Json).description), name).toMatch(/Reference —|Not a Veeam schema name/);
  });
});

describe("backup-replication: schemas", () => {
  it("session type, state and result are open; the task session kinds are told apart by type", () => {
    const session = validator("SessionModel");
    const base = {
      id: "c924ee2f-1197-4b37-8de3-009c1977f347",
      name: "Backup Job 1",
      sessionType: "BackupJob",
      state: "Stopped",
      creationTime: "2023-12-04T06:13:34.983+01:00",
      usn: 0,
    };
    expect(session(base)).toBe(true);
    expect(session({ ...base, sessionType: "SomethingIn14", state: "Hibernating", result: { result: "Odd" } })).toBe(
      true,
    );
    expect(session({ ...base, usn: "0" })).toBe(false);
    expect(session({ ...base, creationTime: "04.12.2023 06:13" })).toBe(false);
    const { name: _, ...nameless } = base;
    expect(session(nameless)).toBe(false);

    const task = validator("TaskSessionModel");
    const common = {
      id: base.id,
      sessionId: base.id,
      sessionType: "BackupJob",
      creationTime: "2024-11-09T18:00:30.407023",
      name: "vm1",
    };
    expect(task({ ...common, type: "Backup", state: "Stopped", usn: 1 })).toBe(true);
    expect(task({ ...common, type: "Antivirus", scanType: "Yara", scanResult: "Clean", scanState: "Finished" })).toBe(
      true,
    );
    expect(task({ ...common, type: "Antivirus", state: "Stopped", usn: 1 })).toBe(false);
    expect(task({ ...common, type: "Tape", state: "Stopped", usn: 1 })).toBe(false);
  });

  it("the token form is one of three grants, in either of Veeam's spellings", () => {
    const form = validator("TokenLoginSpec");
    expect(form({ grant_type: "password", username: "a", password: "b" })).toBe(true);
    expect(form({ grant_type: "Password", username: "a", password: "b" })).toBe(true);
    expect(form({ grant_type: "refresh_token", refresh_token: "r" })).toBe(true);
    expect(form({ grant_type: "authorization_code", code: "c" })).toBe(true);
    expect(form({ grant_type: "password", refresh_token: "r" })).toBe(false);
    expect(form({ grant_type: "client_credentials" })).toBe(false);
  });

  it("never closes a schema with additionalProperties: false (revisions add fields)", () => {
    expect(JSON.stringify(schemas)).not.toMatch(/"additionalProperties":false/);
  });
});
