// Structural checks on the bundled Enterprise Manager document (spec/dist/enterprise-manager.json).
import { readFileSync } from "node:fs";
// The contract package's ajv setup (built by turbo before this test; spec cannot depend on
// the contract package, which depends on it).
import { ajvForDocument, rebase as rebaseFor } from "../../packages/contract/dist/ajv.js";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { deref, loadBundled, operationsOf, type Json } from "./load.js";
import { seedsOrSkip } from "./seeds.js";

const doc = loadBundled("enterprise-manager");
const ops = operationsOf(doc);
const EM_NS = "http://www.veeam.com/ent/v1.0";
const MEDIA = ["application/xml", "application/json"];

const EXPECTED: Array<[string, string, string, string]> = [
  ["get", "/", "getEntryPoint", "Authentication"],
  ["post", "/sessionMngr/", "logOn", "Authentication"],
  ["delete", "/logonSessions/{SessionId}", "logOff", "Authentication"],
  ["get", "/backupSessions", "listBackupSessions", "Backup Sessions"],
  ["get", "/backupSessions/{ID}", "getBackupSession", "Backup Sessions"],
  ["post", "/backupSessions/{ID}", "stopBackupSession", "Backup Sessions"],
  ["get", "/backupSessions/{ID}/taskSessions", "listBackupTaskSessions", "Backup Sessions"],
  ["get", "/backupTaskSessions/{ID}", "getBackupTaskSession", "Backup Sessions"],
  ["get", "/replicaSessions", "listReplicaSessions", "Replica Sessions"],
  ["get", "/replicaSessions/{ID}", "getReplicaSession", "Replica Sessions"],
  ["get", "/replicaSessions/{ID}/replicaTaskSessions", "listReplicaTaskSessions", "Replica Sessions"],
  ["get", "/replicaTaskSessions/{ID}", "getReplicaTaskSession", "Replica Sessions"],
  ["get", "/cdpReplicaSessions/{ID}", "getCdpReplicaSession", "CDP Replica Sessions"],
  ["get", "/cdpReplicaTaskSessions/{ID}", "getCdpReplicaTaskSession", "CDP Replica Sessions"],
  ["get", "/query", "querySessions", "Query"],
  ["get", "/tasks/{ID}", "getTask", "Tasks"],
  ["get", "/logonSessions", "listLogonSessions", "Authentication"],
  ["get", "/logonSessions/{SessionId}", "getLogonSession", "Authentication"],
  ["get", "/backupTaskSessions", "listAllBackupTaskSessions", "Backup Sessions"],
  ["get", "/agents/backupSessions", "listAgentBackupSessions", "Backup Sessions"],
  ["get", "/backupSessions/{ID}/agentManagementSessions", "listAgentManagementSessions", "Backup Sessions"],
  ["get", "/nas/backupSessions", "listNasBackupSessions", "Backup Sessions"],
  ["get", "/nas/jobs/{ID}/backupSessions", "listNasJobBackupSessions", "Backup Sessions"],
  ["get", "/replicaTaskSessions", "listAllReplicaTaskSessions", "Replica Sessions"],
  ["get", "/cdpReplicaSessions", "listCdpReplicaSessions", "CDP Replica Sessions"],
  ["get", "/cdpPolicies/{ID}/cdpReplicaSessions", "listCdpPolicySessions", "CDP Replica Sessions"],
  ["get", "/cdpReplicaSessions/{ID}/cdpReplicaTaskSessions", "listCdpReplicaTaskSessions", "CDP Replica Sessions"],
  ["get", "/cdpReplicaTaskSessions", "listAllCdpReplicaTaskSessions", "CDP Replica Sessions"],
  ["get", "/restoreSessions", "listRestoreSessions", "Restore Sessions"],
  ["get", "/restoreSessions/{ID}", "getRestoreSession", "Restore Sessions"],
  ["get", "/systemSessions", "listSystemSessions", "System Sessions"],
  ["get", "/systemSessions/{ID}", "getSystemSession", "System Sessions"],
  ["get", "/systemSessions/{ID}/events", "listSystemSessionEvents", "System Sessions"],
  ["get", "/cloud/failoverSessions", "listCloudFailoverSessions", "Cloud Failover Sessions"],
  ["get", "/cloud/failoverSessions/{ID}", "getCloudFailoverSession", "Cloud Failover Sessions"],
  ["get", "/tasks", "listTasks", "Tasks"],
  ["delete", "/tasks/{ID}", "deleteTask", "Tasks"],
  ["get", "/querySvc", "getQueryService", "Query"],
];

/** Every response body of every operation, dereferenced, with where it is. */
/** Every response body, and every request body (status `request`: a tenant's logon, issue 24 E3). */
function bodies(): Array<{ where: string; status: string; content: Record<string, Json> }> {
  const out = [];
  for (const { method, path, op } of ops) {
    if (op.requestBody)
      out.push({
        where: `${method.toUpperCase()} ${path} request`,
        status: "request",
        content: deref(doc, op.requestBody).content as Record<string, Json>,
      });
    for (const [status, r] of Object.entries(op.responses as Json)) {
      const response = deref(doc, r);
      if (response.content)
        out.push({
          where: `${method.toUpperCase()} ${path} ${status}`,
          status,
          content: response.content as Record<string, Json>,
        });
    }
  }
  return out;
}

/** The element names (and namespaces) a schema accepts as XML root: anyOf/oneOf give several. */
function roots(schema: Json): Array<{ name: string; namespace: unknown }> {
  const alternatives = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (alternatives) return alternatives.flatMap((s) => roots(s));
  const resolved = deref(doc, schema);
  const xml = (resolved.xml ?? {}) as Json;
  const fromRef = typeof schema.$ref === "string" ? schema.$ref.split("/").pop() : undefined;
  return [{ name: String((xml.name as string | undefined) ?? fromRef), namespace: xml.namespace }];
}

describe("Enterprise Manager: operations", () => {
  it("has exactly the 38 documented operations, with operationId and tag", () => {
    const found = ops.map(({ method, path, op }) => [method, path, op.operationId, (op.tags as string[])[0]]);
    expect(found).toEqual(expect.arrayContaining(EXPECTED));
    expect(found).toHaveLength(EXPECTED.length);
  });

  it.each(ops.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))(
    "%s has summary, description and one tag",
    (_, { op }) => {
      expect(op.summary).toEqual(expect.any(String));
      expect(String(op.description).length).toBeGreaterThan(20);
      expect(op.tags).toHaveLength(1);
    },
  );

  it("every operation, parameter and schema names the reference page it follows (x-veeam-reference)", () => {
    for (const { method, path, op } of ops) {
      expect(op["x-veeam-reference"], `${method} ${path}`).toMatch(/\.md\b/);
    }
    const components = doc.components as Record<string, Record<string, Json>>;
    for (const [name, schema] of Object.entries(components.schemas!)) {
      expect(schema["x-veeam-reference"], `schema ${name}`).toMatch(/\.md\b/);
    }
    for (const [name, parameter] of Object.entries(components.parameters ?? {})) {
      if (["ID", "Page", "PageSize", "StopAction", "ApiVersion"].includes(name)) continue;
      expect(parameter["x-veeam-reference"], `parameter ${name}`).toMatch(/\.md\b/);
    }
  });

  it("request parameters the server reads case-insensitively have no enum", () => {
    for (const { method, path, op } of ops) {
      for (const p of (op.parameters ?? []) as Json[]) {
        const parameter = deref(doc, p);
        if (parameter.in !== "query" || parameter.name === "action") continue;
        expect(
          deref(doc, parameter.schema as Json).enum,
          `${method} ${path} ${String(parameter.name)}`,
        ).toBeUndefined();
      }
    }
  });

  it("authenticates as Enterprise Manager does: none for /, Basic for logon, the session id elsewhere", () => {
    expect(doc.security).toEqual([{ RestSvcSessionId: [] }, { RestSvcSessionCookie: [] }]);
    const schemes = (doc.components as Json).securitySchemes as Record<string, Json>;
    expect(schemes.BasicAuth).toMatchObject({ type: "http", scheme: "basic" });
    expect(schemes.RestSvcSessionId).toMatchObject({ type: "apiKey", in: "header", name: "X-RestSvcSessionId" });
    expect(schemes.RestSvcSessionCookie).toMatchObject({ type: "apiKey", in: "cookie", name: "X-RestSvcSessionId" });
    for (const { path, method, op } of ops) {
      if (path === "/") expect(op.security).toEqual([]);
      else if (path === "/sessionMngr/") expect(op.security).toEqual([{ BasicAuth: [] }]);
      else expect(op.security, `${method} ${path} must inherit the session id`).toBeUndefined();
    }
  });

  it("logon answers 201 with the X-RestSvcSessionId header; 401s carry WWW-Authenticate", () => {
    const logon = ops.find((o) => o.op.operationId === "logOn")!.op;
    const created = deref(doc, (logon.responses as Json)["201"]);
    expect(Object.keys(created.headers as Json)).toContain("X-RestSvcSessionId");
    for (const { where, status } of bodies().filter((b) => b.status === "401")) {
      const { op } = ops.find((o) => where.startsWith(`${o.method.toUpperCase()} ${o.path} `))!;
      const unauthorized = deref(doc, (op.responses as Json)["401"]);
      expect(Object.keys(unauthorized.headers as Json), `${where} (${status})`).toContain("WWW-Authenticate");
    }
  });

  it("every operation but the entry point documents 400/401/403/500, and resources 404", () => {
    for (const { path, op } of ops) {
      const codes = Object.keys(op.responses as Json);
      if (path === "/") continue;
      expect(codes, path).toEqual(
        expect.arrayContaining(["400", "401", "403", "500"].filter((c) => c !== "400" || op.operationId !== "logOff")),
      );
      if (path.includes("{")) expect(codes, path).toContain("404");
    }
  });

  it("types the filter and state parameters with enums", () => {
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    for (const type of ["BackupJobSessionQueryFields", "ReplicaJobSessionQueryFields"]) {
      const props = schemas[type]!.properties as Record<string, Json>;
      for (const field of ["JobType", "State", "Result"]) {
        expect(deref<Json>(doc, props[field]).enum, `${type}.${field}`).toEqual(expect.any(Array));
      }
    }
    const query = ops.find((o) => o.op.operationId === "querySessions")!.op;
    const names = (query.parameters as Json[]).map((p) => deref(doc, p).name);
    expect(names).toEqual(["type", "format", "filter", "sortAsc", "sortDesc", "pageSize", "page"]);
  });
});

describe("Enterprise Manager: bodies in XML and JSON", () => {
  const all = bodies();

  it("every body offers application/xml and application/json with the same schema and an example each", () => {
    expect(all.length).toBeGreaterThan(60);
    for (const { where, content } of all) {
      expect(Object.keys(content).sort(), where).toEqual([...MEDIA].sort());
      expect(content["application/xml"]!.schema, where).toEqual(content["application/json"]!.schema);
      for (const mt of MEDIA) {
        const examples = content[mt]!.examples as Json | undefined;
        expect(examples && Object.keys(examples).length, `${where} ${mt}`).toBeGreaterThan(0);
      }
      expect(Object.keys(content["application/xml"]!.examples as Json), where).toEqual(
        Object.keys(content["application/json"]!.examples as Json),
      );
    }
  });

  const xmlExamples = all.flatMap(({ where, content }) =>
    Object.entries(content["application/xml"]!.examples as Json).map(([key, ex]) => ({
      where: `${where} ${key}`,
      schema: content["application/xml"]!.schema as Json,
      value: deref(doc, ex).value as string,
    })),
  );

  it.each(xmlExamples.map((e) => [e.where, e] as const))(
    "XML example of %s is well-formed, with the schema's root element and namespace",
    (_, { schema, value }) => {
      expect(typeof value).toBe("string");
      expect(XMLValidator.validate(value)).toBe(true);
      expect(value).not.toMatch(/<!DOCTYPE/i);
      const parsed = new XMLParser({
        ignoreAttributes: false,
        ignoreDeclaration: true,
        attributeNamePrefix: "@",
      }).parse(value) as Json;
      const [rootName] = Object.keys(parsed);
      const root = parsed[rootName!] as Json;
      const expected = roots(schema);
      expect(expected.map((r) => r.name)).toContain(rootName);
      expect(root["@xmlns"]).toBe(EM_NS);
      expect(expected.find((r) => r.name === rootName)!.namespace).toBe(EM_NS);
    },
  );

  const ajv = ajvForDocument(doc, "bundle");
  const rebase = (schema: unknown): Json => rebaseFor(schema as Json, "bundle");

  const jsonExamples = all.flatMap(({ where, content }) =>
    Object.entries(content["application/json"]!.examples as Json).map(([key, ex]) => ({
      where: `${where} ${key}`,
      schema: content["application/json"]!.schema as Json,
      value: deref(doc, ex).value,
    })),
  );

  it.each(jsonExamples.map((e) => [e.where, e] as const))(
    "JSON example of %s is valid against its schema",
    (_, { schema, value }) => {
      const validate = ajv.compile(rebase(schema));
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    },
  );
});

describe("Enterprise Manager: seed examples", () => {
  const seeds: Array<[string, string, string]> = [
    ["000_2e627e934c1db92a.txt", "getReplicaSession", "ReplicaJobSession"],
    ["001_eb72a36fdbecd332.txt", "listReplicaTaskSessions", "ReplicaTaskSessions"],
    ["002_a8caef8668bb2599.txt", "getBackupSession", "BackupJobSession"],
    ["003_3e6492074b76f294.txt", "getCdpReplicaTaskSession", "CdpReplicaTaskSession"],
  ];

  // The seed pages indent with U+00A0 (copied from HTML); a server indents with spaces. The
  // examples the mock serves use spaces and must equal the seed bodies modulo that.
  it.for(seeds)("%s is the XML example of %s, with U+00A0 made plain spaces", ([file, operationId, root], ctx) => {
    const page = readFileSync(new URL(file, seedsOrSkip(ctx)), "utf8");
    const start = page.includes("<?xml") ? page.indexOf("<?xml") : page.indexOf(`<${root}`);
    const end = page.indexOf(`</${root}>`, start) + `</${root}>`.length;
    const seedXml = page.slice(start, end);
    expect(seedXml).toContain("\u00a0");
    const { op } = ops.find((o) => o.op.operationId === operationId)!;
    const content = deref(doc, (op.responses as Json)["200"]).content as Record<string, Json>;
    const values = Object.values(content["application/xml"]!.examples as Json).map((e) => deref(doc, e).value);
    expect(values).toContain(seedXml.replaceAll("\u00a0", " "));
  });

  it("no example the mock serves carries U+00A0", () => {
    for (const [name, ex] of Object.entries((doc.components as Json).examples as Record<string, Json>)) {
      expect(JSON.stringify(ex.value).includes("\u00a0") || String(ex.value).includes("\u00a0"), name).toBe(false);
    }
  });

  it("keeps the server's `repicaTaskSessions` typo in the replica session example", () => {
    const example = deref(doc, { $ref: "#/components/examples/ReplicaJobSession.xml" }).value as string;
    expect(example).toContain("/repicaTaskSessions");
  });
});
