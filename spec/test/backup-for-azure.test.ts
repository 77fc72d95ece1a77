// Contract checks on the bundled Backup for Microsoft Azure document (spec/dist/backup-for-azure.json).
// Build it first: `pnpm --filter @veeam-sessions/spec bundle`.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it, type TestContext } from "vitest";
import { seedsOrSkip } from "./seeds.js";

type Obj = Record<string, unknown>;

const distUrl = new URL("../dist/backup-for-azure.json", import.meta.url);

function loadBundle(): Obj {
  const file = fileURLToPath(distUrl);
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: build it with \`npx -y pnpm@12.25.1 --filter @veeam-sessions/spec bundle\` ` +
        "(or `spec/node_modules/.bin/redocly bundle backup-for-azure --config redocly.yaml -o spec/dist/backup-for-azure.json --ext json`).",
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as Obj;
}

const doc = loadBundle();

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown, what: string): Obj => {
  if (!isObj(v)) throw new Error(`${what} is not an object`);
  return v;
};

/** Follows local `#/…` references of the bundle until a non-reference is reached. */
function deref(v: unknown): unknown {
  let cur = v;
  for (let hops = 0; isObj(cur) && typeof cur.$ref === "string"; hops++) {
    if (hops > 20) throw new Error("reference loop");
    const ref = cur.$ref;
    if (!ref.startsWith("#/")) throw new Error(`non-local $ref left in the bundle: ${ref}`);
    cur = ref
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((node, key) => (isObj(node) ? node[key] : undefined), doc);
    if (cur === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return cur;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

interface Op {
  path: string;
  method: string;
  op: Obj;
  pathItem: Obj;
}

const operations: Op[] = Object.entries(obj(doc.paths, "paths")).flatMap(([path, item]) => {
  const pathItem = obj(deref(item), path);
  return METHODS.filter((m) => m in pathItem).map((method) => ({
    path,
    method,
    pathItem,
    op: obj(pathItem[method], `${method} ${path}`),
  }));
});

const TOKEN_OPERATION = "createToken";

// ---------------------------------------------------------------------------------------------
// A small JSON Schema (2020-12 subset) checker: enough for the keywords this document uses.
// It throws on any other validation keyword, so a schema change cannot make it pass silently.
// (The contract package is where ajv belongs; Redocly's lint also validates every example.)
// ---------------------------------------------------------------------------------------------
const ANNOTATIONS = new Set([
  "description",
  "title",
  "example",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "discriminator",
  "title",
  "contentMediaType",
  "$comment",
]);
const FORMATS: Record<string, RegExp> = {
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function validate(schemaIn: unknown, value: unknown, at = "$"): string[] {
  if (schemaIn === true) return [];
  if (schemaIn === false) return [`${at}: not allowed`];
  const schema = obj(deref(schemaIn), `schema at ${at}`);
  const errors: string[] = [];
  for (const [key, kw] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key === "$ref" || key.startsWith("x-")) continue;
    switch (key) {
      case "type": {
        const types = Array.isArray(kw) ? (kw as string[]) : [kw as string];
        const t = typeOf(value);
        if (!types.some((x) => x === t || (x === "number" && t === "integer")))
          errors.push(`${at}: ${t} is not ${types.join("|")}`);
        break;
      }
      case "enum":
        if (!(kw as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value)))
          errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
        break;
      case "const":
        if (JSON.stringify(kw) !== JSON.stringify(value))
          errors.push(`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(kw)}`);
        break;
      case "pattern":
        if (typeof value === "string" && !new RegExp(kw as string, "u").test(value))
          errors.push(`${at}: "${value}" does not match ${String(kw)}`);
        break;
      case "format": {
        const re = FORMATS[kw as string];
        if (re && typeof value === "string" && !re.test(value)) errors.push(`${at}: "${value}" is not a ${String(kw)}`);
        break;
      }
      case "minLength":
        if (typeof value === "string" && [...value].length < (kw as number))
          errors.push(`${at}: shorter than ${String(kw)}`);
        break;
      case "minimum":
        if (typeof value === "number" && value < (kw as number)) errors.push(`${at}: below ${String(kw)}`);
        break;
      case "maximum":
        if (typeof value === "number" && value > (kw as number)) errors.push(`${at}: above ${String(kw)}`);
        break;
      case "required":
        if (isObj(value))
          for (const name of kw as string[]) if (!(name in value)) errors.push(`${at}: missing ${name}`);
        break;
      case "properties":
        if (isObj(value))
          for (const [name, sub] of Object.entries(kw as Obj))
            if (name in value) errors.push(...validate(sub, value[name], `${at}.${name}`));
        break;
      case "additionalProperties":
        if (isObj(value)) {
          const known = isObj(schema.properties) ? schema.properties : {};
          for (const [name, v] of Object.entries(value))
            if (!(name in known)) errors.push(...validate(kw, v, `${at}.${name}`));
        }
        break;
      case "items":
        if (Array.isArray(value)) value.forEach((v, i) => errors.push(...validate(kw, v, `${at}[${i}]`)));
        break;
      case "allOf":
        for (const sub of kw as unknown[]) errors.push(...validate(sub, value, at));
        break;
      case "anyOf":
        if (!(kw as unknown[]).some((sub) => validate(sub, value, at).length === 0))
          errors.push(`${at}: matches no anyOf branch`);
        break;
      case "oneOf": {
        const n = (kw as unknown[]).filter((sub) => validate(sub, value, at).length === 0).length;
        if (n !== 1) errors.push(`${at}: matches ${n} oneOf branches, not exactly 1`);
        break;
      }
      default:
        throw new Error(`validate(): unsupported keyword "${key}" at ${at}; extend the checker or use ajv`);
    }
  }
  return errors;
}

/** Every (schema, example) pair of the document: media types (request and response) and parameters. */
function examplePairs(): { where: string; schema: unknown; value: unknown }[] {
  const pairs: { where: string; schema: unknown; value: unknown }[] = [];
  const fromMedia = (where: string, content: unknown) => {
    for (const [type, mt] of Object.entries(isObj(content) ? content : {})) {
      const media = obj(mt, `${where} ${type}`);
      if ("example" in media) pairs.push({ where: `${where} ${type}`, schema: media.schema, value: media.example });
      for (const [name, ex] of Object.entries(isObj(media.examples) ? media.examples : {}))
        pairs.push({
          where: `${where} ${type} examples.${name}`,
          schema: media.schema,
          value: obj(deref(ex), name).value,
        });
    }
  };
  for (const { path, method, op, pathItem } of operations) {
    const where = `${method.toUpperCase()} ${path}`;
    if (op.requestBody) fromMedia(`${where} request`, obj(deref(op.requestBody), "requestBody").content);
    for (const [code, res] of Object.entries(obj(op.responses, "responses")))
      fromMedia(`${where} ${code}`, obj(deref(res), code).content);
    const params = [...((pathItem.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])];
    for (const p of params.map((x) => obj(deref(x), "parameter"))) {
      if ("example" in p)
        pairs.push({ where: `${where} parameter ${String(p.name)}`, schema: p.schema, value: p.example });
      for (const [name, ex] of Object.entries(isObj(p.examples) ? p.examples : {}))
        pairs.push({
          where: `${where} parameter ${String(p.name)} examples.${name}`,
          schema: p.schema,
          value: obj(deref(ex), name).value,
        });
    }
  }
  return pairs;
}

/** The JSON body of seed page 004 (Veeam's v1 reference, GET /jobSessions/{sessionId}); skips without the seeds. */
function seedBody(ctx: TestContext): unknown {
  const text = readFileSync(new URL("004_45f3cab3c98b65aa.txt", seedsOrSkip(ctx)), "utf8").replace(/\u00a0/g, " ");
  const start = text.indexOf("{", text.indexOf("Response Body:"));
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "{") depth++;
    if (text[i] === "}" && --depth === 0) return JSON.parse(text.slice(start, i + 1));
  }
  throw new Error("no JSON body found in the seed page");
}

const schemas = obj(obj(doc.components, "components").schemas, "components.schemas");
const jobSession = obj(schemas.JobSession, "JobSession");

// ---------------------------------------------------------------------------------------------

describe("backup-for-azure: document", () => {
  it("is OpenAPI 3.1 with a templated, versioned server", () => {
    expect(doc.openapi).toBe("3.1.0");
    const [server] = doc.servers as Obj[];
    expect(server?.url).toBe("https://{host}/api/{version}");
    const vars = obj(server?.variables, "server variables");
    expect(obj(vars.version, "version").default).toBe("v1");
    expect(String(obj(vars.host, "host").default)).not.toMatch(/example\.com|localhost/);
  });

  it("serves the token endpoint unversioned, at /api/oauth2/token", () => {
    const item = obj(doc.paths, "paths")["/oauth2/token"];
    const [server] = obj(item, "/oauth2/token").servers as Obj[];
    expect(server?.url).toBe("https://{host}/api");
    const oauth = obj(
      obj(obj(doc.components, "components").securitySchemes, "securitySchemes").OAuth2Password,
      "OAuth2Password",
    );
    expect(obj(obj(oauth.flows, "flows").password, "password").tokenUrl).toBe("/api/oauth2/token");
  });

  it("has every v8.1 job-session operation, each with operationId, a declared tag, summary and description", () => {
    const declaredTags = new Set((doc.tags as Obj[]).map((t) => t.name));
    const ids = operations.map(({ op }) => op.operationId);
    expect([...ids].sort()).toEqual([
      "createToken",
      "exportJobSessions",
      "getJobSession",
      "getJobSessionLog",
      "listCheckedItems",
      "listDeletedItems",
      "listFileLevelRestoredFileShareItems",
      "listFileLevelRestoredItems",
      "listJobSessions",
      "listProtectedItems",
      "listRestoredCosmosDbAccounts",
      "listRestoredDatabases",
      "listRestoredItems",
      "listVnetRestoredItems",
      "revokeToken",
      "stopJobSession",
    ]);
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      expect(op.operationId, where).toMatch(/^[a-z][a-zA-Z]+$/);
      expect(Array.isArray(op.tags) && op.tags.length > 0, `${where} tags`).toBe(true);
      for (const tag of op.tags as string[]) expect(declaredTags.has(tag), `${where} tag ${tag}`).toBe(true);
      expect(typeof op.summary === "string" && op.summary.length > 0, `${where} summary`).toBe(true);
      expect(typeof op.description === "string" && op.description.length > 0, `${where} description`).toBe(true);
    }
  });

  it("requires a bearer token on every operation except createToken", () => {
    const schemes = obj(obj(doc.components, "components").securitySchemes, "securitySchemes");
    for (const { op } of operations) {
      const security = (op.security ?? doc.security) as Obj[];
      if (op.operationId === TOKEN_OPERATION) {
        expect(security, "createToken").toEqual([]);
        continue;
      }
      expect(security.length, String(op.operationId)).toBeGreaterThan(0);
      for (const requirement of security) {
        for (const name of Object.keys(requirement)) {
          const scheme = obj(schemes[name], name);
          const ok = (scheme.type === "http" && scheme.scheme === "bearer") || scheme.type === "oauth2";
          expect(ok, `${String(op.operationId)} uses ${name}`).toBe(true);
        }
      }
    }
  });

  it("answers every error with application/problem+json ProblemDetails, and 401 with WWW-Authenticate", () => {
    for (const { op } of operations) {
      const responses = obj(op.responses, "responses");
      for (const code of ["400", "401", "403", "404", "500"]) {
        const res = obj(deref(responses[code]), `${String(op.operationId)} ${code}`);
        const media = obj(
          obj(res.content, "content")["application/problem+json"],
          `${String(op.operationId)} ${code} problem+json`,
        );
        expect(media.schema).toEqual({ $ref: "#/components/schemas/ProblemDetails" });
      }
      expect(obj(obj(deref(responses["401"]), "401").headers, "401 headers")).toHaveProperty("WWW-Authenticate");
    }
  });

  it("has an example on every 2xx and 4xx body and on every request body", () => {
    for (const { op } of operations) {
      const bodies: [string, unknown][] = Object.entries(obj(op.responses, "responses"))
        .filter(([code]) => /^[24]/.test(code))
        .map(([code, res]) => [code, obj(deref(res), code).content]);
      if (op.requestBody) bodies.push(["request", obj(deref(op.requestBody), "requestBody").content]);
      for (const [code, content] of bodies) {
        for (const [type, mt] of Object.entries(isObj(content) ? content : {})) {
          const media = obj(mt, type);
          const count = ("example" in media ? 1 : 0) + Object.keys(isObj(media.examples) ? media.examples : {}).length;
          expect(count, `${String(op.operationId)} ${code} ${type}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it("marks versions with x-since / x-until values of the server's version enum, each stated in a description", () => {
    const [server] = doc.servers as Obj[];
    const versions = obj(obj(server?.variables, "variables").version, "version").enum as string[];
    expect(versions).toEqual(["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v8.1"]);
    const marked: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`));
      if (!isObj(node)) return;
      for (const key of ["x-since", "x-until"] as const) {
        if (!(key in node)) continue;
        expect(versions, `${at} ${key}`).toContain(node[key]);
        expect(
          typeof node.description === "string" ? node.description : "",
          `${at}: a description line names the version`,
        ).toContain(String(node[key]));
        marked.push(at);
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${at}.${k}`);
    };
    walk(doc, "$");
    // Every operation added after v1 is marked, and the stop answers differ by version.
    for (const { op } of operations)
      if (/Items$|Databases$|Accounts$/.test(String(op.operationId)))
        expect(op["x-since"], String(op.operationId)).toBeDefined();
    const stop = operations.find(({ op }) => op.operationId === "stopJobSession")!.op.responses as Obj;
    expect(obj(stop["200"], "200")["x-until"]).toBe("v1");
    expect(obj(stop["204"], "204")["x-since"]).toBe("v2");
    expect(marked.length).toBeGreaterThan(15);
  });

  it("never closes a schema with additionalProperties: false (servers add fields)", () => {
    expect(JSON.stringify(schemas)).not.toMatch(/"additionalProperties":false/);
  });
});

describe("backup-for-azure: seed and examples", () => {
  const getJobSession = operations.find(({ op }) => op.operationId === "getJobSession");
  const ok = obj(deref(obj(getJobSession?.op.responses, "responses")["200"]), "200");
  const media = obj(obj(ok.content, "content")["application/json"], "application/json");
  const seedExample = obj(deref(obj(media.examples, "examples").documented), "documented example");

  it("uses the seed's response body verbatim as the getJobSession 200 example", (ctx) => {
    expect(seedExample.value).toEqual(seedBody(ctx));
  });

  it("accepts the seed example with the JobSession schema", () => {
    expect(validate(jobSession, seedExample.value)).toEqual([]);
  });

  it("checks executionDuration as a .NET TimeSpan", () => {
    const pattern = String(
      obj(deref(obj(jobSession.properties, "properties").executionDuration), "executionDuration").pattern,
    );
    const re = new RegExp(pattern, "u");
    for (const good of ["00:02:47.7726740", "00:00:31.8370930", "1.02:03:04", "-00:00:01", "23:59:59.1"])
      expect(re.test(good), good).toBe(true);
    for (const bad of ["2:47", "abc", "00:02:47.12345678", "PT2M47S", ""]) expect(re.test(bad), bad).toBe(false);
  });

  it("validates every example (bodies and parameters) against its schema", () => {
    const pairs = examplePairs();
    expect(pairs.length).toBeGreaterThanOrEqual(15);
    for (const { where, schema, value } of pairs) expect(validate(schema, value), where).toEqual([]);
  });

  it("rejects bodies that break the contract", () => {
    const seed = obj(seedExample.value, "seed example");
    const broken: [string, unknown][] = [
      ["short duration", { ...seed, executionDuration: "2:47" }],
      ["unknown status", { ...seed, status: "Failed" }],
      ["missing id", Object.fromEntries(Object.entries(seed).filter(([k]) => k !== "id"))],
      [
        "link without href",
        { ...seed, _links: { self: {}, log: { href: "https://vbazure.example.org/api/v1/jobSessions/39/log" } } },
      ],
      ["bad start time", { ...seed, executionStartTime: "05.02.2020 11:07" }],
    ];
    for (const [what, body] of broken) expect(validate(jobSession, body).length, what).toBeGreaterThan(0);
  });

  it("accepts a running session without stop time and an unknown future session type", () => {
    const seed = obj(seedExample.value, "seed example");
    const running = Object.fromEntries(
      Object.entries({ ...seed, status: "Running" }).filter(([k]) => k !== "executionStopTime"),
    );
    expect(validate(jobSession, running)).toEqual([]);
    expect(validate(jobSession, { ...seed, executionStopTime: null, status: "Running" })).toEqual([]);
    expect(validate(jobSession, { ...seed, type: "SomeFutureSessionType", extraField: { a: 1 } })).toEqual([]);
  });

  it("tells the token request grants apart by grant_type", () => {
    const tokenRequest = schemas.TokenRequest;
    expect(validate(tokenRequest, { grant_type: "Password", Username: "a", Password: "b" })).toEqual([]);
    // Field names are read without regard to case: Veeam's v8.1 spelling works too.
    expect(validate(tokenRequest, { grant_type: "Password", username: "a", password: "b" })).toEqual([]);
    expect(
      validate(tokenRequest, { grant_type: "Password", username: "a", password: "b", short_lived_refresh_token: true }),
    ).toEqual([]);
    expect(validate(tokenRequest, { grant_type: "SsoToken", sso_token: "s" })).toEqual([]);
    expect(validate(tokenRequest, { grant_type: "Authentication_code", authorization_code: "c" })).toEqual([]);
    expect(validate(tokenRequest, { grant_type: "Password", username: "a" }).length).toBeGreaterThan(0);
    expect(validate(tokenRequest, { grant_type: "Refresh_token", refresh_token: "r" })).toEqual([]);
    expect(validate(tokenRequest, { grant_type: "Mfa", mfa_token: "t", mfa_code: "123456" })).toEqual([]);
    expect(validate(tokenRequest, { grant_type: "Password", refresh_token: "r" }).length).toBeGreaterThan(0);
    expect(validate(tokenRequest, { grant_type: "client_credentials" }).length).toBeGreaterThan(0);
  });

  it("describes both token answers: tokens, or the MFA challenge", () => {
    const tokenResponse = schemas.TokenResponse;
    expect(validate(tokenResponse, { access_token: "a", token_type: "bearer", expires_in: 3600 })).toEqual([]);
    expect(validate(tokenResponse, { access_token: null, mfa_enabled: true, mfa_token: "m" })).toEqual([]);
    expect(validate(tokenResponse, { access_token: null, mfa_enabled: false }).length).toBeGreaterThan(0);
    expect(validate(tokenResponse, { mfa_enabled: true }).length).toBeGreaterThan(0);
  });
});
