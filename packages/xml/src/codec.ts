import { XmlError, lineColumn } from "./errors.js";
import { Encoder, type EncodeOptions } from "./encode.js";
import { Parser, type RootPlan, type XmlDrift } from "./decode.js";
import { Compiler, type Plan } from "./plan.js";
import { Resolver, lastRefSegment, type Eff, type SchemaObject } from "./schema.js";

export interface DecodeOptions {
  /** Largest accepted input in bytes (UTF-8), checked before parsing. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Deepest accepted element nesting (the root is depth 1). Default 256. */
  readonly maxDepth?: number;
  /** What to do with elements, attributes and text the schema does not describe. Default "ignore". */
  readonly unknown?: "ignore" | "error";
  /**
   * Collects into this array what the schema does not describe but the decode skipped (with
   * `unknown: "ignore"`): unknown elements and attributes, and child elements out of the schema's
   * property order (the XSD sequence). Each with its code, the path of the value it is in, the
   * node's name and its line and column. Stray text is not drift (Veeam's pages indent with U+00A0).
   */
  readonly drift?: XmlDrift[];
}

export type { EncodeOptions };

/** A `#/...` reference (or a bare component name under `components.schemas`), or a schema object. */
export type SchemaTarget = string | object;

export type XmlInput = string | Uint8Array | ArrayBuffer;

export interface XmlCodec {
  /** Decodes an XML document into the JSON value the schema describes. Throws only XmlError. */
  decode<T = unknown>(input: XmlInput, schema: SchemaTarget, options?: DecodeOptions): T;
  /** Encodes a value as an XML document that `decode` reads back. Throws only XmlError. */
  encode(value: unknown, schema: SchemaTarget, options?: EncodeOptions): string;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 256;

const utf8 = new TextDecoder("utf-8", { fatal: true });

interface Target {
  readonly eff: Eff;
  readonly compName: string | undefined;
}

function invalid(message: string): XmlError {
  return new XmlError("INVALID_ARGUMENT", message);
}

/** Whether the UTF-8 encoding of `s` is longer than `max` bytes, without encoding it. */
function utf8Exceeds(s: string, max: number): boolean {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > max) return true;
  }
  return false;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function invalidUtf8Offset(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function toText(input: XmlInput, maxBytes: number): { text: string; fromBytes: boolean } {
  if (typeof input === "string") {
    if (utf8Exceeds(input, maxBytes)) {
      throw new XmlError("SIZE_LIMIT", `input is larger than maxBytes (${maxBytes})`, { line: 1, column: 1 });
    }
    return { text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input, fromBytes: false };
  }
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else throw invalid("decode input must be a string, a Uint8Array (e.g. a Buffer) or an ArrayBuffer");
  if (bytes.byteLength > maxBytes) {
    throw new XmlError("SIZE_LIMIT", `input is larger than maxBytes (${maxBytes})`, { line: 1, column: 1 });
  }
  try {
    return { text: utf8.decode(bytes), fromBytes: true };
  } catch (cause) {
    const at = invalidUtf8Offset(bytes);
    let line = 1;
    let column = 1;
    if (at >= 0) {
      let prefix = utf8.decode(bytes.subarray(0, at));
      if (prefix.charCodeAt(0) === 0xfeff) prefix = prefix.slice(1);
      ({ line, column } = lineColumn(prefix, prefix.length));
    }
    throw new XmlError("INVALID_ENCODING", `input is not valid UTF-8${at >= 0 ? ` (byte offset ${at})` : ""}`, {
      line,
      column,
      cause,
    });
  }
}

function readDecodeOptions(o: DecodeOptions | undefined): {
  maxBytes: number;
  maxDepth: number;
  unknownError: boolean;
  drift: XmlDrift[] | null;
} {
  if (o === undefined)
    return { maxBytes: DEFAULT_MAX_BYTES, maxDepth: DEFAULT_MAX_DEPTH, unknownError: false, drift: null };
  if (typeof o !== "object" || o === null) throw invalid("options must be an object");
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = o.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (typeof maxBytes !== "number" || !(maxBytes >= 0)) throw invalid("maxBytes must be a non-negative number");
  if (typeof maxDepth !== "number" || !(maxDepth >= 1)) throw invalid("maxDepth must be a number >= 1");
  const unknown = o.unknown ?? "ignore";
  if (unknown !== "ignore" && unknown !== "error") throw invalid('unknown must be "ignore" or "error"');
  if (o.drift !== undefined && !Array.isArray(o.drift)) throw invalid("drift must be an array");
  return { maxBytes, maxDepth, unknownError: unknown === "error", drift: o.drift ?? null };
}

/** Line and column of `drift[from…]`, in one pass over the text (found in document order). */
function locateAll(text: string, drift: XmlDrift[], from: number): void {
  let line = 1;
  let lineStart = 0;
  let i = 0;
  for (let k = from; k < drift.length; k++) {
    const d = drift[k]!;
    if (d.offset < i) {
      // Out of document order (cannot happen today): located on its own.
      ({ line: d.line, column: d.column } = lineColumn(text, d.offset));
      continue;
    }
    for (; i < d.offset; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        line++;
        lineStart = i + 1;
      }
    }
    d.line = line;
    d.column = d.offset - lineStart + 1;
  }
}

/** Converts anything thrown inside the codec into an XmlError. */
function asXmlError(err: unknown, text: string | undefined, offset: number): XmlError {
  if (err instanceof XmlError) return err;
  const pos = text === undefined ? { line: 0, column: 0 } : lineColumn(text, offset);
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError && /call stack/i.test(message)) {
    return new XmlError("DEPTH_LIMIT", "document (or schema) nesting exhausted the call stack", {
      ...pos,
      offset,
      cause: err,
    });
  }
  if (err instanceof RangeError && /string length|allocation|array length/i.test(message)) {
    return new XmlError("SIZE_LIMIT", `input too large to process: ${message}`, { ...pos, offset, cause: err });
  }
  return new XmlError("INTERNAL", `internal error: ${message}`, { ...pos, offset, cause: err });
}

/**
 * Creates a codec for a bundled OpenAPI 3.x document (all `$ref`s local). Decode plans are
 * compiled on first use per schema and cached.
 */
export function createXmlCodec(document: object): XmlCodec {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new XmlError("SCHEMA", "createXmlCodec expects an OpenAPI document object");
  }
  const resolver = new Resolver(document as SchemaObject);
  let compiler = new Compiler(resolver);
  const rootsByRef = new Map<string, RootPlan>();
  const rootsByObject = new WeakMap<object, RootPlan>();

  function target(schema: SchemaTarget): Target {
    if (typeof schema === "string") {
      const ref = schema.startsWith("#")
        ? schema
        : "#/components/schemas/" + schema.replace(/~/g, "~0").replace(/\//g, "~1");
      return { eff: resolver.eff(resolver.pointer(ref)), compName: lastRefSegment(ref) };
    }
    if (typeof schema !== "object" || schema === null) {
      throw new XmlError("SCHEMA", "schema must be a $ref string or a schema object");
    }
    const ref = (schema as SchemaObject).$ref;
    return {
      eff: resolver.eff(schema),
      compName: typeof ref === "string" ? lastRefSegment(ref) : resolver.componentNameOf(schema),
    };
  }

  function buildRoot(t: Target): RootPlan {
    const { eff, compName } = t;
    const label = (name: string, ns: string): string => (ns === "" ? name : `{${ns}}${name}`);
    const rootNs = compiler.ns(eff.xml.namespace) ?? "";
    if (eff.xml.name !== undefined || (eff.base.alts === undefined && compName !== undefined)) {
      const name = eff.xml.name ?? compName!;
      const plan = compiler.plan(eff, name);
      return { byName: new Map([[name, { ns: rootNs, plan }]]), ns: rootNs, plan, expected: label(name, rootNs) };
    }
    if (eff.base.alts !== undefined) {
      const NONE = "\u0000";
      const named = compiler.names(eff, compName ?? NONE).filter((np) => np.name !== NONE);
      if (named.length > 0) {
        const byName = new Map<string, { ns: string; plan: Plan }>();
        for (const np of named) byName.set(np.name, { ns: np.ns ?? rootNs, plan: np.plan });
        return {
          byName,
          ns: rootNs,
          plan: named[0]!.plan,
          expected: named.map((np) => label(np.name, np.ns ?? rootNs)).join(" or "),
        };
      }
    }
    const plan = compiler.plan(eff, "item");
    return { byName: null, ns: rootNs, plan, expected: label("*", rootNs) };
  }

  /** Compiles (once) the root plan for a schema. A failed compile leaves no half-built plans behind. */
  function compile(schema: SchemaTarget): RootPlan {
    try {
      return buildRoot(target(schema));
    } catch (err) {
      compiler = new Compiler(resolver);
      rootsByRef.clear();
      throw err;
    }
  }

  function root(schema: SchemaTarget): RootPlan {
    if (typeof schema === "string") {
      let r = rootsByRef.get(schema);
      if (r === undefined) rootsByRef.set(schema, (r = compile(schema)));
      return r;
    }
    let r = rootsByObject.get(schema);
    if (r === undefined) rootsByObject.set(schema, (r = compile(schema)));
    return r;
  }

  return {
    decode<T = unknown>(input: XmlInput, schema: SchemaTarget, options?: DecodeOptions): T {
      let text: string | undefined;
      let parser: Parser | undefined;
      try {
        const o = readDecodeOptions(options);
        const t = toText(input, o.maxBytes);
        text = t.text;
        const plan = root(schema);
        parser = new Parser(text, {
          namespaces: compiler.namespaces,
          maxDepth: o.maxDepth,
          unknownError: o.unknownError,
          drift: o.drift,
          fromBytes: t.fromBytes,
        });
        const drift = o.drift;
        const before = drift?.length ?? 0;
        const value = parser.parseDocument(plan) as T;
        if (drift !== null && drift.length > before) locateAll(text, drift, before);
        return value;
      } catch (err) {
        const e = asXmlError(err, text, parser?.pos ?? 0);
        if (text !== undefined && e.offset >= 0 && e.line === 0) {
          const { line, column } = lineColumn(text, e.offset);
          e.locate(line, column);
        }
        throw e;
      }
    },

    encode(value: unknown, schema: SchemaTarget, options?: EncodeOptions): string {
      try {
        if (options !== undefined && (typeof options !== "object" || options === null)) {
          throw invalid("options must be an object");
        }
        const t = target(schema);
        return new Encoder(resolver, options ?? {}).root(value, t.eff, t.compName, options?.declaration === true);
      } catch (err) {
        throw asXmlError(err, undefined, 0);
      }
    },
  };
}
