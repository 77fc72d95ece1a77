// Enterprise Manager's query service: the `filter=`, `sortAsc=` and `sortDesc=` parameters, as the
// simulator engine evaluates them over its records; and the `*` wildcards of Backup &
// Replication's `nameFilter` (compileWildcard, at the end). Pure: no I/O, no state.
//
// Authority: Veeam's EM REST reference (v13), pages docs/em_rest/*.md of comnam90/veeam-docs-vbr-dump.
// Each decision below names the page it follows; where the reference is silent, the comment says so
// and what we chose instead.
//
// Grammar (filter.md, query_comparison.md, query_and_or.md, query_grouping.md):
//   filter     := or END
//   or         := and ( "," and )*              "," is OR
//   and        := primary ( ";" primary )*      ";" is AND, binding tighter than ","
// query_and_or.md defines ";" and "," but does not rank them, and query_grouping.md's example
// parenthesises each AND group, which reads the same either way. We bind AND tighter, the usual
// rule and the one the client's Filter.or relies on when it writes `a;b,c;d` (client/src/query.ts).
//   primary    := "(" or ")" | comparison
//   comparison := field op value                op: == != < > <= >=
//   value      := "quoted" | unquoted
// Positions in errors are 0-based offsets into the filter text.

export type FieldType = "string" | "number" | "date" | "boolean";

export interface FieldSpec {
  /** The name in the schema's case, e.g. "JobName", "CreationTime"; `get` is called with it. */
  name: string;
  type: FieldType;
  /**
   * For a string field with a documented list of values (Result, State, JobType): the values in the
   * reference's order. query_comparison.md (Note): "If a resource parameter has an array of possible
   * values, the values are compared by their index ... the Failed value is greater than the Success
   * value." With `values`, a filter value must be one of them (any case), and `<`, `>` and sorting
   * follow this order; without it the field is free text.
   */
  values?: readonly string[];
}

export class FilterError extends Error {
  override readonly name = "FilterError";
  constructor(
    readonly kind: "syntax" | "field" | "value",
    message: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

/** Longest filter text accepted: a size limit on request input (no reference page sets one). */
export const MAX_FILTER_LENGTH = 4096;
/** Deepest parenthesis nesting accepted, so a hostile filter cannot exhaust the stack. */
export const MAX_NESTING = 32;

type Get = (field: string) => unknown;
type Predicate = (get: Get) => boolean;
type Operator = "==" | "!=" | "<" | ">" | "<=" | ">=";

/** Parses `filter=` text against the fields the query type allows; returns a predicate over a record accessor. Throws FilterError. */
export function compileFilter(
  text: string,
  fields: readonly FieldSpec[],
): (get: (field: string) => unknown) => boolean {
  if (typeof text !== "string") throw new FilterError("syntax", "Invalid filter: the filter is not text");
  if (text.length > MAX_FILTER_LENGTH) {
    throw new FilterError(
      "syntax",
      `Invalid filter: it is ${text.length} characters long, more than the ${MAX_FILTER_LENGTH} allowed`,
    );
  }
  return new Parser(text, fields).parse();
}

/** sortAsc/sortDesc: a comparator on one field (name case-insensitive); throws FilterError kind "field" for an unknown one. */
export function compileSort(
  field: string,
  descending: boolean,
  fields: readonly FieldSpec[],
): (get1: (f: string) => unknown, get2: (f: string) => unknown) => number {
  const { key, compare } = compileSortKey(field, descending, fields);
  return (get1, get2) => compare(key(get1), key(get2));
}

/**
 * compileSort in two steps: `key` reads a record's sort key once, `compare` orders two keys as
 * compileSort orders their records. Sorting n records reads n keys, not 2 n log n.
 */
export function compileSortKey(
  field: string,
  descending: boolean,
  fields: readonly FieldSpec[],
): { key: (get: (f: string) => unknown) => unknown; compare: (a: unknown, b: unknown) => number } {
  // sortasc_sortdesc.md: `sortDesc=name` sorts by the `Name` field: names are read case-insensitively
  // (also veeam-api-notes.md). Spaces are ignored as in filters (optional_query_parameters.md).
  const wanted = typeof field === "string" ? field.replace(/\s+/g, "") : "";
  const spec = lookup(fields, wanted);
  if (!spec) {
    const what = wanted === "" ? "no sort field given" : `unknown sort field '${clip(wanted)}'`;
    throw new FilterError("field", `Invalid ${descending ? "sortDesc" : "sortAsc"}: ${what}; ${fieldList(fields)}`);
  }
  return withOrdering(spec, <K>(o: Ordering<K>) => {
    const name = spec.name;
    return {
      key: (get: Get) => o.key(get(name)),
      compare: (x: unknown, y: unknown) => {
        const a = x as K | undefined;
        const b = y as K | undefined;
        // No page says where records without a value (a running session's EndTime) go. We put them
        // first in ascending order, last in descending, as .NET's comparers and SQL Server order nulls.
        let c: number;
        if (a === undefined) c = b === undefined ? 0 : -1;
        else if (b === undefined) c = 1;
        else c = o.compare(a, b);
        return c === 0 ? 0 : descending ? -c : c;
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Values of each type: how a filter literal reads, how a record's value reads, how two compare.

interface Ordering<K> {
  /** The record's value as a key; undefined when absent, null or not of the field's type. */
  key(value: unknown): K | undefined;
  compare(a: K, b: K): number;
  /** The filter's literal as a key, or the reason it is not one. */
  literal(text: string): K | { error: string };
}

function isError(v: unknown): v is { error: string } {
  return typeof v === "object" && v !== null && "error" in v;
}

function order<K extends string | number | bigint>(a: K, b: K): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Case-insensitive strings. query_and_or.md and query_grouping.md filter `jobtype==backup`,
// `platform==hyperv`, `scheduleconfigured==false` against values the server writes as `Backup`,
// `HyperV`, `False`: values are read without regard to case. For free text (names, UIDs) no page
// says; we apply the same rule so a field behaves the same whether or not it has a value list.
const fold = (s: string): string => s.toUpperCase();

const STRING: Ordering<string> = {
  key: (v) => (typeof v === "string" ? fold(v) : undefined),
  compare: order,
  literal: (text) => fold(text),
};

function enumeration(values: readonly string[]): Ordering<number> {
  const index = new Map(values.map((v, i) => [fold(v), i] as const));
  // The values as the list writes them, to the same places: most records hold them so (no folding).
  const exact = new Map(values.map((v) => [v, index.get(fold(v))!] as const));
  return {
    // A record value outside the list (a newer server's value, veeam-api-notes.md: "treat unknown
    // values as drift") has no place in the order: it reads as absent.
    key: (v) => (typeof v === "string" ? (exact.get(v) ?? index.get(fold(v))) : undefined),
    compare: order,
    literal: (text) => index.get(fold(text)) ?? { error: `not one of ${values.join(", ")}` },
  };
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function readNumber(text: string): number | undefined {
  if (!NUMBER_TEXT.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

// Numbers compare numerically (TotalSize is a Long in get_query_backuptasksession.md).
const NUMBER: Ordering<number> = {
  key: (v) =>
    typeof v === "number"
      ? Number.isNaN(v)
        ? undefined
        : v
      : typeof v === "bigint"
        ? Number(v)
        : typeof v === "string"
          ? readNumber(v)
          : undefined,
  compare: order,
  literal: (text) => readNumber(text) ?? { error: "not a number" },
};

// Booleans: get_query_backupjobsession.md lists IsRetry's values as `True` and `False`;
// query_grouping.md writes `scheduleconfigured==false`: read case-insensitively. No page orders
// them; `<` and sorting put False before True (as .NET's Boolean.CompareTo does).
function readBoolean(text: string): number | undefined {
  const t = text.toLowerCase();
  return t === "true" ? 1 : t === "false" ? 0 : undefined;
}

const BOOLEAN: Ordering<number> = {
  key: (v) => (typeof v === "boolean" ? Number(v) : typeof v === "string" ? readBoolean(v) : undefined),
  compare: order,
  literal: (text) => readBoolean(text) ?? { error: "not True or False" },
};

// Dates. get_query_backupjobsession.md and get_query_backuptasksession.md: CreationTime and EndTime
// "accept only UTC-formatted DateTime values, for example: 2025-08-14T12:31:30.389954Z", and the
// example filters `CreationTime>="2025-08-15T06:00:00Z"`. We read ISO 8601: date, optional time
// (minutes, seconds, 1 to 7 fraction digits: the server writes up to 7), `Z`; a value without a zone
// is UTC (the only kind the field takes); an offset other than +00:00 is refused as not UTC.
// Keys are 100 ns ticks (bigint), so 7 fraction digits compare exactly.
const DATE_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Ticks since 1970 UTC and the zone offset in minutes (undefined when the text has no zone). */
function readDate(text: string): { ticks: bigint; offset: number | undefined } | undefined {
  const m = DATE_TEXT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((s) => Number(s ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset: number | undefined;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const digits = zone.replace(":", "");
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  } else if (zone !== undefined) offset = 0;
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  const fraction = (m[7] ?? "").padEnd(7, "0");
  const ticks = BigInt(d.getTime() - (offset ?? 0) * 60_000) * 10_000n + BigInt(fraction);
  return { ticks, offset };
}

/** Record values read as dates, remembered (a query reads the same stored texts again and again). */
const dateKeys = new Map<string, bigint | undefined>();
const DATE_KEYS = 100_000;

function dateKey(text: string): bigint | undefined {
  let ticks = dateKeys.get(text);
  if (ticks === undefined && !dateKeys.has(text)) {
    ticks = readDate(text)?.ticks;
    if (dateKeys.size >= DATE_KEYS) dateKeys.clear();
    dateKeys.set(text, ticks);
  }
  return ticks;
}

const DATE: Ordering<bigint> = {
  key: (v) => {
    if (v instanceof Date) {
      const t = v.getTime();
      return Number.isNaN(t) ? undefined : BigInt(t) * 10_000n;
    }
    if (typeof v === "string") return dateKey(v);
    if (typeof v === "number" && Number.isFinite(v)) return BigInt(Math.trunc(v)) * 10_000n; // epoch ms
    return undefined;
  },
  compare: order,
  literal: (text) => {
    const d = readDate(text);
    if (!d) return { error: "not a date; write UTC ISO 8601 such as 2025-08-15T06:00:00Z" };
    if (d.offset !== undefined && d.offset !== 0) {
      return { error: "not a UTC date; the field accepts only UTC values (ending in Z)" };
    }
    return d.ticks;
  },
};

/** Calls `f` with the field's ordering (an existential: each type has its own key type). */
function withOrdering<R>(spec: FieldSpec, f: <K>(o: Ordering<K>) => R): R {
  switch (spec.type) {
    case "string":
      return spec.values && spec.values.length > 0 ? f(enumeration(spec.values)) : f(STRING);
    case "number":
      return f(NUMBER);
    case "date":
      return f(DATE);
    case "boolean":
      return f(BOOLEAN);
    default:
      // Only reachable when the engine's field table is wrong (it is typed, but built from data).
      throw new FilterError("field", `Field ${String(spec.name)} has no known type`);
  }
}

function comparison<K>(o: Ordering<K>, name: string, op: Operator, literal: K): Predicate {
  // No page says how a record without the field (a running session has no EndTime) compares. We
  // read `!=` as the negation of `==` (such a record is not equal to any value) and every other
  // operator as false: `EndTime<X` does not list sessions that have not ended.
  return (get) => {
    const k = o.key(get(name));
    if (k === undefined) return op === "!=";
    const c = o.compare(k, literal);
    switch (op) {
      case "==":
        return c === 0;
      case "!=":
        return c !== 0;
      case "<":
        return c < 0;
      case ">":
        return c > 0;
      case "<=":
        return c <= 0;
      default:
        return c >= 0;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The parser: recursive descent that compiles as it goes.

// Characters that end a field name or an unquoted value.
const SPECIAL = new Set([";", ",", "(", ")", "=", "!", "<", ">", '"']);
const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly fields: readonly FieldSpec[],
  ) {}

  parse(): Predicate {
    this.skipSpace();
    if (this.i >= this.text.length) throw new FilterError("syntax", "Invalid filter: it is empty", 0);
    const p = this.or();
    this.skipSpace();
    if (this.i < this.text.length) {
      // `)` without `(`, or junk after a value (`JobName=="a"b`, `Result==Failed=`).
      throw this.syntax(
        this.peek() === ")"
          ? "')' without a matching '('"
          : `expected ';', ',' or the end of the filter, found ${this.found()}`,
      );
    }
    return p;
  }

  private or(): Predicate {
    const parts = [this.and()];
    while (this.take(",")) parts.push(this.and());
    if (parts.length === 1) return parts[0]!;
    return (get) => parts.some((p) => p(get));
  }

  private and(): Predicate {
    const parts = [this.primary()];
    while (this.take(";")) parts.push(this.primary());
    if (parts.length === 1) return parts[0]!;
    return (get) => parts.every((p) => p(get));
  }

  private primary(): Predicate {
    this.skipSpace();
    const start = this.i;
    if (this.peek() === "(") {
      if (++this.depth > MAX_NESTING) throw this.syntax(`parentheses nested deeper than ${MAX_NESTING}`);
      this.i++;
      const p = this.or();
      this.skipSpace();
      if (this.peek() !== ")") {
        throw this.syntax(
          this.i >= this.text.length
            ? `'(' at offset ${start} is not closed`
            : `expected ';', ',' or ')', found ${this.found()}`,
        );
      }
      this.i++;
      this.depth--;
      return p;
    }
    return this.comparison();
  }

  private comparison(): Predicate {
    this.skipSpace();
    const at = this.i;
    const name = this.word();
    if (name === "") {
      throw this.syntax(`expected a comparison such as Result==Failed, found ${this.found()}`);
    }
    const spec = lookup(this.fields, name);
    if (!spec)
      throw new FilterError(
        "field",
        `Invalid filter at offset ${at}: unknown field '${clip(name)}'; ${fieldList(this.fields)}`,
        at,
      );
    this.skipSpace();
    const op = this.operator();
    if (!op) {
      throw this.syntax(
        `expected a comparison operator (==, !=, <, >, <=, >=) after ${spec.name}, found ${this.found()}`,
      );
    }
    this.skipSpace();
    const valueAt = this.i;
    const text = this.value(spec);
    return withOrdering(spec, (o) => {
      const literal = o.literal(text);
      if (isError(literal)) {
        throw new FilterError(
          "value",
          `Invalid filter at offset ${valueAt}: ${spec.name}${op}${clip(text)}: ${literal.error}`,
          valueAt,
        );
      }
      return comparison(o, spec.name, op, literal);
    });
  }

  private operator(): Operator | undefined {
    const two = this.text.slice(this.i, this.i + 2);
    if (two === "==" || two === "!=" || two === "<=" || two === ">=") {
      this.i += 2;
      return two;
    }
    const one = this.peek();
    if (one === "<" || one === ">") {
      this.i++;
      return one;
    }
    return undefined;
  }

  /** A field name or an unquoted value: up to a special character; spaces in it are dropped. */
  private word(): string {
    let out = "";
    for (let c = this.peek(); c !== undefined && !SPECIAL.has(c); c = this.peek()) {
      // optional_query_parameters.md: "If the string contains spaces and is not included in quotes,
      // the server will ignore spaces in the string."
      if (!isSpace(c)) out += c;
      this.i++;
    }
    return out;
  }

  private value(spec: FieldSpec): string {
    const start = this.i;
    const c = this.peek();
    if (c === '"') {
      // optional_query_parameters.md: "If the string itself contains a quote character, the quote
      // must be doubled ... Name==""Backup""" (the value `"Backup"`). So `""` opening a value is
      // either the empty string (the client's formatValue writes `""` for it) or, when a value
      // follows, a literal quote in an unquoted value.
      if (this.text[this.i + 1] === '"') {
        this.i += 2;
        this.skipSpace();
        if (this.atValueEnd()) return "";
        this.i = start;
        return this.unquoted(spec);
      }
      return this.quoted();
    }
    return this.unquoted(spec);
  }

  private atValueEnd(): boolean {
    const c = this.peek();
    return c === undefined || c === ";" || c === "," || c === ")";
  }

  /** An unquoted value, where `""` stands for one quote (optional_query_parameters.md). */
  private unquoted(spec: FieldSpec): string {
    const start = this.i;
    let out = "";
    for (;;) {
      out += this.word();
      if (this.peek() === '"' && this.text[this.i + 1] === '"') {
        out += '"';
        this.i += 2;
        continue;
      }
      break;
    }
    if (this.peek() === '"') {
      throw this.syntax(
        `a quote inside the value of ${spec.name} that starts at offset ${start}; quote the whole value`,
      );
    }
    if (out === "") throw this.syntax(`expected a value for ${spec.name}, found ${this.found()}`);
    return out;
  }

  /**
   * A quoted value: spaces and special characters are kept. Escapes: `\"` and `\\` (what the
   * client's formatValue writes) and `""` (optional_query_parameters.md) stand for `"` and `\`;
   * a backslash before any other character is kept as is, so Windows paths (`"C:\Backups"`) read
   * as typed. No page documents backslash escapes; the client's side defines them.
   */
  private quoted(): string {
    const start = this.i;
    this.i++;
    let out = "";
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        throw new FilterError("syntax", `Invalid filter at offset ${start}: the quoted value is not closed`, start);
      }
      const next = this.text[this.i + 1];
      if (c === "\\" && (next === '"' || next === "\\")) {
        out += next;
        this.i += 2;
      } else if (c === '"' && next === '"') {
        out += '"';
        this.i += 2;
      } else if (c === '"') {
        this.i++;
        return out;
      } else {
        out += c;
        this.i++;
      }
    }
  }

  private take(c: string): boolean {
    this.skipSpace();
    if (this.peek() !== c) return false;
    this.i++;
    return true;
  }

  private peek(): string | undefined {
    return this.text[this.i];
  }

  private skipSpace(): void {
    while (isSpace(this.peek())) this.i++;
  }

  private found(): string {
    const c = this.peek();
    return c === undefined ? "the end of the filter" : `'${c}'`;
  }

  private syntax(detail: string): FilterError {
    return new FilterError("syntax", `Invalid filter at offset ${this.i}: ${detail}`, this.i);
  }
}

function lookup(fields: readonly FieldSpec[], name: string): FieldSpec | undefined {
  // veeam-api-notes.md: filter field names are read case-insensitively (`filter=creationtime>"…"`);
  // the reference's own examples write `name==`, `jobtype==` (query_comparison.md, query_and_or.md).
  const wanted = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === wanted);
}

function fieldList(fields: readonly FieldSpec[]): string {
  return fields.length === 0 ? "this query type has no such fields" : `fields: ${fields.map((f) => f.name).join(", ")}`;
}

/** Input echoed into a message, cut short: a message stays readable whatever the filter. */
function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}

// ---------------------------------------------------------------------------------------------
// Wildcards: Backup & Replication's `nameFilter` (profile filter op `like`).

/**
 * A `*` wildcard pattern as a test of text: `*` stands for any run of characters (none too),
 * every other character for itself (`.`, `(`, `\` … are plain characters), compared without
 * regard to case. Compiled once per request, then tested against each record.
 *
 * No RegExp: a pattern of stars became `.*.*.*…`, and a backtracking engine tries every way of
 * sharing a name among them, so `nameFilter=**********!` held the event loop (every API of the
 * process) for half a minute. Here a test is linear in the lengths of the pattern and the text:
 * the pattern is its literal pieces between stars; the first must start the text, the last end
 * it, and each one between is found at its leftmost place after the one before (KMP, which never
 * steps back in the text). Leftmost is always right: a piece found earlier leaves more room for
 * the pieces after it.
 */
export function compileWildcard(pattern: string): (text: string) => boolean {
  const pieces = foldCase(pattern).split("*");
  if (pieces.length === 1) {
    const exact = pieces[0]!;
    return (text) => text.length === exact.length && foldCase(text) === exact;
  }
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  const middle = pieces
    .slice(1, -1)
    .filter((p) => p !== "")
    .map((p) => ({ p, fail: failureTable(p) }));
  const least = head.length + tail.length + middle.reduce((n, m) => n + m.p.length, 0);
  return (raw) => {
    if (raw.length < least) return false;
    const text = foldCase(raw);
    if (!text.startsWith(head) || !text.endsWith(tail)) return false;
    let at = head.length;
    const end = text.length - tail.length;
    for (const { p, fail } of middle) {
      const found = indexOfKmp(text, p, fail, at, end);
      if (found < 0) return false;
      at = found + p.length;
    }
    return true;
  };
}

/**
 * Text with each UTF-16 unit folded as a RegExp with the `i` flag (and no `u`) folds it
 * (ECMA-262, Canonicalize): to its upper case when that is one unit, except that a non-ASCII
 * unit never folds to an ASCII one (`ſ` is not `S`). So the wildcard matches what the RegExp
 * it replaces matched, and the length never changes (`ß` stays `ß`, not `SS`).
 */
export function foldCase(s: string): string {
  let out = "";
  const units: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) units.push(c >= 97 && c <= 122 ? c - 32 : c);
    else {
      const upper = String.fromCharCode(c).toUpperCase();
      const u = upper.charCodeAt(0);
      units.push(upper.length === 1 && u >= 128 ? u : c);
    }
    // In slices: String.fromCharCode takes its units as arguments, and arguments are limited.
    if (units.length === 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** KMP's failure table: for each prefix of `p`, the length of its longest proper prefix that is also its suffix. */
function failureTable(p: string): Int32Array {
  const fail = new Int32Array(p.length);
  for (let i = 1, k = 0; i < p.length; i++) {
    while (k > 0 && p[i] !== p[k]) k = fail[k - 1]!;
    if (p[i] === p[k]) k++;
    fail[i] = k;
  }
  return fail;
}

/** Where `p` (non-empty) first occurs wholly inside `text[from, end)`, or -1, never stepping back in the text. */
function indexOfKmp(text: string, p: string, fail: Int32Array, from: number, end: number): number {
  for (let i = from, k = 0; i < end; i++) {
    while (k > 0 && text[i] !== p[k]) k = fail[k - 1]!;
    if (text[i] === p[k]) k++;
    if (k === p.length) return i - p.length + 1;
  }
  return -1;
}
