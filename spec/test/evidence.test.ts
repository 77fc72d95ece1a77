// Every member and enum value of every schema names its evidence (issue 24, "Evidence"): the
// page or document it follows (`x-veeam-reference`, on the member or on the component schema it
// belongs to) or a real capture (`x-veeam-evidence`, naming the recording). A member with
// neither is a guess; this test counts them, and the count must be 0.
import { describe, expect, it } from "vitest";
import { apis, loadBundled, type Json } from "@veeam-sessions/spec";

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const cites = (node: Json) =>
  (typeof node["x-veeam-reference"] === "string" && node["x-veeam-reference"].trim() !== "") ||
  (typeof node["x-veeam-evidence"] === "string" && node["x-veeam-evidence"].trim() !== "");

/** Members (`Schema.member`, `Schema.member[]`, …) and enum values (`Schema = "value"`) with no evidence. */
function uncited(name: string, schema: Json): { members: number; missing: string[] } {
  let members = 0;
  const missing: string[] = [];
  const walk = (node: unknown, path: string, cited: boolean): void => {
    if (!isObj(node)) return;
    const here = cited || cites(node);
    for (const value of (node.enum as unknown[] | undefined) ?? []) {
      members++;
      if (!here) missing.push(`${path} = ${JSON.stringify(value)}`);
    }
    for (const [key, sub] of Object.entries((node.properties as Json | undefined) ?? {})) {
      members++;
      if (!here && !(isObj(sub) && cites(sub))) missing.push(`${path}.${key}`);
      walk(sub, `${path}.${key}`, here);
    }
    for (const key of ["anyOf", "oneOf", "allOf"] as const)
      for (const [i, sub] of ((node[key] as unknown[] | undefined) ?? []).entries())
        walk(sub, `${path}/${key}${i}`, here);
    walk(node.items, `${path}[]`, here);
    walk(node.additionalProperties, `${path}{}`, here);
  };
  walk(schema, name, false);
  return { members, missing };
}

describe("evidence: every member and enum value cites a page, a document or a capture", () => {
  for (const api of apis()) {
    it(`${api.slug}: 0 members without evidence`, () => {
      const doc = loadBundled(api.slug);
      const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
      let members = 0;
      const missing: string[] = [];
      for (const [name, schema] of Object.entries(schemas)) {
        const r = uncited(name, schema as Json);
        members += r.members;
        missing.push(...r.missing);
      }
      expect(members).toBeGreaterThan(20);
      expect(missing, `${missing.length} of ${members} members cite nothing`).toEqual([]);
    });
  }

  it("counts a member without evidence (the check can fail)", () => {
    const r = uncited("Guess", {
      type: "object",
      properties: { cited: { type: "string", "x-veeam-evidence": "fixtures/x.body.json" }, guessed: { enum: ["A"] } },
    });
    expect(r.members).toBe(3);
    expect(r.missing).toEqual(["Guess.guessed", 'Guess.guessed = "A"']);
  });
});
