// createValidator().validateResponse(): lookups, media types, XML and JSON bodies, error shape.
import { readFileSync } from "node:fs";
import { toCamel } from "@veeam-sessions/spec/casing";
import { beforeAll, describe, expect, it } from "vitest";
import { createValidator, isLookupError, type ContractValidator, type RecordedResponse } from "../src/index.js";

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
const SEED_002_XML = fixture("enterprise-manager/xml/seed-002-backup-session.body.xml");
const SEED_002_JSON = fixture("enterprise-manager/json/seed-002-backup-session.body.json");
const SEED_000_XML = fixture("enterprise-manager/xml/seed-000-replica-session.body.xml");
const EM = "enterprise-manager";
const NS = "http://www.veeam.com/ent/v1.0";

let v: ContractValidator;
beforeAll(async () => {
  v = await createValidator();
});

const getBackupSession = (over: Partial<RecordedResponse>): RecordedResponse => ({
  api: EM,
  method: "GET",
  path: "/backupSessions/{ID}",
  status: 200,
  mediaType: "application/xml",
  body: SEED_002_XML,
  ...over,
});

describe("the public API", () => {
  it("validates the issue's example: a replica session seed body against GET /replicaSessions/{ID}", () => {
    const r = v.validateResponse({
      api: EM,
      method: "GET",
      path: "/replicaSessions/{ID}",
      status: 200,
      mediaType: "application/xml",
      body: SEED_000_XML,
    });
    expect(r).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      target: {
        api: EM,
        method: "GET",
        path: "/replicaSessions/{ID}",
        operationId: "getReplicaSession",
        status: "200",
        mediaType: "application/xml",
        specLocation: "#/paths/~1replicaSessions~1{ID}/get/responses/200/content/application~1xml/schema",
      },
    });
  });

  it("loads every bundled API", () => {
    expect(v.apis).toEqual(["enterprise-manager", "backup-for-azure", "backup-replication"]);
    expect(v.document(EM)).toMatchObject({ openapi: "3.1.0" });
  });

  it("reports errors as { message, instancePath, schemaPath, specLocation, keyword }", () => {
    const r = v.validateResponse(
      getBackupSession({ body: SEED_002_XML.replace("<Progress>100</Progress>", "<Progress>101</Progress>") }),
    );
    expect(r.valid).toBe(false);
    expect(r.closest).toBe("BackupJobSession");
    expect(r.warnings).toEqual([]);
    expect(r.errors).toEqual([
      {
        message: "/Progress must be <= 100",
        instancePath: "/Progress",
        schemaPath: "#/properties/Progress/maximum",
        specLocation: "#/components/schemas/BackupJobSession/properties/Progress/maximum",
        keyword: "maximum",
      },
    ]);
  });

  it("reports drift as warnings of the same shape: the body stays valid", () => {
    const r = v.validateResponse(
      getBackupSession({ body: SEED_002_XML.replace("<State>Stopped</State>", "<State>Done</State>") }),
    );
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      {
        message:
          '/State must be one of "Starting", "Stopping", "Working", "Pausing", "Resuming", "Stopped"; got "Done"',
        instancePath: "/State",
        schemaPath: "#/components/schemas/JobSessionState/enum",
        specLocation: "#/components/schemas/JobSessionState/enum",
        keyword: "enum",
        code: "UNLISTED_VALUE",
        value: "Done",
        allowed: ["Starting", "Stopping", "Working", "Pausing", "Resuming", "Stopped"],
      },
    ]);
  });

  it("points specLocation at the keyword in the component that holds it, or in the response schema", () => {
    const json = JSON.parse(SEED_002_JSON) as Record<string, unknown>;
    const r = v.validateResponse(
      getBackupSession({ mediaType: "application/json", body: { ...json, Progress: 101, Links: [{ Rel: "Up" }] } }),
    );
    expect(r.errors.map((e) => [e.keyword, e.instancePath, e.specLocation])).toEqual(
      expect.arrayContaining([
        ["maximum", "/Progress", "#/components/schemas/BackupJobSession/properties/Progress/maximum"],
        ["required", "/Links/0", "#/components/schemas/Link/required"],
      ]),
    );
    // A body that is no alternative at all: the anyOf of the response schema itself.
    const none = v.validateResponse(getBackupSession({ mediaType: "application/json", body: [] }));
    expect(none.errors.find((e) => e.keyword === "anyOf")?.specLocation).toBe(
      "#/paths/~1backupSessions~1{ID}/get/responses/200/content/application~1json/schema/anyOf",
    );
  });

  it("accepts operationId instead of method + path, with or without api", () => {
    expect(
      v.validateResponse({
        operationId: "getBackupSession",
        status: 200,
        mediaType: "application/xml",
        body: SEED_002_XML,
      }).valid,
    ).toBe(true);
    expect(
      v.validateResponse({
        api: EM,
        operationId: "getBackupSession",
        status: "200",
        mediaType: "application/xml",
        body: SEED_002_XML,
      }).valid,
    ).toBe(true);
  });

  it("accepts a string, a Buffer, a Uint8Array, an ArrayBuffer or (JSON) a parsed value", () => {
    const bytes = Buffer.from(SEED_002_XML);
    for (const body of [
      SEED_002_XML,
      bytes,
      new Uint8Array(bytes),
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    ]) {
      expect(v.validateResponse(getBackupSession({ body })).valid).toBe(true);
    }
    for (const body of [SEED_002_JSON, Buffer.from(SEED_002_JSON), JSON.parse(SEED_002_JSON)]) {
      expect(v.validateResponse(getBackupSession({ mediaType: "application/json", body })).valid).toBe(true);
    }
  });

  it("finds the template of a concrete path, with the server's base path and a query string", () => {
    const r = v.validateResponse(
      getBackupSession({ path: "/api/backupSessions/a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6?format=Entity" }),
    );
    expect(r.valid).toBe(true);
    expect(r.target?.path).toBe("/backupSessions/{ID}");
    const az = v.validateResponse({
      method: "get",
      path: "/api/v1/jobSessions/39",
      status: 200,
      mediaType: "application/json",
      body: fixture("backup-for-azure/seed-004-job-session.body.json"),
    });
    expect(az.target).toMatchObject({ api: "backup-for-azure", operationId: "getJobSession" });
    expect(az.valid).toBe(true);
  });
});

describe("media types", () => {
  it("drops parameters: application/json; charset=utf-8", () => {
    expect(
      v.validateResponse(getBackupSession({ mediaType: "application/json; charset=utf-8", body: SEED_002_JSON })).valid,
    ).toBe(true);
    expect(v.validateResponse(getBackupSession({ mediaType: "Application/XML;charset=UTF-8" })).valid).toBe(true);
  });

  it("reads +json (problem+json) as JSON, against the declared problem+json schema", () => {
    const r = v.validateResponse({
      api: "backup-for-azure",
      operationId: "getJobSession",
      status: 404,
      mediaType: "application/problem+json",
      body: '{"status":404,"title":"Not Found"}',
    });
    expect(r.valid).toBe(true);
    expect(r.target?.specLocation).toBe("#/components/responses/NotFound/content/application~1problem+json/schema");
  });

  it("says which media types an operation offers when the recorded one is not among them", () => {
    const r = v.validateResponse({
      api: "backup-for-azure",
      operationId: "getJobSession",
      status: 404,
      mediaType: "application/json",
      body: '{"status":404}',
    });
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      expect.objectContaining({
        keyword: "media-type",
        message: expect.stringContaining("offers: application/problem+json"),
      }),
    ]);
    expect(isLookupError(r.errors[0]!)).toBe(true);
    expect(v.validateResponse(getBackupSession({ mediaType: "text/html" })).errors[0]).toMatchObject({
      keyword: "media-type",
      specLocation: "#/paths/~1backupSessions~1{ID}/get/responses/200/content",
    });
    expect(v.validateResponse(getBackupSession({ mediaType: undefined })).errors[0]?.keyword).toBe("media-type");
  });
});

describe("statuses", () => {
  it("says which statuses exist when one is not declared and there is no 4XX/default", () => {
    const r = v.validateResponse(getBackupSession({ status: 418 }));
    expect(r.errors).toEqual([
      {
        message:
          "status 418 is not declared for GET /backupSessions/{ID} (getBackupSession) (declared: 200, 400, 401, 403, 404, 500; no 4XX/default)",
        instancePath: "",
        schemaPath: "",
        specLocation: "#/paths/~1backupSessions~1{ID}/get/responses",
        keyword: "status",
      },
    ]);
    expect(v.validateResponse(getBackupSession({ status: "teapot" })).errors[0]?.keyword).toBe("status");
  });

  it("validates an error status against its (shared, $ref'd) response", () => {
    const r = v.validateResponse(
      getBackupSession({ status: 404, body: fixture("enterprise-manager/xml/error-404.body.xml") }),
    );
    expect(r.valid).toBe(true);
    expect(r.target?.specLocation).toBe("#/components/responses/NotFound/content/application~1xml/schema");
  });

  it("accepts an empty body for a response without content, and refuses any other", () => {
    expect(v.validateResponse({ api: EM, operationId: "logOff", status: 204 }).valid).toBe(true);
    expect(v.validateResponse({ api: EM, operationId: "logOff", status: 204, body: "" }).valid).toBe(true);
    const r = v.validateResponse({ api: EM, operationId: "logOff", status: 204, body: "<x/>" });
    expect(r.errors[0]).toMatchObject({ keyword: "body", message: expect.stringContaining("declares no body") });
  });

  it("refuses an empty body where content is declared", () => {
    expect(v.validateResponse(getBackupSession({ body: "" })).errors[0]?.keyword).toBe("body");
  });
});

describe("4XX and default responses", () => {
  const doc = {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/things/{id}": {
        get: {
          operationId: "getThing",
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/xml": { schema: { $ref: "#/components/schemas/Thing" } },
                "application/json": { schema: { $ref: "#/components/schemas/Thing" } },
              },
            },
            "4XX": {
              description: "client error",
              content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
            },
            default: {
              description: "anything else",
              content: { "text/*": { schema: { type: "string" } }, "*/*": { schema: { type: "object" } } },
            },
          },
        },
      },
      "/things": {
        get: {
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Thing" } } },
              },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: "object",
          xml: { name: "Thing", namespace: "urn:things" },
          required: ["id"],
          properties: { id: { type: "integer", xml: { attribute: true } }, name: { type: "string" } },
        },
        Problem: { type: "object", required: ["status"], properties: { status: { type: "integer" } } },
      },
    },
  };
  let t: ContractValidator;
  beforeAll(async () => {
    t = await createValidator({ specs: { things: doc } });
  });

  it("uses the exact status, then the range, then default", () => {
    expect(
      t.validateResponse({
        method: "GET",
        path: "/things/7",
        status: 200,
        mediaType: "application/xml",
        body: '<Thing xmlns="urn:things" id="7"><name>x</name></Thing>',
      }),
    ).toMatchObject({ valid: true, target: { status: "200" } });
    expect(
      t.validateResponse({
        method: "GET",
        path: "/things/7",
        status: 404,
        mediaType: "application/problem+json",
        body: '{"status":404}',
      }),
    ).toMatchObject({ valid: true, target: { status: "4XX" } });
    expect(
      t.validateResponse({ method: "GET", path: "/things/7", status: 503, mediaType: "application/json", body: "{}" }),
    ).toMatchObject({ valid: true, target: { status: "default", mediaType: "*/*" } });
    expect(
      t.validateResponse({ method: "GET", path: "/things/7", status: 503, mediaType: "application/json", body: "[]" })
        .errors[0],
    ).toMatchObject({
      keyword: "type",
      specLocation: "#/paths/~1things~1{id}/get/responses/default/content/*~1*/schema/type",
    });
    expect(
      t.validateResponse({ method: "GET", path: "/things", status: 404, mediaType: "application/json", body: "{}" })
        .errors[0],
    ).toMatchObject({ keyword: "status", message: expect.stringContaining("declared: 200") });
  });

  it("prefers the most specific content key, and cannot check a body that is neither JSON nor XML", () => {
    const r = t.validateResponse({
      method: "GET",
      path: "/things/7",
      status: 500,
      mediaType: "text/plain",
      body: "oops",
    });
    expect(r.errors[0]).toMatchObject({
      keyword: "media-type",
      message: "cannot check text/plain bodies (only JSON and XML)",
    });
  });

  it("tells a wrong root element from the right one in the wrong namespace", () => {
    const r = (body: string) =>
      t.validateResponse({ method: "GET", path: "/things/7", status: 200, mediaType: "application/xml", body })
        .errors[0];
    expect(r('<Thing id="7"/>')).toMatchObject({
      keyword: "xml-namespace",
      code: "UNEXPECTED_ROOT",
      message: 'root element <Thing> must be in namespace "urn:things"; got no namespace',
    });
    expect(r('<t:Thing xmlns:t="urn:other" id="7"/>')).toMatchObject({
      keyword: "xml-namespace",
      message: expect.stringContaining('got "urn:other"'),
    });
    expect(r('<Widget xmlns="urn:things" id="7"/>')).toMatchObject({
      keyword: "xml-root",
      message: "root element must be <Thing>; got <Widget>",
    });
    expect(r('<t:Thing xmlns:t="urn:things" id="7"/>')).toBeUndefined();
  });

  it("knows unknown apis and operations, and ambiguous ones", () => {
    expect(t.validateResponse({ api: "nope", operationId: "getThing", status: 200, body: "" }).errors[0]).toMatchObject(
      { keyword: "api", message: 'unknown api "nope" (known: things)' },
    );
    expect(t.validateResponse({ operationId: "getWidget", status: 200, body: "" }).errors[0]?.keyword).toBe(
      "operation",
    );
    expect(t.validateResponse({ method: "POST", path: "/things/7", status: 200, body: "" }).errors[0]).toMatchObject({
      keyword: "operation",
      message: "POST /things/7 is not in things: /things/{id} declares GET",
    });
    expect(t.validateResponse({ method: "GET", path: "/widgets", status: 200, body: "" }).errors[0]?.keyword).toBe(
      "operation",
    );
    expect(t.validateResponse({ status: 200, body: "" }).errors[0]?.keyword).toBe("operation");
    expect(
      t.validateResponse({
        operationId: "other",
        method: "GET",
        path: "/things/7",
        status: 200,
        mediaType: "application/json",
        body: "{}",
      }).errors[0]?.keyword,
    ).toBe("operation");
  });
});

describe("XML bodies", () => {
  it("turns every decode failure into an error with the XmlError code, never a throw", () => {
    const cases: Array<[string, string]> = [
      [SEED_002_XML.replace("</JobName>", "</Jobname>"), "MALFORMED"],
      [
        `<!DOCTYPE x [<!ENTITY a "a">]>${SEED_002_XML.slice(SEED_002_XML.indexOf("<BackupJobSession"))}`,
        "DOCTYPE_FORBIDDEN",
      ],
      [SEED_002_XML.replace("<Progress>100<", "<Progress>lots<"), "TYPE_MISMATCH"],
      ["", "body"],
      ["just text", "MALFORMED"],
    ];
    for (const [body, code] of cases) {
      const r = v.validateResponse(getBackupSession({ body }));
      expect(r.valid).toBe(false);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.code ?? r.errors[0]!.keyword).toBe(code);
    }
    expect(v.validateResponse(getBackupSession({ body: Buffer.from([0x3c, 0xff, 0xfe]) })).errors[0]?.code).toBe(
      "INVALID_ENCODING",
    );
    expect(v.validateResponse(getBackupSession({ body: { not: "xml" } })).errors[0]?.keyword).toBe("body");
  });

  it("gives the line and column of a decode error", () => {
    const e = v.validateResponse(getBackupSession({ body: SEED_002_XML.replace("</JobName>", "</Jobname>") }))
      .errors[0]!;
    expect(e).toMatchObject({
      keyword: "xml",
      code: "MALFORMED",
      line: 12,
      specLocation: "#/paths/~1backupSessions~1{ID}/get/responses/200/content/application~1xml/schema",
    });
  });

  it("ignores what the schema does not describe, unless xml.unknown is error", async () => {
    const extra = SEED_002_XML.replace("<JobName>", "<Color>blue</Color><JobName>");
    expect(v.validateResponse(getBackupSession({ body: extra })).valid).toBe(true);
    const strict = await createValidator({ xml: { unknown: "error" } });
    expect(strict.validateResponse(getBackupSession({ body: extra })).errors[0]).toMatchObject({
      keyword: "xml",
      code: "UNKNOWN_NODE",
    });
  });

  it("decodes and validates the same data as the JSON twin", () => {
    const twin = JSON.parse(SEED_002_JSON) as Record<string, unknown>;
    const broken = (x: string, j: unknown) => [
      v.validateResponse(getBackupSession({ body: x })),
      v.validateResponse(getBackupSession({ mediaType: "application/json", body: j })),
    ];
    for (const r of broken(SEED_002_XML.replace("<IsRetry>false", "<IsRetry>maybe"), { ...twin, IsRetry: "maybe" }))
      expect(r.valid).toBe(false);
    const [x, j] = broken(
      SEED_002_XML.replace(/\s*<JobUid>[^<]*<\/JobUid>/, ""),
      (({ JobUid: _, ...rest }) => rest)(twin),
    );
    expect(x!.errors).toEqual(j!.errors);
  });
});

describe("JSON bodies", () => {
  it("reports a body that is not JSON", () => {
    const r = v.validateResponse(getBackupSession({ mediaType: "application/json", body: "{" }));
    expect(r.errors[0]).toMatchObject({ keyword: "json", message: expect.stringMatching(/^the body is not JSON: /) });
    expect(
      v.validateResponse(getBackupSession({ mediaType: "application/json", body: Buffer.from([0x7b, 0xff]) })).errors[0]
        ?.keyword,
    ).toBe("json");
  });

  it("accepts a byte order mark", () => {
    expect(
      v.validateResponse(getBackupSession({ mediaType: "application/json", body: `\uFEFF${SEED_002_JSON}` })).valid,
    ).toBe(true);
  });

  it("reports every error of the closest anyOf alternative (allErrors), and the drift beside them", () => {
    const { JobName: _, ...twin } = JSON.parse(SEED_002_JSON) as Record<string, unknown>;
    const r = v.validateResponse(
      getBackupSession({
        mediaType: "application/json",
        body: { ...twin, State: "Done", Result: "Meh", IsRetry: 0, Progress: "x" },
      }),
    );
    expect(r.valid).toBe(false);
    expect(r.closest).toBe("BackupJobSession");
    expect(r.errors.map((e) => `${e.keyword} ${e.instancePath}`).sort()).toEqual([
      "required ",
      "type /IsRetry",
      "type /Progress",
    ]);
    expect(r.warnings.map((e) => `${e.keyword} ${e.instancePath}`).sort()).toEqual(["enum /Result", "enum /State"]);
  });

  it("picks the reference alternative for a reference-shaped body", () => {
    const r = v.validateResponse(
      getBackupSession({
        mediaType: "application/json",
        body: {
          Type: "BackupJobSession",
          Href: "https://x.invalid/api/backupSessions/1",
          Name: "n",
          UID: "urn:veeam:BackupJobSession:1",
        },
      }),
    );
    expect(r.valid).toBe(false);
    // Four keys: both alternatives declare all of them; the reference has fewer errors.
    expect(r.closest).toBe("EntityRef");
    expect(r.errors).toEqual([
      expect.objectContaining({
        keyword: "pattern",
        instancePath: "/Type",
        specLocation: "#/components/schemas/EntityRef/properties/Type/pattern",
      }),
    ]);
  });

  it("checks collections through oneOf (references or entities)", () => {
    const list = (body: unknown) =>
      v.validateResponse({
        api: EM,
        operationId: "listBackupSessions",
        status: 200,
        mediaType: "application/json",
        body,
      });
    expect(list({ Refs: [] }).valid).toBe(true);
    expect(list({ BackupJobSessions: [] }).valid).toBe(true);
    const bad = list({ BackupJobSessions: [{ Type: "BackupJobSession" }] });
    expect(bad.closest).toBe("BackupJobSessions");
    expect(bad.errors.every((e) => e.keyword === "required" && e.instancePath === "/BackupJobSessions/0")).toBe(true);
  });
});

describe("drift: unknown enum values and members are warnings", () => {
  const twin = () => JSON.parse(SEED_002_JSON) as Record<string, unknown>;
  const json = (body: unknown, casing?: "pascal" | "camel") =>
    v.validateResponse(getBackupSession({ mediaType: "application/json", body, ...(casing ? { casing } : {}) }));

  it("a body with an unknown JobType gives exactly one warning and stays valid", () => {
    const r = json({ ...twin(), JobType: "SureBackup" });
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        keyword: "enum",
        instancePath: "/JobType",
        specLocation: "#/components/schemas/BackupJobType/enum",
        message: expect.stringMatching(/^\/JobType must be one of "Backup", .*; got "SureBackup"$/),
      }),
    ]);
  });

  it("an unknown member is one warning where it is, nested ones included", () => {
    const body = twin();
    (body.Links as Array<Record<string, unknown>>)[0]!.Priority = 1;
    const r = json({ ...body, PolicyTag: "Gold" });
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => [w.keyword, w.instancePath, w.message])).toEqual([
      ["additionalProperties", "/Links/0", '/Links/0 has the property "Priority", which the schema does not declare'],
      ["additionalProperties", "", 'the body has the property "PolicyTag", which the schema does not declare'],
    ]);
  });

  it("a camelCase body read against the PascalCase form fails: each member in the other casing is an error", () => {
    const camel = toCamel(twin());
    const asPascal = json(camel, "pascal");
    expect(asPascal.casing).toBe("pascal");
    expect(asPascal.valid).toBe(false);
    expect(asPascal.errors.filter((e) => e.keyword === "casing" && e.code === "WRONG_CASE").length).toBeGreaterThan(10);
    expect(asPascal.errors.map((e) => e.message)).toContain(
      'the body has the property "jobUid", camelCase in a PascalCase body (the member "JobUid")',
    );
    // A query result declares no required member: without the warnings it would pass empty.
    const query = v.validateResponse({
      api: EM,
      operationId: "querySessions",
      status: 200,
      mediaType: "application/json",
      body: toCamel(JSON.parse(fixture("enterprise-manager/json/query-entities-last-page.body.json"))),
      casing: "pascal",
    });
    expect(query.errors.map((e) => `${e.instancePath} ${e.keyword} ${e.code} ${e.member}`)).toEqual([
      " casing WRONG_CASE entities",
      " casing WRONG_CASE pagingInfo",
    ]);
    expect(query.warnings).toEqual([]);
  });

  it("one key in the other casing inside an EM JSON body is an error, in either direction; a key in neither is drift", () => {
    const pascal = JSON.parse(SEED_002_JSON) as Record<string, unknown>;
    const oneCamel = json({ ...pascal, failureMessage: "x" });
    expect(oneCamel.casing).toBe("pascal");
    expect(oneCamel.errors.map((e) => [e.keyword, e.code, e.member])).toEqual([
      ["casing", "WRONG_CASE", "failureMessage"],
    ]);
    const camel = toCamel(twin()) as Record<string, unknown>;
    const onePascal = json({ ...camel, FailureMessage: "x" });
    expect(onePascal.casing).toBe("camel");
    expect(onePascal.errors.map((e) => [e.keyword, e.code, e.member])).toEqual([
      ["casing", "WRONG_CASE", "FailureMessage"],
    ]);
    const unknown = json({ ...camel, policyTag: "x" });
    expect(unknown.valid).toBe(true);
    expect(unknown.warnings.map((w) => [w.keyword, w.code, w.member])).toEqual([
      ["additionalProperties", "UNKNOWN_MEMBER", "policyTag"],
    ]);
  });

  it("validated as camel (asked for, or found out), the camelCase body passes and says so", () => {
    const camel = toCamel(twin()) as Record<string, unknown>;
    expect(camel).toHaveProperty("creationTimeUTC");
    expect(camel).toHaveProperty("uid");
    for (const casing of ["camel", undefined] as const) {
      const r = json(camel, casing);
      expect([r.valid, r.errors, r.warnings, r.casing]).toEqual([true, [], [], "camel"]);
    }
    expect(json(twin()).casing).toBe("pascal");
    // Drift in a camelCase body: the warning names the camelCase member.
    const r = json({ ...camel, jobType: "SureBackup" });
    expect([r.valid, r.casing, r.warnings.map((w) => w.instancePath)]).toEqual([true, "camel", ["/jobType"]]);
  });

  it("says nothing about casing for XML or for an API with one JSON casing", () => {
    expect(v.validateResponse(getBackupSession({})).casing).toBeUndefined();
  });
});

describe("the namespace of the fixtures", () => {
  it("is the EM namespace", () => {
    expect(SEED_002_XML).toContain(`xmlns="${NS}"`);
  });
});

describe("one drift model for every API (issue 23): each warning has a stable code and the member's path", () => {
  const meta = (dir: string) => JSON.parse(fixture(`${dir}.meta.json`)) as RecordedResponse;
  const check = (dir: string, change: (body: Record<string, unknown>) => void) => {
    const body = JSON.parse(fixture(`${dir}.body.json`)) as Record<string, unknown>;
    change(body);
    return v.validateResponse({ ...meta(dir), body });
  };
  const codes = (r: { warnings: { code?: string; instancePath: string; value?: unknown }[] }) =>
    r.warnings.map((w) => [w.code, w.instancePath, w.value]);

  it("a value outside an open enum's listed values is a warning, with the value and the listed set (VBR, Azure)", () => {
    const vbr = check("backup-replication/task-session-backup", (b) => {
      b.state = "Hibernating";
      b.sessionType = "TimeTravel";
      (b.result as Record<string, unknown>).result = "Maybe";
    });
    expect(vbr.valid).toBe(true);
    expect(codes(vbr)).toEqual([
      ["UNLISTED_VALUE", "/sessionType", "TimeTravel"],
      ["UNLISTED_VALUE", "/state", "Hibernating"],
      ["UNLISTED_VALUE", "/result/result", "Maybe"],
    ]);
    expect(vbr.warnings[1]!.allowed).toContain("Working");
    const azure = check("backup-for-azure/seed-004-job-session", (b) => {
      b.type = "QuantumBackup";
      b.status = "Exploded";
    });
    expect(azure.valid).toBe(true);
    expect(codes(azure)).toEqual([
      ["UNLISTED_VALUE", "/type", "QuantumBackup"],
      ["UNLISTED_VALUE", "/status", "Exploded"],
    ]);
    // The listed values stay clean.
    expect(check("backup-replication/task-session-backup", () => {}).warnings).toEqual([]);
  });

  it("EM 13 JSON: an unlisted result is a warning", () => {
    const camel = toCamel(JSON.parse(SEED_002_JSON)) as Record<string, unknown>;
    const r = v.validateResponse(
      getBackupSession({ mediaType: "application/json", body: { ...camel, result: "Meh" } }),
    );
    expect(r.casing).toBe("camel");
    expect(codes(r)).toEqual([["UNLISTED_VALUE", "/result", "Meh"]]);
  });

  it("XML: unknown elements and attributes, and children out of the XSD sequence, are warnings", () => {
    const body = SEED_002_XML.replace("<JobName>", '<Extra>1</Extra><JobName Lang="en">')
      .replace("<State>Stopped</State>", "")
      .replace("<Progress>", "<State>Stopped</State><Progress>");
    const r = v.validateResponse(getBackupSession({ body }));
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => [w.keyword, w.code, w.instancePath, w.member])).toEqual([
      ["additionalProperties", "UNKNOWN_ELEMENT", "", "Extra"],
      ["additionalProperties", "UNKNOWN_ATTRIBUTE", "/JobName", "Lang"],
      ["xml-order", "OUT_OF_ORDER", "", "State"],
    ]);
    expect(r.warnings[2]!.message).toMatch(
      /^the body has the element "State" after "Result", .* at line \d+, column \d+$/,
    );
  });

  it("XML: an element named after the component its schema references is not its property (<UtcDateTime>)", () => {
    const body = SEED_002_XML.replace(/<EndTimeUTC>(.*)<\/EndTimeUTC>/, "<UtcDateTime>$1</UtcDateTime>");
    expect(body).not.toBe(SEED_002_XML);
    const r = v.validateResponse(getBackupSession({ body }));
    expect(r.warnings.map((w) => [w.code, w.member])).toEqual([["UNKNOWN_ELEMENT", "UtcDateTime"]]);
  });
});
