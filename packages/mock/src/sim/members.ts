// Members named by the profile, in a record's body and in its schema. A member may be a path
// (`result.result`: Backup & Replication keeps a session's result in an object), and a schema
// may build its members with allOf, or choose between kinds with oneOf/anyOf (a task session of
// Backup & Replication): every member any branch declares counts.
import { isObject, type Json } from "@veeam-sessions/spec";
import type { SpecModel } from "./model.js";

const parts = (path: string) => path.split(".");

/** The value at `path` in `body`, or undefined. */
export function getMember(body: Json, path: string | undefined): unknown {
  if (!path) return undefined;
  let node: unknown = body;
  for (const p of parts(path)) {
    if (!isObject(node)) return undefined;
    node = node[p];
  }
  return node;
}

/** Sets the value at `path`, making the objects on the way. */
export function setMember(body: Json, path: string, value: unknown): void {
  const names = parts(path);
  let node = body;
  for (const p of names.slice(0, -1)) {
    if (!isObject(node[p])) node[p] = {};
    node = node[p] as Json;
  }
  node[names.at(-1)!] = value;
}

/** Removes the member at `path` (no-op where the path does not exist). */
export function deleteMember(body: Json, path: string): void {
  const names = parts(path);
  const parent = names.length === 1 ? body : getMember(body, names.slice(0, -1).join("."));
  if (isObject(parent)) delete parent[names.at(-1)!];
}

/** Every member a schema declares, through `$ref`, `allOf`, `oneOf` and `anyOf`. */
export function propertiesOf(model: SpecModel, schema: unknown, depth = 0): Record<string, Json> {
  if (!isObject(schema) || depth > 8) return {};
  if (typeof schema.$ref === "string")
    return propertiesOf(model, model.schema(schema.$ref.split("/").pop()!), depth + 1);
  const out: Record<string, Json> = {};
  for (const key of ["allOf", "oneOf", "anyOf"])
    for (const branch of (schema[key] as unknown[] | undefined) ?? [])
      Object.assign(out, propertiesOf(model, branch, depth + 1));
  Object.assign(out, (schema.properties ?? {}) as Record<string, Json>);
  return out;
}

/** The schema of the member at `path`, or undefined when the schema does not declare it. */
export function memberSchema(model: SpecModel, schema: unknown, path: string | undefined): Json | undefined {
  if (!path) return undefined;
  let node: unknown = schema;
  for (const p of parts(path)) {
    const props = propertiesOf(model, node);
    if (!(p in props)) return undefined;
    node = props[p];
  }
  return node as Json;
}
