// Compatibility of spec/backup-replication with Veeam's own OpenAPI document, both ways, for the
// operations we describe:
//   theirs → ours: every 200 sample of Veeam's operations, and instances generated from Veeam's
//                  response and request schemas, validate against our schemas; every value of
//                  Veeam's enumerations is listed in ours; every Veeam parameter exists in ours.
//   ours → theirs: every example of ours validates against Veeam's schema for the operation.
// Differences on purpose (and Veeam's own samples that break Veeam's schemas) are listed in
// DIFFERENCES; any other mismatch fails. Veeam's document is not part of this repository: the
// test reads the file(s) named by VEEAM_VBR_OPENAPI (several joined with the path delimiter),
// else ../shared/reference/vbr_openapi_1.1-rev0.yaml and vbr_rest_1.3-rev1.json beside the
// repository, and is skipped with a message naming those files when none is there. YAML or
// JSON, any revision.
import { existsSync, readFileSync } from "node:fs";
import { delimiter, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { deref, loadBundled, operationsOf, type Json } from "./load.js";
import { missingMembers } from "./members.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// Both documents kept beside the repository (../shared/reference/README.md): 1.1-rev0 and 1.3-rev1.
const DEFAULT_FILES = ["vbr_openapi_1.1-rev0.yaml", "vbr_rest_1.3-rev1.json"]
  .map((f) => resolve(repoRoot, "..", "shared", "reference", f))
  .join(delimiter);
const files = (process.env.VEEAM_VBR_OPENAPI ?? DEFAULT_FILES)
  .split(delimiter)
  .filter(Boolean)
  .map((f) => resolve(repoRoot, f));
const present = files.filter((f) => existsSync(f));
const MAX_BYTES = 64 * 1024 * 1024;

const ours = loadBundled("backup-replication");

/** A mismatch we know about and accept, with the reason (also in spec/ADR.md, entry 18). */
interface Difference {
  id: string;
  why: string;
  direction: "theirs→ours" | "ours→theirs";
  matches(e: Mismatch): boolean;
}
interface Mismatch {
  revision: string;
  what: string; // operation or schema, and the instance's origin
  error: ErrorObject;
}

const noOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;
const DIFFERENCES: Difference[] = [
  {
    id: "token-request-fields-per-grant",
    why: "Veeam's TokenLoginSpec makes every field optional and says in prose which grant needs which; ours requires username+password, refresh_token or code per grant, so a bare {grant_type} generated from Veeam's schema is refused.",
    direction: "theirs→ours",
    matches: (m) => m.what.startsWith("createAccessToken request"),
  },
  {
    id: "no-vbr-token-grant",
    why: "The vbr_token grant (Veeam's restricted integration mode, deprecated in 1.3) is not described.",
    direction: "theirs→ours",
    matches: (m) => m.what.startsWith("createAccessToken request") && /vbr_token|Vbr_token/.test(m.what),
  },
  {
    id: "veeam-sample-local-time",
    why: "Veeam's samples write task session and token times without an offset (server local time), which Veeam's `format: date-time` (RFC 3339) refuses; our examples keep Veeam's samples, our DateTime accepts both.",
    direction: "ours→theirs",
    matches: (m) => m.error.keyword === "format" && typeof m.error.data === "string" && noOffset.test(m.error.data),
  },
  {
    id: "veeam-sample-null",
    why: "Veeam's samples send null for ids and references its schema declares as plain strings (parentSessionId, restorePointId, restorePointReference); ours allows null.",
    direction: "ours→theirs",
    matches: (m) => m.error.keyword === "type" && m.error.data === null,
  },
  {
    id: "veeam-sample-progress-fields",
    why: "Veeam's SessionProgress requires transferredSize (and progressPercent from 1.3-rev0), but every Veeam sample spells it transferedSize and has no progressPercent; ours lists all three and requires none.",
    direction: "ours→theirs",
    matches: (m) =>
      m.error.keyword === "required" &&
      /\/progress$/.test(m.error.instancePath) &&
      ["transferredSize", "progressPercent"].includes(String(m.error.params.missingProperty)),
  },
  {
    id: "revision-jobId-activityId",
    why: "1.1-rev0 requires activityId, 1.2-rev1 renamed it jobId (required): an example of one revision lacks the other's.",
    direction: "ours→theirs",
    matches: (m) =>
      m.error.keyword === "required" && ["activityId", "jobId"].includes(String(m.error.params.missingProperty)),
  },
  {
    id: "revision-enum-values",
    why: "Veeam's enumerations are closed per revision (1.1-rev0 has `Job`, later `BackupJob`; values are added every revision); ours are open and list every revision's values, so an example of one revision can carry a value another revision's closed enum lacks.",
    direction: "ours→theirs",
    matches: (m) => m.error.keyword === "enum",
  },
  {
    id: "revision-rev2-log-additionalInfo",
    why: "1.3-rev2 made a log record's additionalInfo a list of {field, data}; earlier revisions a string. Ours accepts both.",
    direction: "ours→theirs",
    matches: (m) => m.error.keyword === "type" && /\/additionalInfo$/.test(m.error.instancePath),
  },
];

/**
 * Members (and enum values) of Veeam's bodies that ours do not declare, on purpose (spec/ADR.md
 * entry 18, "Differences on purpose"). Everything else Veeam's schema lists must be ours too.
 */
const MEMBER_DIFFERENCES: { id: string; why: string; matches(line: string, revision: string): boolean }[] = [
  {
    id: "no-vbr-token-grant",
    why: "The vbr_token grant (restricted integration mode, deprecated in 1.3) and its `vbr_token` field are not described (ADR 18, difference 2).",
    matches: (l) => /^createAccessToken request.*(vbr_token|Vbr_token)/.test(l),
  },
];

/** Orders revisions: `1.2-rev1` → 10201. */
function revisionOrder(revision: string): number {
  const m = /^(\d+)\.(\d+)-rev(\d+)$/.exec(revision);
  if (!m) throw new Error(`${revision} is not a revision such as 1.3-rev1`);
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

/** Whether an operation marked `x-since` / `x-until` (spec/EXTENSIONS.md) exists in `revision`. */
export function inRevision(element: Json, revision: string): boolean {
  const at = revisionOrder(revision);
  const since = element["x-since"];
  const until = element["x-until"];
  if (typeof since === "string" && at < revisionOrder(since)) return false;
  if (typeof until === "string" && at > revisionOrder(until)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------

interface Veeam {
  file: string;
  revision: string;
  doc: Json;
}

function loadVeeam(file: string): Veeam {
  const text = readFileSync(file, "utf8");
  if (text.length > MAX_BYTES) throw new Error(`${file} is larger than ${MAX_BYTES} bytes`);
  const doc = (file.endsWith(".json") ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as Json;
  const version = (doc.info as Json | undefined)?.version;
  const revision = typeof version === "string" ? version : "?";
  return { file, revision, doc };
}

/** OpenAPI 3.0 → JSON Schema 2020-12 for ajv: `nullable`, no `example`/`x-*`, Veeam's allOf cycle broken. */
function toJsonSchema(doc: Json): Json {
  const schemas = structuredClone((doc.components as Json).schemas as Json);
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== "object") return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === "example" || k.startsWith("x-") || k === "nullable" || k === "discriminator") continue;
      out[k] = walk(v);
    }
    if ((node as Json).nullable === true) {
      if (typeof out.type === "string") out.type = [out.type, "null"];
      if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
      if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: "null" }] };
    }
    if (typeof out.$ref === "string") out.$ref = `theirs.json${out.$ref}`;
    // A oneOf told apart by a discriminator: check the kind the tag names (if/then), so errors
    // come from that kind only, not from every kind the value is not.
    const disc = (node as Json).discriminator as Json | undefined;
    if (disc?.mapping && Array.isArray(out.oneOf)) {
      const tag = String(disc.propertyName);
      out.allOf = Object.entries(disc.mapping as Record<string, string>).map(([key, ref]) => ({
        if: { properties: { [tag]: { const: key } }, required: [tag] },
        then: { $ref: `theirs.json${ref}` },
      }));
      out.properties = { ...(out.properties as Json), [tag]: { enum: Object.keys(disc.mapping) } };
      delete out.oneOf;
    }
    return out;
  };
  const converted: Json = {};
  for (const [name, s] of Object.entries(schemas)) converted[name] = walk(s);
  // TaskSessionModel lists its kinds (now allOf of if/then) and each kind includes
  // TaskSessionModel with allOf: validating would loop. Each kind includes the base properties
  // only (`<Name>__base`).
  for (const [name, s] of Object.entries(converted)) {
    const schema = s as Json;
    if (!Array.isArray(schema.allOf) || !schema.properties) continue;
    const base = `${name}__base`;
    converted[base] = Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "allOf"));
    for (const other of Object.values(converted)) {
      const allOf = (other as Json).allOf as Json[] | undefined;
      if (allOf)
        for (const part of allOf)
          if (part.$ref === `theirs.json#/components/schemas/${name}`)
            part.$ref = `theirs.json#/components/schemas/${base}`;
    }
  }
  return { $id: "theirs.json", components: { schemas: converted } };
}

function newAjv(theirs: Veeam): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true, validateSchema: false });
  addFormats.default(ajv);
  ajv.addFormat("password", true);
  ajv.addSchema({ ...ours, $id: "ours.json" });
  ajv.addSchema(toJsonSchema(theirs.doc));
  return ajv;
}

const METHODS = ["get", "post", "put", "delete", "patch"];

/** Our operations with their Veeam counterparts (absent: undefined). */
function pairs(theirs: Veeam) {
  return operationsOf(ours).map(({ method, path, op }) => {
    const item = (theirs.doc.paths as Json)[path] as Json | undefined;
    const their = item && METHODS.includes(method) ? (item[method] as Json | undefined) : undefined;
    return { method, path, op, their, id: String(op.operationId) };
  });
}

/** `#/...` pointer of the schema of an operation's JSON 200 (or form request) body. */
function bodySchemaRef(doc: Json, op: Json, where: "200" | "request", prefix: string): string | undefined {
  const holder =
    where === "request"
      ? deref<Json>(doc, op.requestBody)
      : deref<Json>(doc, (op.responses as Json)["200"] ?? (op.responses as Json)["201"]);
  const content = (holder?.content ?? {}) as Json;
  const media = (content["application/json"] ?? content["application/x-www-form-urlencoded"]) as Json | undefined;
  const schema = media?.schema as Json | undefined;
  if (!schema) return undefined;
  if (typeof schema.$ref !== "string") throw new Error(`inline body schema in ${prefix}: give it a component`);
  return `${prefix}${schema.$ref}`;
}

function examplesOf(
  doc: Json,
  op: Json,
  where: "200" | "request",
): Array<{ name: string; value: unknown; description: string }> {
  const holder =
    where === "request" ? deref<Json>(doc, op.requestBody) : deref<Json>(doc, (op.responses as Json)["200"]);
  const out: Array<{ name: string; value: unknown; description: string }> = [];
  for (const media of Object.values((holder?.content ?? {}) as Json) as Json[]) {
    if ("example" in media) out.push({ name: "example", value: media.example, description: "" });
    for (const [name, ex] of Object.entries((media.examples ?? {}) as Json)) {
      const e = deref<Json>(doc, ex);
      out.push({ name, value: e.value, description: typeof e.description === "string" ? e.description : "" });
    }
  }
  return out;
}

/** Instances of a Veeam schema: every property filled, only the required ones, and nullables as null. */
function instances(doc: Json, schemaIn: Json, depth = 0): unknown[] {
  const schema = deref<Json>(doc, schemaIn);
  if (depth > 8) return [{}];
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if (Array.isArray(schema.oneOf)) {
    const disc = schema.discriminator as Json | undefined;
    const mapping = Object.entries((disc?.mapping ?? {}) as Record<string, string>);
    return (schema.oneOf as Json[]).flatMap((branch) => {
      const key = mapping.find(([, ref]) => ref === branch.$ref)?.[0];
      return instances(doc, branch, depth + 1).map((v) =>
        key && disc && v && typeof v === "object" ? { ...(v as Json), [String(disc.propertyName)]: key } : v,
      );
    });
  }
  if (Array.isArray(schema.allOf)) {
    const parts = (schema.allOf as Json[]).map((p) => {
      const s = deref<Json>(doc, p);
      // Veeam's kinds include TaskSessionModel, whose oneOf lists the kinds again: take its own properties.
      return s.oneOf ? { ...s, oneOf: undefined, discriminator: undefined } : s;
    });
    const merged = {
      type: "object",
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})) as Json,
      required: parts.flatMap((p) => (p.required as string[] | undefined) ?? []),
    };
    return instances(doc, merged, depth + 1);
  }
  switch (schema.type) {
    case "object": {
      const props = Object.entries((schema.properties ?? {}) as Json);
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const full: Json = {};
      const minimal: Json = {};
      const nulls: Json = {};
      let nullable = false;
      for (const [name, sub] of props) {
        const [value] = instances(doc, sub as Json, depth + 1);
        full[name] = value;
        if (required.has(name)) minimal[name] = value;
        const resolved = deref<Json>(doc, sub);
        nulls[name] = resolved.nullable ? ((nullable = true), null) : value;
      }
      const variants: unknown[] = [full, minimal];
      if (nullable) variants.push(nulls);
      // One instance per value of each enum-typed property, so every documented value is tried.
      for (const [name, sub] of props) {
        const values = deref<Json>(doc, sub).enum as unknown[] | undefined;
        if (values) for (const v of values.slice(1)) variants.push({ ...full, [name]: v });
      }
      return variants;
    }
    case "array":
      return [[...instances(doc, schema.items as Json, depth + 1).slice(0, 1)], []];
    case "integer":
      return [schema.format === "int64" ? 21474836480 : 3];
    case "number":
      return [1.5];
    case "boolean":
      return [true];
    case "string":
      if (typeof schema.default === "string") return [schema.default];
      if (schema.format === "uuid") return ["3f2b8c1d-4e5a-4b6c-8d7e-9f0a1b2c3d4e"];
      if (schema.format === "date-time") return ["2024-11-09T18:00:30.407+01:00"];
      return ["text"];
    default:
      return [{}];
  }
}

const fmt = (m: Mismatch) =>
  `[${m.revision}] ${m.what}: ${m.error.instancePath || "/"} ${m.error.message} (${m.error.keyword}${
    m.error.keyword === "enum" || m.error.keyword === "type" ? ` ${JSON.stringify(m.error.data)}` : ""
  })`;

/** Mismatches not covered by a named difference. */
function unexplained(mismatches: Mismatch[], direction: Difference["direction"]): string[] {
  return mismatches.filter((m) => !DIFFERENCES.some((d) => d.direction === direction && d.matches(m))).map(fmt);
}

// Only errors at the leaves: ajv reports the failing branch of anyOf/oneOf too; keep the specific ones.
function leafErrors(errors: ErrorObject[] | null | undefined): ErrorObject[] {
  const list = errors ?? [];
  const leaves = list.filter((e) => !["anyOf", "oneOf", "allOf", "if"].includes(e.keyword));
  return leaves.length ? leaves : list;
}

// ---------------------------------------------------------------------------------------------

if (present.length === 0) {
  describe.skip(`backup-replication vs Veeam's OpenAPI: skipped, ${files.join(", ")} not found (set VEEAM_VBR_OPENAPI to a copy of Veeam's document)`, () => {
    it("needs Veeam's document", () => undefined);
  });
}

describe.runIf(present.length > 0)("backup-replication vs Veeam's OpenAPI", () => {
  const docs = present.map(loadVeeam);

  describe.each(docs.map((d) => [d.revision, d] as const))("revision %s", (revision, theirs) => {
    const ajv = newAjv(theirs);
    const ops = pairs(theirs);
    const check = (ref: string, value: unknown): ErrorObject[] => {
      const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
      return validate(value) ? [] : leafErrors(validate.errors);
    };

    it("has every operation of ours that its x-since / x-until say this revision has, and no other", () => {
      const missing = ops.filter((o) => !o.their).map((o) => o.id);
      // Task sessions arrived with 1.2-rev1; POST /api/oauth2/authorization_code left in 1.3-rev0.
      const expected = ops.filter((o) => !inRevision(o.op, revision)).map((o) => o.id);
      expect(missing.sort()).toEqual(expected.sort());
    });

    it("theirs → ours, members: every member and enum value of Veeam's bodies is declared in ours", () => {
      // Our response schemas are open (ADR 16): validation cannot see a member we do not declare.
      const lines: string[] = [];
      for (const { id, op, their } of ops) {
        if (!their) continue;
        for (const where of ["200", "request"] as const) {
          if (where === "request" && !their.requestBody) continue;
          const mine = bodySchemaRef(ours, op, where, "");
          const theirRef = bodySchemaRef(theirs.doc, their, where, "");
          if (!mine || !theirRef) continue;
          lines.push(...missingMembers(theirs.doc, { $ref: theirRef }, ours, { $ref: mine }, `${id} ${where}`));
        }
      }
      const unnamed = lines.filter((l) => !MEMBER_DIFFERENCES.some((d) => d.matches(l, revision)));
      expect(unnamed).toEqual([]);
    });

    it("has every Veeam parameter, with the same location and a schema that accepts Veeam's values", () => {
      const problems: string[] = [];
      for (const { id, op, their, path, method } of ops) {
        if (!their) continue;
        const item = deref<Json>(ours, (ours.paths as Json)[path]);
        const mine = [...((item.parameters as Json[]) ?? []), ...((op.parameters as Json[]) ?? [])].map((p) =>
          deref<Json>(ours, p),
        );
        const theirItem = (theirs.doc.paths as Json)[path] as Json;
        for (const p of [...((theirItem.parameters as Json[]) ?? []), ...((their.parameters as Json[]) ?? [])]) {
          const tp = deref<Json>(theirs.doc, p);
          const match = mine.find((m) => m.name === tp.name && m.in === tp.in);
          if (!match) {
            problems.push(`${id} (${method} ${path}): no ${String(tp.in)} parameter ${String(tp.name)}`);
            continue;
          }
          if (Boolean(match.required) !== Boolean(tp.required))
            problems.push(
              `${id}: ${String(tp.name)} required ${String(match.required)} vs Veeam ${String(tp.required)}`,
            );
          const values = instances(theirs.doc, tp.schema as Json);
          const validate = ajv.compile({
            $id: `param-${id}-${String(tp.name)}-${Math.random()}`,
            ...resolveRefs(match.schema as Json),
          });
          for (const v of values) {
            // A single value of a parameter we declare as an array goes on the wire the same way.
            const value = (match.schema as Json).type === "array" && !Array.isArray(v) ? [v] : v;
            if (!validate(value))
              problems.push(
                `${id}: ${String(tp.name)}=${JSON.stringify(v)} refused: ${ajv.errorsText(validate.errors)}`,
              );
          }
        }
        // And nothing of ours that Veeam does not have, except the paging/filters of the per-session task list before 1.3-rev1.
        for (const m of mine) {
          const known = [...((theirItem.parameters as Json[]) ?? []), ...((their.parameters as Json[]) ?? [])]
            .map((p) => deref<Json>(theirs.doc, p))
            .some((tp) => tp.name === m.name && tp.in === m.in);
          const taskFiltersBefore131 = id === "listSessionTaskSessions" && m.in === "query";
          const statusFilterBefore13 = m.name === "statusFilter" && /^1\.[012]-/.test(revision);
          if (!known && !taskFiltersBefore131 && !statusFilterBefore13)
            problems.push(`${id}: our ${String(m.in)} parameter ${String(m.name)} is not in Veeam's ${revision}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it("answers every status code Veeam documents for these operations", () => {
      const problems: string[] = [];
      for (const { id, op, their } of ops) {
        if (!their) continue;
        for (const code of Object.keys(their.responses as Json))
          if (!(code in (op.responses as Json))) problems.push(`${id}: no ${code}`);
      }
      expect(problems).toEqual([]);
    });

    it("lists every value of Veeam's enumerations (ours are open, but the values are documented)", () => {
      const problems: string[] = [];
      const theirSchemas = (theirs.doc.components as Json).schemas as Json;
      const ourSchemas = (ours.components as Json).schemas as Json;
      for (const [name, s] of Object.entries(ourSchemas)) {
        const their = theirSchemas[name] as Json | undefined;
        if (!their?.enum) continue;
        const listed = new Set<unknown>(
          [(s as Json).enum, ...(((s as Json).anyOf as Json[] | undefined) ?? []).map((b) => b.enum)]
            .flat()
            .filter((v) => v !== undefined),
        );
        for (const v of their.enum as unknown[])
          if (!listed.has(v)) problems.push(`${name}: ${JSON.stringify(v)} not listed`);
      }
      expect(problems).toEqual([]);
    });

    it("theirs → ours: Veeam's samples and instances of Veeam's schemas validate against ours", () => {
      const mismatches: Mismatch[] = [];
      let checked = 0;
      for (const { id, op, their } of ops) {
        if (!their) continue;
        for (const where of ["200", "request"] as const) {
          if (where === "request" && !their.requestBody) continue;
          const mine = bodySchemaRef(ours, op, where, "ours.json");
          const theirRef =
            where === "request"
              ? deref<Json>(theirs.doc, their.requestBody)
              : deref<Json>(theirs.doc, (their.responses as Json)["200"]);
          const media = Object.values((theirRef?.content ?? {}) as Json)[0] as Json | undefined;
          if (!mine || !media?.schema) continue;
          const values = [
            ...examplesOf(theirs.doc, their, where).map((e) => ({ origin: `sample ${e.name}`, value: e.value })),
            ...instances(theirs.doc, media.schema as Json).map((value, i) => ({ origin: `generated #${i}`, value })),
          ];
          for (const { origin, value } of values) {
            checked++;
            const label =
              where === "request"
                ? `${id} request ${origin} ${JSON.stringify((value as Json)?.grant_type ?? "")}`
                : `${id} ${origin}`;
            for (const error of check(mine, value)) mismatches.push({ revision, what: label, error });
          }
        }
      }
      expect(checked).toBeGreaterThan(20);
      expect(unexplained(mismatches, "theirs→ours")).toEqual([]);
    });

    it("ours → theirs: every example of ours validates against Veeam's schema of the operation", () => {
      const mismatches: Mismatch[] = [];
      let checked = 0;
      for (const { id, op, their } of ops) {
        if (!their) continue;
        for (const where of ["200", "request"] as const) {
          if (where === "request" && !op.requestBody) continue;
          const theirRef = bodySchemaRef(theirs.doc, their, where, "theirs.json");
          if (!theirRef) continue;
          for (const ex of examplesOf(ours, op, where)) {
            checked++;
            for (const error of check(theirRef, ex.value))
              mismatches.push({ revision, what: `${id} example ${ex.name}`, error });
          }
        }
      }
      expect(checked).toBeGreaterThan(5);
      expect(unexplained(mismatches, "ours→theirs")).toEqual([]);
    });
  });
});

/** Our parameter schemas hold local `#/components/...` refs: point them at our document. */
function resolveRefs(node: Json): Json {
  return JSON.parse(JSON.stringify(node).replace(/"\$ref":"#\//g, '"$ref":"ours.json#/')) as Json;
}
