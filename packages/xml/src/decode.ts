// Single-pass XML scanner that decodes straight into values, driven by a compiled plan.
// No DOM, no regular expressions per token, no DTD support (a DOCTYPE is an error).
//
// Speed: per-character JavaScript loops cost ~2 ns/char, so runs of text, attribute values,
// comments and CDATA are skipped with indexOf (native memchr speed). That needs two helpers:
//  - one native sweep for characters XML forbids (`firstInvalid`, lexical.ts); the document is logically cut
//    at the first one, so errors earlier in the document still win and the tokenizer never has
//    to look at character validity again;
//  - amortised "next occurrence" caches for the few characters that change the meaning of a run
//    (`&`, `<`, CR, LF, TAB, `]]>`): each is recomputed only after the scanner passes it, so the
//    total indexOf work is linear in the input (`NextOf`, lexical.ts).
// This file is the scanner's state machine; what a run of characters means (references, numbers,
// forbidden characters) is in lexical.ts, character classes in chars.ts, value building in values.ts.
import * as chars from "./chars.js";
import { XmlError, formatPath, type XmlErrorCode } from "./errors.js";
import * as lexical from "./lexical.js";
import type { NextOf } from "./lexical.js";
import * as plans from "./plan.js";
import type { ArrayPlan, ChildEntry, ChoicePlan, ItemEntry, ObjectPlan, Plan, ScalarPlan } from "./plan.js";
import * as schema from "./schema.js";
import * as values from "./values.js";
import type { Obj } from "./values.js";

// Imported bindings copied into module constants: some loaders (tsx/esbuild) compile imports to
// getter calls, which would otherwise run once per character in the loops below.
const ASCII_NAME = chars.ASCII_NAME;
const NAME_CHAR = chars.NAME_CHAR;
const NAME_START = chars.NAME_START;
const isNameCharBmp = chars.isNameCharBmp;
const isNameStartBmp = chars.isNameStartBmp;
const isWs = chars.isXmlWhitespace;
const NextOfCache = lexical.NextOf;
const REF_NOT_A_CHAR = lexical.REF_NOT_A_CHAR;
const describeTypes = lexical.describeTypes;
const firstInvalid = lexical.firstInvalid;
const isIntegerLexical = lexical.isIntegerLexical;
const isNumberLexical = lexical.isNumberLexical;
const reference = lexical.reference;
const shorten = lexical.shorten;
const trimXml = lexical.trimXml;
const copyJson = values.copyJson;
const getOwn = values.getOwn;
const setKey = values.setKey;
const K_ANY = plans.K_ANY;
const K_ARRAY = plans.K_ARRAY;
const K_CHOICE = plans.K_CHOICE;
const K_OBJECT = plans.K_OBJECT;
const K_SCALAR = plans.K_SCALAR;
const T_BOOL = schema.T_BOOL;
const T_INT = schema.T_INT;
const T_NUM = schema.T_NUM;
const T_STR = schema.T_STR;

export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
export const XML_NS = "http://www.w3.org/XML/1998/namespace";
export const XMLNS_NS = "http://www.w3.org/2000/xmlns/";

/** Where the root element may be, and how it decodes. */
export interface RootPlan {
  /** Expected root elements by local name; null = any local name (inline schema without a name). */
  readonly byName: ReadonlyMap<string, { readonly ns: string; readonly plan: Plan }> | null;
  /** For `byName === null`: expected namespace and plan. */
  readonly ns: string;
  readonly plan: Plan;
  /** For messages: the expected root(s), e.g. `{urn:x}Foo`. */
  readonly expected: string;
}

/** What a decode found that the schema does not describe, when asked to collect it (`DecodeOptions.drift`). */
export interface XmlDrift {
  /**
   * `UNKNOWN_ELEMENT`, `UNKNOWN_ATTRIBUTE`: a node the schema does not name (skipped);
   * `OUT_OF_ORDER`: a child element before one that precedes it in the schema's property order
   * (the XSD sequence).
   */
  readonly code: "UNKNOWN_ELEMENT" | "UNKNOWN_ATTRIBUTE" | "OUT_OF_ORDER";
  /** JSON Pointer of the value (the parent element) it was found in; `""` is the root. */
  readonly path: string;
  /** The node's name as written (`p:Name`), for messages. */
  readonly name: string;
  /** Its namespace URI (`""`: none). */
  readonly namespace: string;
  /** `OUT_OF_ORDER`: the element it came after, which the schema puts after it. */
  readonly after?: string;
  /** 0-based offset of the node; `line`/`column` 1-based. */
  readonly offset: number;
  line: number;
  column: number;
}

export interface ParseOptions {
  /**
   * Namespace URIs the plans expect, keyed by themselves: declarations are mapped to these exact
   * string objects so namespace checks are pointer comparisons.
   */
  readonly namespaces: ReadonlyMap<string, string>;
  readonly maxDepth: number;
  readonly unknownError: boolean;
  /** Collects drift (unknown elements and attributes, children out of order) here; null: not asked. */
  readonly drift: XmlDrift[] | null;
  /** Input came from bytes: the XML declaration must not name a non-UTF-8 encoding. */
  readonly fromBytes: boolean;
}

const END_TAG = 1;
const START_TAG = 2;

const EOF_MESSAGE = "unexpected end of input";
const INTERN_MASK = 1023;

export class Parser {
  private readonly s: string;
  /** Length of `s`: the input, cut at the first forbidden character. */
  private readonly n: number;
  /** Offset of the first forbidden character, or -1. */
  private readonly bad: number;
  private readonly badCode: number;
  private readonly maxDepth: number;
  private readonly unknownError: boolean;
  private readonly drift: XmlDrift[] | null;
  private readonly fromBytes: boolean;
  private readonly namespaces: ReadonlyMap<string, string>;

  /** Current offset. */
  pos = 0;
  private depth = 0;
  // Per open element (index = depth): qualified name, namespace scope to restore.
  private readonly fQ: string[] = [""];
  private readonly fNsTop: number[] = [0];
  private readonly fNsDef: string[] = [""];
  // In-scope prefixed namespace bindings: prefix -> stack of URIs, plus an undo log of prefixes
  // (O(1) lookups however many declarations a hostile document makes).
  private readonly prefixes = new Map<string, string[]>();
  private readonly nsLog: string[] = [];
  private nsTop = 0;
  /** The default namespace in scope ("" = none). */
  private defNs = "";
  // The start tag just parsed.
  private tagStart = 0;
  private selfClosing = false;
  private local = "";
  private uri = "";
  private aCount = 0;
  private readonly aQ: string[] = [];
  private readonly aVal: string[] = [];
  private readonly aPos: number[] = [];
  private readonly aColon: number[] = [];
  private readonly aNs: boolean[] = [];
  private readonly aLocal: string[] = [];
  private readonly aUri: string[] = [];
  // Scratch results.
  private colon = -1;
  private nameHash = 0;
  private readonly internTable: (string | undefined)[] = new Array<string | undefined>(INTERN_MASK + 1);
  /** Set by textChunk: the run needs reference expansion / line-end normalisation. */
  private decodeFlag = false;
  /** Set by `ref` (through lexical.reference, hence not private): the reference's text. */
  refValue = "";
  // Next-occurrence caches of the characters the scanner jumps to.
  private readonly nextLt: NextOf;
  private readonly nextAmp: NextOf;
  private readonly nextCr: NextOf;
  private readonly nextLf: NextOf;
  private readonly nextTab: NextOf;
  private readonly nextCdEnd: NextOf;
  /** JSON Pointer segments of the value being decoded. */
  private readonly path: (string | number)[] = [];

  constructor(input: string, options: ParseOptions) {
    const bad = firstInvalid(input);
    this.bad = bad;
    this.badCode = bad < 0 ? 0 : input.charCodeAt(bad);
    this.s = bad < 0 ? input : input.slice(0, bad);
    this.n = this.s.length;
    this.nextLt = new NextOfCache(this.s, "<");
    this.nextAmp = new NextOfCache(this.s, "&");
    this.nextCr = new NextOfCache(this.s, "\r");
    this.nextLf = new NextOfCache(this.s, "\n");
    this.nextTab = new NextOfCache(this.s, "\t");
    this.nextCdEnd = new NextOfCache(this.s, "]]>");
    this.maxDepth = options.maxDepth;
    this.unknownError = options.unknownError;
    this.drift = options.drift;
    this.fromBytes = options.fromBytes;
    this.namespaces = options.namespaces;
  }

  // ---------------------------------------------------------------------------------------------
  // errors

  fail(code: XmlErrorCode, reason: string, at: number = this.pos): never {
    let c = code;
    let r = reason;
    let offset = Math.min(at, this.n);
    if (code === "MALFORMED" && at >= this.n) {
      if (this.bad >= 0) {
        // The scanner ran into the cut made at the first forbidden character.
        c = "INVALID_CHARACTER";
        const hex = this.badCode.toString(16).toUpperCase().padStart(4, "0");
        r = `character U+${hex} is not allowed in XML 1.0`;
        offset = this.bad;
      } else {
        r = EOF_MESSAGE;
      }
    }
    throw new XmlError(c, r, { offset, path: formatPath(this.path) });
  }

  /** Names the current element for messages: `<Foo>`. */
  private elementLabel(d: number = this.depth): string {
    return `<${this.fQ[d]}>`;
  }

  /** Records drift (only when collecting: `this.drift !== null`). */
  private noteDrift(code: XmlDrift["code"], name: string, namespace: string, at: number, after?: string): void {
    this.drift!.push({
      code,
      path: formatPath(this.path),
      name,
      namespace,
      ...(after === undefined ? {} : { after }),
      offset: at,
      line: 0,
      column: 0,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // next-occurrence caches

  /** Forget the caches (after moving backwards). */
  private resetCaches(): void {
    for (const c of [this.nextLt, this.nextAmp, this.nextCr, this.nextLf, this.nextTab, this.nextCdEnd]) c.reset();
  }

  // ---------------------------------------------------------------------------------------------
  // document

  parseDocument(root: RootPlan): unknown {
    const s = this.s;
    let p = 0;
    if (s.startsWith("<?xml", 0) && isWs(s.charCodeAt(5))) p = this.xmlDecl();
    p = this.misc(p, true);
    this.pos = p;
    this.startTag();
    let plan: Plan;
    let ns: string;
    if (root.byName !== null) {
      const hit = root.byName.get(this.local);
      if (hit === undefined || hit.ns !== this.uri) this.unexpectedRoot(root);
      plan = hit.plan;
      ns = hit.ns;
    } else {
      if (root.ns !== this.uri) this.unexpectedRoot(root);
      plan = root.plan;
      ns = root.ns;
    }
    const value = this.value(plan, ns);
    p = this.misc(this.pos, false);
    if (p < this.n) this.fail("MALFORMED", "content after the root element", p);
    if (this.bad >= 0) this.fail("MALFORMED", "", this.n);
    return value;
  }

  private unexpectedRoot(root: RootPlan): never {
    const found = this.uri === "" ? this.local : `{${this.uri}}${this.local}`;
    return this.fail("UNEXPECTED_ROOT", `expected root element ${root.expected}, found ${found}`, this.tagStart);
  }

  /** `<?xml version="1.x" (encoding="...")? (standalone="yes|no")? ?>` at offset 0. */
  private xmlDecl(): number {
    const s = this.s;
    let p = 5;
    let seen = 0; // 0: expect version, 1: encoding/standalone, 2: standalone, 3: none
    for (;;) {
      const wsStart = p;
      while (isWs(s.charCodeAt(p))) p++;
      if (s.charCodeAt(p) === 63 && s.charCodeAt(p + 1) === 62) {
        if (seen === 0) this.fail("MALFORMED", "XML declaration without version", p);
        return p + 2;
      }
      if (p === wsStart) this.fail("MALFORMED", "malformed XML declaration", p);
      const nameStart = p;
      while ((ASCII_NAME[s.charCodeAt(p)] ?? 0) & NAME_CHAR) p++;
      const name = s.slice(nameStart, p);
      while (isWs(s.charCodeAt(p))) p++;
      if (s.charCodeAt(p) !== 61) this.fail("MALFORMED", "malformed XML declaration", p);
      p++;
      while (isWs(s.charCodeAt(p))) p++;
      const q = s.charCodeAt(p);
      if (q !== 34 && q !== 39) this.fail("MALFORMED", "malformed XML declaration", p);
      const vStart = ++p;
      while (p < this.n && s.charCodeAt(p) !== q && s.charCodeAt(p) !== 60 && s.charCodeAt(p) !== 62) p++;
      if (s.charCodeAt(p) !== q) this.fail("MALFORMED", "malformed XML declaration", p);
      const value = s.slice(vStart, p);
      p++;
      if (name === "version" && seen === 0) {
        if (!/^1\.[0-9]+$/.test(value)) this.fail("MALFORMED", `unsupported XML version "${value}"`, vStart);
        seen = 1;
      } else if (name === "encoding" && seen === 1) {
        if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(value)) this.fail("MALFORMED", "malformed encoding name", vStart);
        if (this.fromBytes && !/^(utf-?8|us-ascii|ascii)$/i.test(value)) {
          this.fail("INVALID_ENCODING", `document declares encoding "${value}"; only UTF-8 is supported`, vStart);
        }
        seen = 2;
      } else if (name === "standalone" && (seen === 1 || seen === 2)) {
        if (value !== "yes" && value !== "no") this.fail("MALFORMED", "standalone must be yes or no", vStart);
        seen = 3;
      } else {
        this.fail("MALFORMED", `unexpected "${name}" in the XML declaration`, nameStart);
      }
    }
  }

  /**
   * Prolog or epilogue: whitespace, comments, PIs. Returns the offset of the root start tag
   * (prolog) or of the first thing that is not Misc (epilogue; = length when clean).
   */
  private misc(start: number, prolog: boolean): number {
    const s = this.s;
    let p = start;
    for (;;) {
      while (isWs(s.charCodeAt(p))) p++;
      if (p >= this.n) {
        if (prolog) this.fail("MALFORMED", "no root element", p);
        return p;
      }
      if (s.charCodeAt(p) !== 60) {
        if (prolog) this.fail("MALFORMED", "text before the root element", p);
        return p;
      }
      const c1 = s.charCodeAt(p + 1);
      if (c1 === 63) p = this.pi(p);
      else if (c1 === 33) p = this.bang(p, false);
      else return p;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // tokens

  /** A (possibly prefixed) XML name at `p`; returns its end and sets `this.colon`, `this.nameHash`. */
  private name(start: number): number {
    const s = this.s;
    let p = start;
    let c = s.charCodeAt(p);
    if (c < 128) {
      if ((ASCII_NAME[c]! & NAME_START) === 0) this.fail("MALFORMED", "expected a name", p);
      p++;
    } else {
      p = this.wideName(p, true);
    }
    let colon = -1;
    let h = c;
    for (;;) {
      c = s.charCodeAt(p);
      if (c < 128) {
        if ((ASCII_NAME[c]! & NAME_CHAR) !== 0) {
          h = (Math.imul(h, 31) + c) | 0;
          p++;
          continue;
        }
        if (c === 58) {
          if (colon >= 0) this.fail("MALFORMED", "a name may contain at most one ':'", p);
          colon = p;
          p++;
          c = s.charCodeAt(p);
          if (c < 128) {
            if ((ASCII_NAME[c]! & NAME_START) === 0) this.fail("MALFORMED", "invalid local name after ':'", p);
            p++;
          } else {
            p = this.wideName(p, true);
          }
          continue;
        }
        break;
      }
      if (c !== c) break; // end of input
      const q = this.wideName(p, false);
      if (q < 0) break;
      h = (Math.imul(h, 31) + c) | 0;
      p = q;
    }
    this.colon = colon;
    this.nameHash = h;
    return p;
  }

  /**
   * `s.slice(start, end)`, but returns the same string object for names seen before (found via
   * the hash computed by `name()`): no garbage per element, and Map lookups hit a cached hash.
   */
  private intern(start: number, end: number, h: number): string {
    const len = end - start;
    const slot = (h ^ (len << 5)) & INTERN_MASK;
    const table = this.internTable;
    const hit = table[slot];
    const s = this.s;
    if (hit !== undefined && hit.length === len) {
      let i = 0;
      while (i < len && hit.charCodeAt(i) === s.charCodeAt(start + i)) i++;
      if (i === len) return hit;
    }
    if (len > 64) return s.slice(start, end);
    // A fresh flat copy: a slice could be a view that keeps the whole input alive and is slower to read.
    const codes: number[] = [];
    for (let i = start; i < end; i++) codes.push(s.charCodeAt(i));
    const str = String.fromCharCode.apply(null, codes);
    table[slot] = str;
    return str;
  }

  /** Non-ASCII name character at `p`: returns the next offset; -1 (or an error when `start`) if not one. */
  private wideName(p: number, start: boolean): number {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c >= 0xd800 && c <= 0xdbff) {
      if (c <= 0xdb7f && p + 1 < this.n) return p + 2; // U+10000..U+EFFFF (pairs are pre-validated)
    } else if (c >= 128 && (start ? isNameStartBmp(c) : isNameCharBmp(c))) {
      return p + 1;
    }
    if (start) this.fail("MALFORMED", "expected a name", p);
    return -1;
  }

  /** Entity or character reference at `p` (`&`): sets `this.refValue`, returns the offset after `;`. */
  private ref(p: number): number {
    const q = reference(this.s, p, this.n, this);
    if (q < 0) this.fail(q === REF_NOT_A_CHAR ? "INVALID_CHARACTER" : "MALFORMED", this.refValue, p);
    return q;
  }

  /**
   * Character data from `p` up to the next `<`: validates references and `]]>`.
   * Returns the offset of the `<`; sets `this.decodeFlag`.
   */
  private textChunk(p: number): number {
    const end = this.nextLt.from(p);
    if (end >= this.n) this.fail("MALFORMED", EOF_MESSAGE, this.n);
    let a = this.nextAmp.from(p);
    let decode = false;
    if (a < end) {
      decode = true;
      do a = this.nextAmp.from(this.ref(a));
      while (a < end);
    }
    if (!decode && this.nextCr.from(p) < end) decode = true;
    const cd = this.nextCdEnd.from(p);
    if (cd < end) this.fail("MALFORMED", "']]>' is not allowed in character data", cd);
    this.decodeFlag = decode;
    return end;
  }

  /** Whether s[start, end) is all XML whitespace. */
  private blank(start: number, end: number): boolean {
    const s = this.s;
    for (let p = start; p < end; p++) if (!isWs(s.charCodeAt(p))) return false;
    return true;
  }

  /** Text between `start` and `end` (already validated) with references expanded and line ends normalised. */
  private decodeText(start: number, end: number): string {
    const s = this.s;
    let out = "";
    let seg = start;
    for (let p = start; p < end;) {
      const c = s.charCodeAt(p);
      if (c === 38) {
        out += s.slice(seg, p);
        p = this.ref(p);
        out += this.refValue;
        seg = p;
      } else if (c === 13) {
        out += s.slice(seg, p) + "\n";
        p++;
        if (s.charCodeAt(p) === 10) p++;
        seg = p;
      } else {
        p++;
      }
    }
    return out + s.slice(seg, end);
  }

  /** Attribute value with references expanded and whitespace normalised (XML 1.0 §3.3.3, CDATA type). */
  private decodeAttr(start: number, end: number): string {
    const s = this.s;
    let out = "";
    let seg = start;
    for (let p = start; p < end;) {
      const c = s.charCodeAt(p);
      if (c === 38) {
        out += s.slice(seg, p);
        p = this.ref(p);
        out += this.refValue;
        seg = p;
      } else if (c === 13 || c === 10 || c === 9) {
        out += s.slice(seg, p) + " ";
        p++;
        if (c === 13 && s.charCodeAt(p) === 10) p++;
        seg = p;
      } else {
        p++;
      }
    }
    return out + s.slice(seg, end);
  }

  /** `<!--...-->` at `p`. */
  private comment(p: number): number {
    const q = this.s.indexOf("--", p + 4);
    if (q < 0) this.fail("MALFORMED", EOF_MESSAGE, this.n);
    if (this.s.charCodeAt(q + 2) !== 62) this.fail("MALFORMED", "'--' is not allowed inside a comment", q);
    return q + 3;
  }

  /** `<![CDATA[...]]>` at `p`: returns the offset after `]]>`; the content is `p + 9 .. return - 3`. */
  private cdata(p: number): number {
    const q = this.s.indexOf("]]>", p + 9);
    if (q < 0) this.fail("MALFORMED", EOF_MESSAGE, this.n);
    return q + 3;
  }

  /** `<?target ...?>` at `p` (never the XML declaration). */
  private pi(p: number): number {
    const s = this.s;
    const tStart = p + 2;
    const q = this.name(tStart);
    if (this.colon >= 0) this.fail("MALFORMED", "a processing instruction target may not contain ':'", tStart);
    if (q - tStart === 3 && s.slice(tStart, q).toLowerCase() === "xml") {
      this.fail("MALFORMED", "the XML declaration is only allowed at the very start of the document", p);
    }
    const c = s.charCodeAt(q);
    if (c === 63 && s.charCodeAt(q + 1) === 62) return q + 2;
    if (!isWs(c)) this.fail("MALFORMED", "malformed processing instruction", q);
    const e = s.indexOf("?>", q);
    if (e < 0) this.fail("MALFORMED", EOF_MESSAGE, this.n);
    return e + 2;
  }

  /** `<!` at `p`: comment, CDATA (content only), DOCTYPE (always refused). Returns the offset after it. */
  private bang(p: number, content: boolean): number {
    const s = this.s;
    if (s.charCodeAt(p + 2) === 45 && s.charCodeAt(p + 3) === 45) return this.comment(p);
    if (s.startsWith("DOCTYPE", p + 2)) {
      this.fail("DOCTYPE_FORBIDDEN", "DOCTYPE declarations are not allowed (no DTDs, no entity declarations)", p);
    }
    if (content && s.startsWith("[CDATA[", p + 2)) return this.cdata(p);
    return this.fail("MALFORMED", content ? "malformed markup" : "CDATA or markup outside the root element", p);
  }

  // ---------------------------------------------------------------------------------------------
  // elements

  /**
   * Whether the element at `this.pos` (`<`) is named exactly `name` (an NCName), so the caller can
   * skip the name scan.
   */
  private isNamed(name: string): boolean {
    const s = this.s;
    const p = this.pos + 1;
    if (!s.startsWith(name, p)) return false;
    const c = s.charCodeAt(p + name.length);
    return c === 62 || c === 32 || c === 47 || c === 10 || c === 13 || c === 9;
  }

  /**
   * Parses the start tag at `this.pos` (`<` + name). Pushes a frame; resolves namespaces.
   * `known`: the element's name, already checked by `isNamed`. `hint`: likely attribute names.
   */
  private startTag(known: string | null = null, hint: (string | undefined)[] | null = null): void {
    const s = this.s;
    const start = this.pos;
    this.tagStart = start;
    const d = ++this.depth;
    if (d > this.maxDepth) this.fail("DEPTH_LIMIT", `elements nested deeper than maxDepth (${this.maxDepth})`, start);
    let p: number;
    let colon: number;
    let qName: string;
    if (known !== null) {
      p = start + 1 + known.length;
      colon = -1;
      qName = known;
    } else {
      p = this.name(start + 1);
      colon = this.colon;
      qName = colon < 0 ? this.intern(start + 1, p, this.nameHash) : s.slice(start + 1, p);
    }
    const qEnd = p;
    this.fQ[d] = qName;
    this.fNsTop[d] = this.nsTop;
    this.fNsDef[d] = this.defNs;
    let count = 0;
    let nsDecl = false;
    let prefixed = false;
    let seen: Set<string> | null = null;
    for (;;) {
      let c = s.charCodeAt(p);
      const wsStart = p;
      while (c === 32 || c === 10 || c === 9 || c === 13) c = s.charCodeAt(++p);
      if (c === 62) {
        this.selfClosing = false;
        p++;
        break;
      }
      if (c === 47) {
        if (s.charCodeAt(p + 1) !== 62) this.fail("MALFORMED", "expected '>' after '/'", p + 1);
        this.selfClosing = true;
        p += 2;
        break;
      }
      if (p === wsStart) this.fail("MALFORMED", "expected whitespace, '>' or '/>'", p);
      const aStart = p;
      let aColon = -1;
      let q: string;
      const h = hint === null ? undefined : hint[count];
      if (h !== undefined && s.startsWith(h, p) && ((c = s.charCodeAt(p + h.length)) === 61 || isWs(c))) {
        q = h;
        p += h.length;
      } else {
        p = this.name(p);
        aColon = this.colon;
        q = this.intern(aStart, p, this.nameHash);
      }
      c = s.charCodeAt(p);
      while (c === 32 || c === 10 || c === 9 || c === 13) c = s.charCodeAt(++p);
      if (c !== 61) this.fail("MALFORMED", "expected '=' after the attribute name", p);
      c = s.charCodeAt(++p);
      while (c === 32 || c === 10 || c === 9 || c === 13) c = s.charCodeAt(++p);
      if (c !== 34 && c !== 39) this.fail("MALFORMED", "expected a quoted attribute value", p);
      const vStart = p + 1;
      const end = s.indexOf(c === 34 ? '"' : "'", vStart);
      if (end < 0) this.fail("MALFORMED", EOF_MESSAGE, this.n);
      const lt = this.nextLt.from(vStart);
      if (lt < end) this.fail("MALFORMED", "'<' is not allowed in an attribute value", lt);
      const value =
        this.nextAmp.from(vStart) < end ||
        this.nextLf.from(vStart) < end ||
        this.nextCr.from(vStart) < end ||
        this.nextTab.from(vStart) < end
          ? this.decodeAttr(vStart, end)
          : s.slice(vStart, end);
      p = end + 1;
      if (count < 16) {
        for (let j = 0; j < count; j++) {
          if (this.aQ[j] === q) this.fail("MALFORMED", `duplicate attribute "${q}"`, aStart);
        }
      } else {
        if (seen === null) seen = new Set(this.aQ.slice(0, count));
        if (seen.has(q)) this.fail("MALFORMED", `duplicate attribute "${q}"`, aStart);
        seen.add(q);
      }
      const isNs = q.charCodeAt(0) === 120 && (q === "xmlns" || (aColon - aStart === 5 && q.startsWith("xmlns")));
      if (isNs) nsDecl = true;
      else if (aColon >= 0) prefixed = true;
      this.aQ[count] = q;
      this.aVal[count] = value;
      this.aPos[count] = aStart;
      this.aColon[count] = aColon < 0 ? -1 : aColon - aStart;
      this.aNs[count] = isNs;
      count++;
    }
    this.pos = p;
    this.aCount = count;
    if (nsDecl) this.declare(count);
    // element name
    if (colon < 0) {
      this.local = qName;
      this.uri = this.defNs;
    } else {
      this.uri = this.lookup(s.slice(start + 1, colon), start + 1);
      this.local = s.slice(colon + 1, qEnd);
    }
    // attribute names
    for (let i = 0; i < count; i++) {
      if (this.aNs[i]) continue;
      const q = this.aQ[i]!;
      const ci = this.aColon[i]!;
      if (ci < 0) {
        this.aLocal[i] = q;
        this.aUri[i] = "";
      } else {
        this.aUri[i] = this.lookup(q.slice(0, ci), this.aPos[i]!);
        this.aLocal[i] = q.slice(ci + 1);
      }
    }
    if (prefixed && count > 1) {
      // Namespaces in XML: no two attributes with the same expanded name (a:x and b:x, a and b bound alike).
      const names = new Set<string>();
      for (let i = 0; i < count; i++) {
        if (this.aNs[i]) continue;
        const key = this.aUri[i] + " " + this.aLocal[i];
        if (names.has(key))
          this.fail("MALFORMED", `duplicate attribute {${this.aUri[i]}}${this.aLocal[i]}`, this.aPos[i]);
        names.add(key);
      }
    }
  }

  /** Pushes the namespace declarations among the current tag's attributes. */
  private declare(count: number): void {
    for (let i = 0; i < count; i++) {
      if (!this.aNs[i]) continue;
      const q = this.aQ[i]!;
      const value = this.aVal[i]!;
      const uri = this.namespaces.get(value) ?? value;
      const at = this.aPos[i]!;
      let prefix = "";
      if (q.length > 5) {
        prefix = q.slice(6);
        if (prefix === "xmlns") this.fail("MALFORMED", "the prefix xmlns cannot be declared", at);
        if (uri === "") this.fail("MALFORMED", `prefix "${prefix}" cannot be bound to the empty namespace`, at);
        if ((prefix === "xml") !== (uri === XML_NS)) this.fail("MALFORMED", "the xml prefix is reserved", at);
      } else if (uri === XML_NS) {
        this.fail("MALFORMED", "reserved namespace cannot be the default namespace", at);
      }
      if (uri === XMLNS_NS) this.fail("MALFORMED", "the xmlns namespace cannot be declared", at);
      if (prefix === "") {
        this.defNs = uri;
      } else {
        let stack = this.prefixes.get(prefix);
        if (stack === undefined) this.prefixes.set(prefix, (stack = []));
        stack.push(uri);
        this.nsLog[this.nsTop++] = prefix;
      }
    }
  }

  /** Drops prefixed bindings declared after undo-log position `top`. */
  private unbind(top: number): void {
    while (this.nsTop > top) this.prefixes.get(this.nsLog[--this.nsTop]!)!.pop();
  }

  private lookup(prefix: string, at: number): string {
    const stack = this.prefixes.get(prefix);
    if (stack !== undefined && stack.length > 0) return stack[stack.length - 1]!;
    if (prefix === "xml") return XML_NS;
    if (prefix === "xmlns") this.fail("MALFORMED", "elements cannot use the xmlns prefix", at);
    return this.fail("MALFORMED", `namespace prefix "${prefix}" is not declared`, at);
  }

  /** Closes a self-closing element. */
  private closeSelf(): void {
    const d = this.depth--;
    if (this.nsTop !== this.fNsTop[d]) this.unbind(this.fNsTop[d]!);
    this.defNs = this.fNsDef[d]!;
  }

  /** The end tag at `this.pos` (`</`) must close the current element. */
  private endTag(): void {
    const s = this.s;
    const d = this.depth;
    const q = this.fQ[d]!;
    let p = this.pos + 2;
    if (!s.startsWith(q, p)) this.mismatch(p + q.length);
    p += q.length;
    let c = s.charCodeAt(p);
    if (c !== 62) {
      if (!isWs(c)) this.mismatch(p);
      while (isWs(c)) c = s.charCodeAt(++p);
      if (c !== 62) this.fail("MALFORMED", "expected '>'", p);
    }
    this.pos = p + 1;
    this.depth = d - 1;
    if (this.nsTop !== this.fNsTop[d]) this.unbind(this.fNsTop[d]!);
    this.defNs = this.fNsDef[d]!;
  }

  private mismatch(p: number): never {
    if (p >= this.n) return this.fail("MALFORMED", EOF_MESSAGE, this.n);
    return this.fail("MALFORMED", `mismatched end tag: expected </${this.fQ[this.depth]}>`, this.pos);
  }

  /**
   * Skips character data, comments, PIs and CDATA until a tag. Returns END_TAG (at `</`) or
   * START_TAG (at `<name`). `unknownText`: non-whitespace text is an unknown node.
   */
  private toTag(unknownText: boolean): number {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      if (s.charCodeAt(p) !== 60) {
        const end = this.textChunk(p);
        if (unknownText && this.unknownError && !this.blank(p, end)) {
          this.fail("UNKNOWN_NODE", `unexpected text in ${this.elementLabel()}`, p);
        }
        p = end;
      }
      const c = s.charCodeAt(p + 1);
      if (c === 47) {
        this.pos = p;
        return END_TAG;
      }
      if (c === 33) {
        const q = this.bang(p, true);
        if (unknownText && this.unknownError && s.charCodeAt(p + 2) === 91 && !this.blank(p + 9, q - 3)) {
          this.fail("UNKNOWN_NODE", `unexpected text in ${this.elementLabel()}`, p);
        }
        p = q;
      } else if (c === 63) {
        p = this.pi(p);
      } else {
        this.pos = p;
        return START_TAG;
      }
    }
  }

  /** Skips the element whose start tag was just parsed (iteratively: no recursion on deep input). */
  private skipElement(): void {
    if (this.selfClosing) {
      this.closeSelf();
      return;
    }
    const base = this.depth;
    for (;;) {
      if (this.toTag(false) === END_TAG) {
        this.endTag();
        if (this.depth < base) return;
      } else {
        this.startTag();
        if (this.selfClosing) this.closeSelf();
      }
    }
  }

  private unknownElement(): void {
    if (this.unknownError) {
      const found = this.uri === "" ? this.local : `{${this.uri}}${this.local}`;
      this.fail("UNKNOWN_NODE", `unexpected element ${found}`, this.tagStart);
    }
    if (this.drift !== null) this.noteDrift("UNKNOWN_ELEMENT", this.fQ[this.depth]!, this.uri, this.tagStart);
    this.skipElement();
  }

  // ---------------------------------------------------------------------------------------------
  // values

  /** Decodes the element whose start tag was just parsed, through its end tag. `ns`: its expected namespace. */
  private value(plan: Plan, ns: string): unknown {
    switch (plan.k) {
      case K_OBJECT:
        return this.object(plan, ns);
      case K_SCALAR:
        return this.scalar(plan);
      case K_ARRAY:
        return this.array(plan, ns);
      case K_CHOICE:
        return this.choice(plan, ns);
      case K_ANY:
        return this.any();
    }
  }

  /** Scans the current tag's attributes for xsi:nil; returns bit 1 = nil, bit 2 = has other attributes. */
  private attrFlags(): number {
    let flags = 0;
    for (let i = 0; i < this.aCount; i++) {
      if (this.aNs[i]) continue;
      if (this.aUri[i] === XSI_NS) {
        if (this.aLocal[i] === "nil") {
          const v = trimXml(this.aVal[i]!);
          if (v === "true" || v === "1") flags |= 1;
        }
        continue;
      }
      flags |= 2;
      if (this.unknownError) {
        this.fail("UNKNOWN_NODE", `unexpected attribute ${this.aQ[i]} on ${this.elementLabel()}`, this.aPos[i]);
      }
      if (this.drift !== null) this.noteDrift("UNKNOWN_ATTRIBUTE", this.aQ[i]!, this.aUri[i]!, this.aPos[i]!);
    }
    return flags;
  }

  private object(plan: ObjectPlan, ns: string): unknown {
    const tagStart = this.tagStart;
    const obj: Obj = {};
    let nil = false;
    const count = this.aCount;
    for (let i = 0; i < count; i++) {
      if (this.aNs[i]) continue;
      const uri = this.aUri[i]!;
      const local = this.aLocal[i]!;
      if (uri === XSI_NS) {
        if (local === "nil") {
          const v = trimXml(this.aVal[i]!);
          nil = v === "true" || v === "1";
        }
        continue;
      }
      const e = plan.attrs.get(local);
      if (e !== undefined && e.ns === uri) {
        if (this.aColon[i]! < 0) plan.attrHint[i] = e.name;
        this.path.push(e.key);
        setKey(obj, e.key, this.attrValue(e.plan, this.aVal[i]!, this.aPos[i]!));
        this.path.pop();
      } else if (this.unknownError) {
        this.fail("UNKNOWN_NODE", `unexpected attribute ${this.aQ[i]} on ${this.elementLabel()}`, this.aPos[i]);
      } else if (this.drift !== null) {
        this.noteDrift("UNKNOWN_ATTRIBUTE", this.aQ[i]!, uri, this.aPos[i]!);
      }
    }
    let hasChild = false;
    if (this.selfClosing) {
      this.closeSelf();
    } else {
      const children = plan.children;
      const order = plan.order;
      let last = -1;
      // The furthest child in schema order so far: one that comes before it is out of sequence.
      let furthest = -1;
      for (;;) {
        if (this.toTag(true) === END_TAG) {
          this.endTag();
          break;
        }
        hasChild = true;
        // Predict: the same entry again (array items), else one of the next two in schema order.
        let e: ChildEntry | undefined;
        let k = -1;
        if (last >= 0 && order[last]!.repeated && this.isNamed(order[last]!.name)) {
          e = order[last];
          k = last;
        } else {
          for (let j = last + 1; j < order.length && j <= last + 3; j++) {
            if (this.isNamed(order[j]!.name)) {
              e = order[j];
              last = k = j;
              break;
            }
          }
        }
        if (e !== undefined) {
          const cp = e.plan;
          this.startTag(e.name, cp.k === K_OBJECT ? cp.attrHint : null);
        } else {
          this.startTag();
          e = children.get(this.local);
          if (e !== undefined) {
            k = order.indexOf(e);
            if (k >= 0) last = k;
          }
        }
        if (e !== undefined && (e.ns ?? ns) === this.uri) {
          if (k >= 0) {
            if (k < furthest && this.drift !== null)
              this.noteDrift("OUT_OF_ORDER", this.fQ[this.depth]!, this.uri, this.tagStart, order[furthest]!.name);
            else if (k > furthest) furthest = k;
          }
          const key = e.key;
          const cur = e.proto ? getOwn(obj, key, true) : obj[key];
          if (e.repeated) {
            let arr = cur as unknown[] | undefined;
            if (arr === undefined) setKey(obj, key, (arr = []));
            this.path.push(key, arr.length);
            arr.push(this.value(e.plan, e.ns ?? ns));
            this.path.length -= 2;
          } else {
            this.path.push(key);
            if (cur !== undefined) this.duplicate(key);
            setKey(obj, key, this.value(e.plan, e.ns ?? ns));
            this.path.pop();
          }
        } else if (plan.additional !== null) {
          const key = this.local;
          this.path.push(key);
          if (Object.prototype.hasOwnProperty.call(obj, key)) this.duplicate(key);
          setKey(obj, key, this.value(plan.additional, this.uri));
          this.path.pop();
        } else {
          this.unknownElement();
        }
      }
    }
    if (nil && hasChild) return this.nilWithContent(tagStart);
    // Only xsi:nil makes an object null: an empty element is an object with nothing set.
    if (plan.nullable && nil) return null;
    const fill = plan.fill;
    for (let i = 0; i < fill.length; i++) {
      const f = fill[i]!;
      if (getOwn(obj, f.key, f.proto) === undefined) {
        if (f.hasDefault) setKey(obj, f.key, copyJson(f.value));
        else if (f.array) setKey(obj, f.key, []);
      }
    }
    return obj;
  }

  /** xsi:nil="true" says the element has no content; one that has some is contradictory, not null. */
  private nilWithContent(at: number): never {
    return this.fail("TYPE_MISMATCH", `xsi:nil="true" on an element that has content`, at);
  }

  private duplicate(key: string): never {
    return this.fail(
      "TYPE_MISMATCH",
      `element <${this.local}> appears more than once but property "${key}" is not an array`,
      this.tagStart,
    );
  }

  private array(plan: ArrayPlan, ns: string): unknown {
    const tagStart = this.tagStart;
    const flags = this.attrFlags();
    const arr: unknown[] = [];
    let hasChild = false;
    if (this.selfClosing) {
      this.closeSelf();
    } else {
      const items = plan.items;
      const order = plan.order;
      let guess: ItemEntry | undefined = order[0];
      for (;;) {
        if (this.toTag(true) === END_TAG) {
          this.endTag();
          break;
        }
        hasChild = true;
        let e: ItemEntry | undefined;
        if (guess !== undefined && this.isNamed(guess.name)) {
          e = guess;
          const cp = e.plan;
          this.startTag(e.name, cp.k === K_OBJECT ? cp.attrHint : null);
        } else {
          this.startTag();
          e = items.get(this.local);
          if (e !== undefined) guess = e;
        }
        if (e !== undefined && (e.ns ?? ns) === this.uri) {
          this.path.push(arr.length);
          arr.push(this.value(e.plan, e.ns ?? ns));
          this.path.pop();
        } else {
          this.unknownElement();
        }
      }
    }
    if ((flags & 1) !== 0 && hasChild) return this.nilWithContent(tagStart);
    // Only xsi:nil makes a list null: an empty wrapper (`<Links />`) is an empty list.
    if (plan.nullable && (flags & 1) !== 0) return null;
    return arr;
  }

  private scalar(plan: ScalarPlan): unknown {
    const flags = this.attrFlags();
    let text = "";
    let at = this.tagStart;
    if (this.selfClosing) {
      this.closeSelf();
    } else {
      at = this.pos;
      text = this.text();
    }
    if ((flags & 1) !== 0 && trimXml(text) !== "") return this.nilWithContent(at);
    if (text === "" || (flags & 1) !== 0) {
      if (plan.nullable) return null;
      if ((plan.types & T_STR) !== 0) return "";
      return this.fail("TYPE_MISMATCH", `empty element, expected ${describeTypes(plan.types)}`, at);
    }
    return this.coerce(plan, text, at);
  }

  /** Text content of the current element through its end tag. Child elements are a type mismatch. */
  private text(): string {
    const s = this.s;
    const start = this.pos;
    let end = this.textChunk(start);
    let out = this.decodeFlag ? this.decodeText(start, end) : s.slice(start, end);
    if (s.charCodeAt(end + 1) === 47) {
      this.pos = end;
      this.endTag();
      return out;
    }
    let p = end;
    for (;;) {
      const c = s.charCodeAt(p + 1);
      if (c === 47) break;
      if (c === 33) {
        const q = this.bang(p, true);
        if (s.charCodeAt(p + 2) === 91) out += this.decodeCdata(p + 9, q - 3);
        p = q;
      } else if (c === 63) {
        p = this.pi(p);
      } else {
        this.pos = p;
        this.startTag(); // for a precise message
        return this.fail(
          "TYPE_MISMATCH",
          `element <${this.local}> inside ${this.elementLabel(this.depth - 1)}, which should only contain text`,
          p,
        );
      }
      if (s.charCodeAt(p) !== 60) {
        end = this.textChunk(p);
        out += this.decodeFlag ? this.decodeText(p, end) : s.slice(p, end);
        p = end;
      }
    }
    this.pos = p;
    this.endTag();
    return out;
  }

  /** CDATA content: only line ends are normalised. */
  private decodeCdata(start: number, end: number): string {
    const t = this.s.slice(start, end);
    return t.includes("\r") ? t.replace(/\r\n?/g, "\n") : t;
  }

  private coerce(plan: ScalarPlan, text: string, at: number): unknown {
    const types = plan.types;
    if ((types & (T_INT | T_NUM | T_BOOL)) !== 0) {
      const t = trimXml(text);
      // Never Infinity, never a rounded integer: a value JSON cannot carry exactly is a mismatch.
      if ((types & T_INT) !== 0 && isIntegerLexical(t)) {
        const n = Number(t);
        if (Number.isSafeInteger(n)) return n;
        if ((types & (T_NUM | T_STR)) === 0)
          return this.fail("TYPE_MISMATCH", `${shorten(text)} is beyond the safe integer range (±2^53-1)`, at);
      }
      if ((types & T_NUM) !== 0 && isNumberLexical(t)) {
        const n = Number(t);
        if (Number.isFinite(n)) return n;
        if ((types & T_STR) === 0) return this.fail("TYPE_MISMATCH", `${shorten(text)} is out of the number range`, at);
      }
      if ((types & T_BOOL) !== 0) {
        if (t === "true" || t === "1") return true;
        if (t === "false" || t === "0") return false;
      }
    }
    if ((types & T_STR) !== 0) return text;
    return this.fail("TYPE_MISMATCH", `${shorten(text)} is not a valid ${describeTypes(types)}`, at);
  }

  private attrValue(plan: ScalarPlan, value: string, at: number): unknown {
    if (value === "") {
      if ((plan.types & T_STR) !== 0) return "";
      if (plan.nullable) return null;
      return this.fail("TYPE_MISMATCH", `empty attribute value, expected ${describeTypes(plan.types)}`, at);
    }
    return this.coerce(plan, value, at);
  }

  private choice(plan: ChoicePlan, ns: string): unknown {
    if (plan.nullable) {
      let nil = false;
      let hasAttr = false;
      for (let i = 0; i < this.aCount; i++) {
        if (this.aNs[i]) continue;
        if (this.aUri[i] === XSI_NS) {
          if (this.aLocal[i] === "nil") nil = trimXml(this.aVal[i]!) === "true" || trimXml(this.aVal[i]!) === "1";
        } else {
          hasAttr = true;
        }
      }
      if (nil && !this.selfClosing) {
        const next = this.s.indexOf("<", this.pos);
        if (next < 0 || !this.s.startsWith("</", next) || trimXml(this.s.slice(this.pos, next)) !== "")
          return this.nilWithContent(this.tagStart);
      }
      // xsi:nil is null; an empty element is null only when no alternative is an object or a
      // list (those read it as empty, as they would without the null alternative).
      const empty = !hasAttr && (this.selfClosing || this.s.startsWith("</", this.pos));
      if (nil || (empty && plan.alts.every((a) => a.k === K_SCALAR || a.k === K_ANY))) {
        this.skipElement();
        return null;
      }
    }
    const alts = plan.alts;
    if (alts.length === 1) return this.value(alts[0]!, ns);
    if (alts.length === 0) return this.fail("TYPE_MISMATCH", "no alternative accepts this element", this.tagStart);
    const d = this.depth;
    const tagStart = this.tagStart;
    const nsTop = this.fNsTop[d]!;
    const nsDef = this.fNsDef[d]!;
    const pathLen = this.path.length;
    const driftLen = this.drift?.length ?? 0;
    let first: XmlError | undefined;
    for (let i = 0; i < alts.length; i++) {
      const alt = alts[i]!;
      if (i > 0) {
        if (this.drift !== null) this.drift.length = driftLen;
        this.pos = tagStart;
        this.depth = d - 1;
        this.unbind(nsTop);
        this.defNs = nsDef;
        this.path.length = pathLen;
        this.resetCaches();
        this.startTag();
      }
      try {
        const v = this.value(alt, ns);
        if (alt.k === K_OBJECT && v !== null && typeof v === "object") {
          for (const r of alt.required) {
            if (!Object.prototype.hasOwnProperty.call(v, r)) {
              this.fail("TYPE_MISMATCH", `alternative ${i + 1} lacks required property "${r}"`, tagStart);
            }
          }
        }
        return v;
      } catch (err) {
        if (!(err instanceof XmlError) || (err.code !== "TYPE_MISMATCH" && err.code !== "UNKNOWN_NODE")) throw err;
        first ??= err;
      }
    }
    throw first!;
  }

  /** Schema-less element: text -> string, empty -> null, attributes/children -> object (repeats -> array). */
  private any(): unknown {
    const s = this.s;
    let obj: Obj | null = null;
    for (let i = 0; i < this.aCount; i++) {
      if (this.aNs[i] || this.aUri[i] === XSI_NS) continue;
      obj ??= {};
      setKey(obj, this.aLocal[i]!, this.aVal[i]!);
    }
    if (this.selfClosing) {
      this.closeSelf();
      return obj;
    }
    let text = "";
    let p = this.pos;
    for (;;) {
      if (s.charCodeAt(p) !== 60) {
        const end = this.textChunk(p);
        text += this.decodeFlag ? this.decodeText(p, end) : s.slice(p, end);
        p = end;
      }
      const c = s.charCodeAt(p + 1);
      if (c === 47) break;
      if (c === 33) {
        const q = this.bang(p, true);
        if (s.charCodeAt(p + 2) === 91) text += this.decodeCdata(p + 9, q - 3);
        p = q;
      } else if (c === 63) {
        p = this.pi(p);
      } else {
        this.pos = p;
        this.startTag();
        const key = this.local;
        obj ??= {};
        const prev = Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
        this.path.push(key);
        const v = this.any();
        this.path.pop();
        if (prev === undefined) setKey(obj, key, v);
        else if (Array.isArray(prev)) prev.push(v);
        else setKey(obj, key, [prev, v]);
        p = this.pos;
      }
    }
    this.pos = p;
    this.endTag();
    if (obj !== null) return obj;
    return text === "" ? null : text;
  }
}

/**
 * One Parser kept alive for the life of the module. Optimized code holds the hidden class of
 * Parser instances weakly; if no instance survived a full GC, V8 would drop that class and
 * deoptimize the whole scanner ("weak objects"), so the next decode after a major GC would run
 * unoptimized. A resident instance keeps the class, and the compiled code, alive.
 */
export const residentParser = new Parser("", {
  namespaces: new Map(),
  maxDepth: 1,
  unknownError: false,
  drift: null,
  fromBytes: false,
});
