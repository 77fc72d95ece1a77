// Every XML example in the bundled Enterprise Manager spec must decode to its JSON twin (same
// example key, same response), and encode -> decode must give the value back.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createXmlCodec } from "../../src/index.js";

type Json = Record<string, unknown>;

const require = createRequire(import.meta.url);
const specFile = join(dirname(require.resolve("@veeam-sessions/spec/package.json")), "dist", "enterprise-manager.json");
const doc: Json | undefined = existsSync(specFile) ? (JSON.parse(readFileSync(specFile, "utf8")) as Json) : undefined;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Follows local `$ref`s (responses, examples live in components). */
function deref(root: Json, v: unknown): unknown {
  let cur = v;
  for (let hops = 0; isObject(cur) && typeof cur.$ref === "string" && hops < 32; hops++) {
    const pointer = cur.$ref;
    if (!pointer.startsWith("#/")) throw new Error(`non-local $ref ${pointer} in the bundled spec`);
    cur = pointer
      .slice(2)
      .split("/")
      .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), root);
  }
  return cur;
}

interface Pair {
  name: string;
  schema: object;
  xml: unknown;
  json: unknown;
}

function collectPairs(root: Json): Pair[] {
  const pairs: Pair[] = [];
  const paths = isObject(root.paths) ? root.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isObject(op) || !isObject(op.responses)) continue;
      for (const [status, r] of Object.entries(op.responses)) {
        const response = deref(root, r);
        if (!isObject(response) || !isObject(response.content)) continue;
        const xml = response.content["application/xml"];
        const json = response.content["application/json"];
        if (!isObject(xml) || !isObject(json) || !isObject(xml.examples) || !isObject(json.examples)) continue;
        for (const key of Object.keys(xml.examples)) {
          if (!(key in json.examples)) continue;
          const xe = deref(root, xml.examples[key]);
          const je = deref(root, json.examples[key]);
          pairs.push({
            name: `${method.toUpperCase()} ${path} ${status} [${key}]`,
            schema: xml.schema as object,
            xml: isObject(xe) ? xe.value : undefined,
            json: isObject(je) ? je.value : undefined,
          });
        }
      }
    }
  }
  return pairs;
}

const pairs = doc === undefined ? [] : collectPairs(doc);
const codec = doc === undefined ? undefined : createXmlCodec(doc);

describe("Enterprise Manager spec: XML examples decode to their JSON twins", () => {
  it("the bundled spec exists and pairs XML with JSON examples", () => {
    if (doc === undefined) {
      throw new Error(
        `${specFile} does not exist. Bundle the spec first: \`npx -y pnpm@12.25.1 --filter @veeam-sessions/spec bundle\` ` +
          "(the turbo `test` task runs `bundle` first).",
      );
    }
    expect(
      pairs.length,
      "no response offers application/xml and application/json examples under a shared key",
    ).toBeGreaterThan(0);
  });

  for (const p of pairs) {
    it(p.name, () => {
      expect(typeof p.xml, "the XML example's value must be a string").toBe("string");
      const value = codec!.decode(p.xml as string, p.schema);
      expect(value).toStrictEqual(p.json);
      expect(codec!.decode(codec!.encode(value, p.schema), p.schema)).toStrictEqual(value);
    });
  }
});
