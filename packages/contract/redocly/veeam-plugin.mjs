// Redocly plugin `veeam`: checks the spec's own examples against their schemas, in place of
// Redocly's `no-invalid-media-type-examples` (off: it reads XML example strings as JSON
// instances, Redocly/redocly-cli#1276; see spec/ADR.md #4).
//
//   veeam/xml-examples-valid   every example of an XML media type (application/xml, text/xml,
//                              *+xml) must be a string that @veeam-sessions/xml decodes against
//                              the media type's schema (root element and namespace included),
//                              and the decoded value must validate against that schema (ajv).
//   veeam/json-examples-valid  every example of a JSON media type (application/json, *+json) or
//                              of a form (application/x-www-form-urlencoded, multipart/form-data)
//                              must validate against the media type's schema (ajv).
//
// Both check `example` and every `examples` entry with a `value` (an `externalValue` is not
// fetched), of request bodies and responses. ajv is the contract package's own setup
// (src/ajv.ts, built to dist/ajv.js): JSON Schema 2020-12, ajv-formats, strict mode with OpenAPI's
// `xml`, `example`, `externalDocs`, `discriminator` (and any `x-` keys) registered; so a schema
// ajv cannot compile is reported too.
//
// XML examples show what a server sends: an element or attribute the schema does not name, or a
// child out of the schema's property order (the XSD sequence), is reported (the codec's drift).
// Option (both rules): `unknown: error` makes those (and stray text) a decode failure instead.
//
// Plain JavaScript on purpose: Redocly loads it as it is. It needs the built codec
// (packages/xml/dist) and the built ajv setup (packages/contract/dist/ajv.js); turbo builds both
// before `@veeam-sessions/spec#lint`. They are imported here, not at the top, so `redocly bundle`
// (which loads the config and its plugins too) works before anything is built.
import { basename } from "node:path";

/** The codec module, or why it could not be loaded. */
let codecModule;
try {
  codecModule = await import("@veeam-sessions/xml");
} catch (error) {
  codecModule = error instanceof Error ? error : new Error(String(error));
}

/** The contract package's ajv setup (dist/ajv.js), or why it could not be loaded. */
let ajvModule;
try {
  ajvModule = await import("@veeam-sessions/contract/ajv");
} catch (error) {
  ajvModule = error instanceof Error ? error : new Error(String(error));
}
/** Keywords whose values are data, not subschemas (the contract's list once it is built). */
const DATA_KEYWORDS = ajvModule instanceof Error ? new Set() : ajvModule.DATA_KEYWORDS;
const BASE = "https://veeam-sessions.invalid/lint.json";
const SCHEMAS = "#/components/schemas/";

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const escapeToken = (t) => t.replace(/~/g, "~0").replace(/\//g, "~1");
const unescapeToken = (t) => t.replace(/~1/g, "/").replace(/~0/g, "~");

/** "xml", "json" or undefined for a media type key. */
function kindOf(mediaType) {
  const t = mediaType.split(";")[0].trim().toLowerCase();
  if (t === "application/xml" || t === "text/xml" || t.endsWith("+xml")) return "xml";
  if (
    t === "application/json" ||
    t.endsWith("+json") ||
    t === "application/x-www-form-urlencoded" ||
    t === "multipart/form-data"
  )
    return "json";
  return undefined;
}

/**
 * Copies schemas out of the split source files into one document: every `$ref` (to another
 * file or within one) becomes `#/components/schemas/<Name>`, named after the target's last
 * pointer segment or its file (`../components/schemas/Link.yaml` → `Link`), the name the XML
 * codec takes for an element when the schema has no `xml.name`.
 */
function createBundler() {
  const names = new Map();
  const used = new Set();
  const defs = {};
  function nameFor(location) {
    const pointer = location.pointer ?? "";
    const last = pointer.replace(/^#\/?/, "") === "" ? "" : unescapeToken(pointer.split("/").pop());
    const base = last !== "" ? last : basename(location.source.absoluteRef).replace(/\.(ya?ml|json)$/i, "");
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  }
  function rewrite(node, from, resolve) {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, from, resolve));
    if (!isObject(node)) return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") {
        const target = resolve(node, from);
        if (!target.location || target.node === undefined) throw new Error(`cannot resolve $ref ${v}`);
        const key = `${target.location.source.absoluteRef}${target.location.pointer}`;
        let name = names.get(key);
        if (name === undefined) {
          name = nameFor(target.location);
          names.set(key, name);
          defs[name] = {};
          defs[name] = rewrite(target.node, target.location.source.absoluteRef, resolve);
        }
        out.$ref = `${SCHEMAS}${escapeToken(name)}`;
      } else if (DATA_KEYWORDS.has(k)) out[k] = v;
      else out[k] = rewrite(v, from, resolve);
    }
    return out;
  }
  return { defs, rewrite };
}

/** Deep copy with `#/components/schemas/X` → `<BASE>#/$defs/X`, for ajv. */
const rebase = (node) => ajvModule.rebase(node, BASE);

/** The contract's ajv holding these component schemas under BASE. */
const createAjv = (schemas) => ajvModule.ajvForDocument({ components: { schemas } }, BASE);

function show(v) {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

function describe(e) {
  const where = e.instancePath === "" ? "the value" : e.instancePath;
  switch (e.keyword) {
    case "required":
      return `${where} lacks the required property "${e.params.missingProperty}"`;
    case "enum":
      return `${where} must be one of ${e.params.allowedValues.map(show).join(", ")}; got ${show(e.data)}`;
    case "const":
      return `${where} must be ${show(e.params.allowedValue)}; got ${show(e.data)}`;
    case "type":
      return `${where} must be of type ${[].concat(e.params.type).join(" or ")}; got ${show(e.data)}`;
    case "pattern":
      return `${where} must match ${e.params.pattern}; got ${show(e.data)}`;
    default:
      return `${where} ${e.message}`;
  }
}

/**
 * For a value that matches none of a top-level `anyOf`/`oneOf`: the errors of the alternative
 * whose properties the value uses most (then: with the fewest errors), instead of every
 * alternative's errors at once.
 */
function closest(ajv, defs, schema, value, errors) {
  const composite = errors.some(
    (e) =>
      e.instancePath === "" && (e.keyword === "anyOf" || (e.keyword === "oneOf" && e.params.passingSchemas == null)),
  );
  if (!composite || !isObject(value)) return { errors };
  let node = schema;
  for (let hops = 0; isObject(node) && typeof node.$ref === "string" && hops < 32; hops++)
    node = defs[unescapeToken(node.$ref.slice(SCHEMAS.length))];
  const alternatives = isObject(node) ? (node.anyOf ?? node.oneOf) : undefined;
  if (!Array.isArray(alternatives) || alternatives.length < 2) return { errors };
  const keys = Object.keys(value);
  let best;
  for (const alt of alternatives) {
    let target = alt;
    for (let hops = 0; isObject(target) && typeof target.$ref === "string" && hops < 32; hops++)
      target = defs[unescapeToken(target.$ref.slice(SCHEMAS.length))];
    const properties = isObject(target) && isObject(target.properties) ? Object.keys(target.properties) : [];
    const validate = ajv.compile(rebase(alt));
    if (validate(value)) return { errors };
    const errs = validate.errors ?? [];
    const used = keys.filter((k) => properties.includes(k)).length;
    if (best === undefined || used > best.used || (used === best.used && errs.length < best.errors.length)) {
      best = {
        errors: errs,
        used,
        as: isObject(alt) && typeof alt.$ref === "string" ? unescapeToken(alt.$ref.slice(SCHEMAS.length)) : undefined,
      };
    }
  }
  return best ?? { errors };
}

/** The location of `instancePath` inside an inline JSON example value, when it exists there. */
function locationIn(location, value, instancePath) {
  if (instancePath === "") return location;
  const segments = instancePath.slice(1).split("/").map(unescapeToken);
  let node = value;
  for (const s of segments) {
    if (!isObject(node) && !Array.isArray(node)) return location;
    node = node[s];
  }
  return node === undefined ? location : location.child(segments);
}

function examplesRule(kind) {
  return function rule(options = {}) {
    const unknown = options.unknown === "error" ? "error" : "ignore";
    let found = [];
    return {
      Root: {
        enter() {
          found = [];
        },
        leave(_root, ctx) {
          if (found.length === 0) return;
          if (ajvModule instanceof Error) {
            ctx.report({
              message: `Cannot check examples: @veeam-sessions/contract is not built (run \`pnpm --filter @veeam-sessions/contract build\`): ${ajvModule.message.split("\n")[0]}`,
              location: found[0].schemaLocation,
            });
            return;
          }
          if (kind === "xml" && codecModule instanceof Error) {
            ctx.report({
              message: `Cannot check XML examples: @veeam-sessions/xml is not built (run \`pnpm --filter @veeam-sessions/xml build\`): ${codecModule.message.split("\n")[0]}`,
              location: found[0].schemaLocation,
            });
            return;
          }
          const bundler = createBundler();
          const roots = [];
          for (const f of found) {
            try {
              roots.push(bundler.rewrite(f.schema, f.from, f.resolve));
            } catch (error) {
              roots.push(undefined);
              ctx.report({ message: `Cannot read the schema: ${error.message}`, location: f.schemaLocation });
            }
          }
          let ajv;
          try {
            ajv = createAjv(bundler.defs);
          } catch (error) {
            ctx.report({
              message: `The schemas cannot be compiled by ajv (strict, 2020-12): ${error.message}`,
              location: found[0].schemaLocation,
            });
            return;
          }
          const codec =
            kind === "xml"
              ? codecModule.createXmlCodec({ openapi: "3.1.0", components: { schemas: bundler.defs } })
              : undefined;
          found.forEach((f, i) => {
            const schema = roots[i];
            if (schema === undefined) return;
            let validate;
            try {
              validate = ajv.compile(rebase(schema));
            } catch (error) {
              ctx.report({
                message: `The schema cannot be compiled by ajv (strict, 2020-12): ${error.message}`,
                location: f.schemaLocation,
              });
              return;
            }
            for (const ex of f.examples) {
              const label = `${kind === "xml" ? "XML" : "JSON"} example "${ex.name}" (${f.mediaType})`;
              let value = ex.value;
              if (kind === "xml") {
                if (typeof value !== "string") {
                  ctx.report({ message: `${label} must be a string holding the XML document.`, location: ex.location });
                  continue;
                }
                const drift = [];
                try {
                  value = codec.decode(value, schema, { unknown, drift });
                } catch (error) {
                  ctx.report({
                    message: `${label} does not decode against the schema: ${error.message}.`,
                    location: ex.location,
                  });
                  continue;
                }
                // An example shows what a server sends: no element or attribute the schema does
                // not name (a component's name for a property's), none out of the XSD sequence.
                for (const d of drift) {
                  const what =
                    d.code === "OUT_OF_ORDER"
                      ? `the element <${d.name}> after <${d.after}>, against the schema's order`
                      : `the ${d.code === "UNKNOWN_ELEMENT" ? "element" : "attribute"} ${d.name}, which the schema does not name`;
                  ctx.report({
                    message: `${label} has ${what} (in ${d.path || "the root"}, line ${d.line}, column ${d.column}).`,
                    location: ex.location,
                  });
                }
              }
              if (validate(value)) continue;
              const { errors, as } = closest(ajv, bundler.defs, schema, value, validate.errors ?? []);
              for (const e of errors) {
                ctx.report({
                  message: `${label}${kind === "xml" ? ", decoded," : ""} does not conform to the schema${as ? ` (checked as ${as}, the closest alternative)` : ""}: ${describe(e)} (${e.keyword}).`,
                  location: kind === "xml" ? ex.location : locationIn(ex.location, ex.value, e.instancePath),
                });
              }
            }
          });
        },
      },
      MediaType: {
        leave(mediaType, ctx) {
          const key = String(ctx.key);
          if (kindOf(key) !== kind || !isObject(mediaType) || mediaType.schema === undefined) return;
          const from = ctx.location.source.absoluteRef;
          const examples = [];
          if (mediaType.example !== undefined)
            examples.push({ name: "example", value: mediaType.example, location: ctx.location.child(["example"]) });
          if (isObject(mediaType.examples)) {
            for (const [name, raw] of Object.entries(mediaType.examples)) {
              const target =
                isObject(raw) && typeof raw.$ref === "string"
                  ? ctx.resolve(raw, from)
                  : { node: raw, location: ctx.location.child(["examples", name]) };
              if (!isObject(target.node) || !target.location || !("value" in target.node)) continue;
              examples.push({ name, value: target.node.value, location: target.location.child(["value"]) });
            }
          }
          if (examples.length > 0) {
            found.push({
              mediaType: key,
              schema: mediaType.schema,
              from,
              resolve: ctx.resolve,
              schemaLocation: ctx.location.child(["schema"]),
              examples,
            });
          }
        },
      },
    };
  };
}

export default function veeamPlugin() {
  return {
    id: "veeam",
    rules: {
      oas3: {
        "xml-examples-valid": examplesRule("xml"),
        "json-examples-valid": examplesRule("json"),
      },
    },
  };
}
