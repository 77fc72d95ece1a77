// Enterprise Manager 13 answers JSON with camelCase member names (`jobUid`, `creationTimeUTC`,
// `uid`); EM 12 and earlier, and the types, use the schema's names (`JobUid`, `UID`). The client
// hands the caller one shape whatever the server: a camelCase body is renamed back to the
// schema's names (spec/ADR.md 9). The names come from the spec at generate time
// (generated/enterprise-manager.casing.js: camelCase → schema name); a member the spec does not
// know keeps the name the server sent.
import names from "../generated/enterprise-manager.casing.js";

const toSchema = new Map<string, string>(Object.entries(names));

function rename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rename);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) out[toSchema.get(key) ?? key] = rename(member);
  return out;
}

/**
 * The body in the schema's casing. The first member name decides (a server does not mix the
 * two): a PascalCase body is returned as it is, without a copy, so the EM 12 path costs one lookup.
 */
export function toSchemaCasing(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  for (const key in value) return toSchema.has(key) ? rename(value) : value;
  return value;
}
