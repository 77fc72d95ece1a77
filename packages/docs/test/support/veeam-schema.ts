// Checks an answer against one of Veeam's own OpenAPI documents (3.0): it must validate
// against the operation's response schema, and carry no member the document does not declare
// (Veeam's schemas are open, so validation alone would let any extra member through). The
// differences the spec records on purpose (spec/ADR.md 18, "Differences on purpose") are named
// in DIFFERENCES; every other finding is returned.
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/* eslint-disable @typescript-eslint/no-explicit-any -- OpenAPI documents are read as plain JSON */
type Json = Record<string, any>;

/** (method, path, status, body) → what is wrong with the body in that document's terms. */
export type VeeamChecker = (method: string, path: string, status: string, body: unknown) => string[];

/** A finding the spec accepts on purpose, and why (each in spec/ADR.md 18). */
const DIFFERENCES: { why: string; matches(finding: string): boolean }[] = [
  {
    why: "ADR 18, 6: Veeam's SessionProgress requires transferredSize, but every Veeam sample sends `transferedSize` (one r); the simulator sends what the samples send.",
    matches: (f) =>
      /\/progress: must have required property 'transferredSize'/.test(f) ||
      /\/progress\/transferedSize: not declared/.test(f),
  },
];

export function veeamChecker(doc: Json): VeeamChecker {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats.default(ajv);
  ajv.addSchema(toJsonSchema(doc));
  return (method, path, status, body) => {
    const op = doc.paths?.[path]?.[method.toLowerCase()];
    if (!op) return [`${method} ${path} is not in the document`];
    const response = deref(doc, op.responses?.[status]);
    const schema = response?.content?.["application/json"]?.schema as Json | undefined;
    if (!schema)
      return body === undefined || isEmpty(body)
        ? []
        : [`${method} ${path} ${status} has no JSON body in the document`];
    const ref = typeof schema.$ref === "string" ? `theirs.json${schema.$ref}` : undefined;
    const validate = ref ? (ajv.getSchema(ref) ?? ajv.compile({ $ref: ref })) : ajv.compile(schema);
    const findings = validate(body) ? [] : leaves(validate.errors).map((e) => `${e.instancePath || "/"}: ${e.message}`);
    findings.push(...undeclared(doc, schema, body, "").map((p) => `${p}: not declared`));
    return findings.filter((f) => !DIFFERENCES.some((d) => d.matches(f)));
  };
}

const isEmpty = (v: unknown) => typeof v === "object" && v !== null && Object.keys(v).length === 0;

function deref(doc: Json, node: any, depth = 0): any {
  if (!node || typeof node.$ref !== "string" || depth > 20) return node;
  const target = node.$ref
    .slice(2)
    .split("/")
    .reduce((n: any, k: string) => n?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  return deref(doc, target, depth + 1);
}

/** Only errors at the leaves: ajv also reports the failing branches of anyOf/oneOf/if. */
function leaves(errors: ErrorObject[] | null | undefined): ErrorObject[] {
  const list = errors ?? [];
  const found = list.filter((e) => !["anyOf", "oneOf", "allOf", "if"].includes(e.keyword));
  return found.length ? found : list;
}

/** Members of `value` that `schema` does not declare (through $ref, allOf, and oneOf picked by its discriminator). */
function undeclared(doc: Json, schema: any, value: unknown, path: string, depth = 0): string[] {
  if (depth > 30 || value === null || typeof value !== "object") return [];
  const s = deref(doc, schema);
  if (!s) return [];
  if (Array.isArray(value))
    return s.items ? value.flatMap((v, i) => undeclared(doc, s.items, v, `${path}/${i}`, depth + 1)) : [];
  const props = new Map<string, any>();
  const collect = (node: any, d: number) => {
    const n = deref(doc, node);
    if (!n || d > 12) return;
    for (const [k, p] of Object.entries<any>(n.properties ?? {})) if (!props.has(k)) props.set(k, p);
    for (const part of n.allOf ?? []) collect(part, d + 1);
    const disc = n.discriminator;
    const tag = disc ? (value as Json)[disc.propertyName] : undefined;
    if (disc?.mapping && typeof tag === "string" && disc.mapping[tag]) collect({ $ref: disc.mapping[tag] }, d + 1);
    else for (const branch of [...(n.oneOf ?? []), ...(n.anyOf ?? [])]) collect(branch, d + 1);
  };
  collect(s, 0);
  if (props.size === 0) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value as Json)) {
    const p = props.get(k);
    if (!p) out.push(`${path}/${k}`);
    else out.push(...undeclared(doc, p, v, `${path}/${k}`, depth + 1));
  }
  return out;
}

/** OpenAPI 3.0 → JSON Schema 2020-12 for ajv: `nullable`, no `example`/`x-*`, Veeam's task session allOf cycle broken. */
function toJsonSchema(doc: Json): Json {
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
    // A oneOf told apart by a discriminator: check the kind the tag names (if/then).
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
  for (const [name, s] of Object.entries<any>(doc.components?.schemas ?? {})) converted[name] = walk(s);
  // Each task session kind includes TaskSessionModel (allOf), which lists the kinds again: each
  // kind includes the base's own properties only (`<Name>__base`), or validation would loop.
  for (const [name, s] of Object.entries<any>(converted)) {
    if (!Array.isArray(s.allOf) || !s.properties) continue;
    const base = `${name}__base`;
    converted[base] = Object.fromEntries(Object.entries(s).filter(([k]) => k !== "allOf"));
    for (const other of Object.values<any>(converted))
      for (const part of other.allOf ?? [])
        if (part.$ref === `theirs.json#/components/schemas/${name}`)
          part.$ref = `theirs.json#/components/schemas/${base}`;
  }
  return { $id: "theirs.json", components: { schemas: converted } };
}
