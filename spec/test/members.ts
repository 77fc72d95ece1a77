// The "both ways" member check of the compatibility tests: every member (and enum value) that
// Veeam's schema lists must be declared by ours too. Validating Veeam's instances against our
// schemas cannot show a missing member, because our response schemas are open (ADR 16): an
// undeclared member validates silently (issue 24, A1: `JobSession` lacked eight `*JobInfo`
// members and the test passed). This walk compares the declarations themselves.
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Follows `$ref`s (`#/…` pointers into `doc`) until a schema that is not a reference. */
function resolve(doc: Json, node: unknown): Json | undefined {
  let n = node;
  for (let i = 0; isObj(n) && typeof n.$ref === "string" && i < 20; i++) {
    const ref: string = n.$ref;
    n = ref
      .slice(2)
      .split("/")
      .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((acc, k) => (isObj(acc) ? acc[k] : undefined), doc);
  }
  return isObj(n) ? n : undefined;
}

/** A schema and every branch it composes (`allOf`, `anyOf`, `oneOf`), references followed. */
function branches(doc: Json, node: unknown, seen = new Set<Json>()): Json[] {
  const s = resolve(doc, node);
  if (!s || seen.has(s)) return [];
  seen.add(s);
  const out = [s];
  for (const key of ["allOf", "anyOf", "oneOf"] as const)
    for (const b of (s[key] as unknown[] | undefined) ?? []) out.push(...branches(doc, b, seen));
  return out;
}

/** Every property a schema declares, across its branches (a name may be declared by several: a `oneOf` of grants). */
function properties(doc: Json, node: unknown): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const b of branches(doc, node))
    for (const [k, v] of Object.entries((b.properties as Json | undefined) ?? {}))
      out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}

function enumValues(doc: Json, node: unknown): Set<unknown> | undefined {
  const bs = branches(doc, node);
  const values = bs.flatMap((b) => (Array.isArray(b.enum) ? (b.enum as unknown[]) : "const" in b ? [b.const] : []));
  return values.length ? new Set(values) : undefined;
}

const itemsOf = (doc: Json, node: unknown) => branches(doc, node).find((b) => b.items !== undefined)?.items;
const mapOf = (doc: Json, node: unknown) =>
  branches(doc, node).find((b) => isObj(b.additionalProperties))?.additionalProperties;

/**
 * What Veeam's schema `theirs` (in `theirDoc`) lists that our schema `ours` (in `ourDoc`) does
 * not: one line per member or enum value, named by its path from `label`. Members both declare
 * are compared in turn (items of arrays, values of maps too).
 */
export function missingMembers(
  theirDoc: Json,
  theirs: unknown,
  ourDoc: Json,
  ours: unknown,
  label: string,
  seen = new Set<string>(),
): string[] {
  const t = resolve(theirDoc, theirs);
  const o = resolve(ourDoc, ours);
  if (!t || !o) return [];
  const key = `${JSON.stringify(isObj(theirs) ? theirs.$ref : label)} ${JSON.stringify(isObj(ours) ? ours.$ref : label)}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const out: string[] = [];
  const theirValues = enumValues(theirDoc, theirs);
  const ourValues = enumValues(ourDoc, ours);
  if (theirValues && ourValues)
    for (const v of theirValues) if (!ourValues.has(v)) out.push(`${label}: enum value ${JSON.stringify(v)}`);
  const theirProps = properties(theirDoc, theirs);
  const ourProps = properties(ourDoc, ours);
  for (const [name, [sub]] of theirProps) {
    const mine = ourProps.get(name);
    if (mine === undefined) out.push(`${label}.${name}`);
    else
      out.push(
        ...missingMembers(
          theirDoc,
          sub,
          ourDoc,
          mine.length === 1 ? mine[0] : { anyOf: mine },
          `${label}.${name}`,
          seen,
        ),
      );
  }
  const theirItems = itemsOf(theirDoc, theirs);
  const ourItems = itemsOf(ourDoc, ours);
  if (theirItems && ourItems) out.push(...missingMembers(theirDoc, theirItems, ourDoc, ourItems, `${label}[]`, seen));
  const theirMap = mapOf(theirDoc, theirs);
  const ourMap = mapOf(ourDoc, ours);
  if (theirMap && ourMap) out.push(...missingMembers(theirDoc, theirMap, ourDoc, ourMap, `${label}{}`, seen));
  return out;
}
