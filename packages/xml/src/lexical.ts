// The decoder's lexical helpers: what XML and XSD say a run of characters means, apart from the
// scanner's own state machine (decode.ts). Character classes are in chars.ts. Pure functions over
// a string and an offset; errors come back as values, and the scanner turns them into XmlErrors
// with its own position and path.
import * as chars from "./chars.js";
import * as schema from "./schema.js";

// Imported bindings copied into module constants, as in decode.ts (loaders may compile imports to getters).
const isXmlChar = chars.isXmlChar;
const isXmlWhitespace = chars.isXmlWhitespace;
const T_BOOL = schema.T_BOOL;
const T_INT = schema.T_INT;
const T_NUM = schema.T_NUM;
const T_STR = schema.T_STR;

/** Characters XML 1.0 forbids, plus all surrogates (valid pairs are let through by `firstInvalid`). */
// eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/g;

/** Offset of the first character XML 1.0 does not allow (lone surrogates included), or -1. */
export function firstInvalid(s: string): number {
  FORBIDDEN.lastIndex = 0;
  for (;;) {
    const m = FORBIDDEN.exec(s);
    if (m === null) return -1;
    const i = m.index;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        FORBIDDEN.lastIndex = i + 2;
        continue;
      }
    }
    return i;
  }
}

/** `[+-]?[0-9]+` */
export function isIntegerLexical(t: string): boolean {
  const n = t.length;
  let i = 0;
  const c0 = t.charCodeAt(0);
  if (c0 === 43 || c0 === 45) i = 1;
  if (i >= n) return false;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `[+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?` */
export function isNumberLexical(t: string): boolean {
  const n = t.length;
  let i = 0;
  let c = t.charCodeAt(0);
  if (c === 43 || c === 45) c = t.charCodeAt(++i);
  let digits = 0;
  while (c >= 48 && c <= 57) {
    digits++;
    c = t.charCodeAt(++i);
  }
  if (c === 46) {
    c = t.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      digits++;
      c = t.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    c = t.charCodeAt(++i);
    if (c === 43 || c === 45) c = t.charCodeAt(++i);
    let exp = 0;
    while (c >= 48 && c <= 57) {
      exp++;
      c = t.charCodeAt(++i);
    }
    if (exp === 0) return false;
  }
  return i === n;
}

/** Trim XML whitespace (XSD "collapse" for numbers and booleans). */
export function trimXml(t: string): string {
  let a = 0;
  let b = t.length;
  while (a < b && isXmlWhitespace(t.charCodeAt(a))) a++;
  while (b > a && isXmlWhitespace(t.charCodeAt(b - 1))) b--;
  return a === 0 && b === t.length ? t : t.slice(a, b);
}

export function describeTypes(types: number): string {
  const names: string[] = [];
  if (types & T_INT) names.push("integer");
  if (types & T_NUM) names.push("number");
  if (types & T_BOOL) names.push("boolean");
  if (types & T_STR) names.push("string");
  return names.length === 0 ? "null" : names.join(" or ");
}

export function shorten(t: string): string {
  return JSON.stringify(t.length > 40 ? t.slice(0, 40) + "…" : t);
}

/** The next offset of `needle` at or after a position, cached while the scan moves forward. */
export class NextOf {
  /** Offset of the next occurrence; the input's length when there is none; -1 when stale. */
  private at = -1;
  constructor(
    private readonly s: string,
    private readonly needle: string,
  ) {}
  from(p: number): number {
    let x = this.at;
    if (x < p) {
      x = this.s.indexOf(this.needle, p);
      this.at = x = x < 0 ? this.s.length : x;
    }
    return x;
  }
  reset(): void {
    this.at = -1;
  }
}

/** Where `reference` leaves the replacement text (or, when it fails, the message). */
export interface RefOut {
  refValue: string;
}

/** `reference` failed: malformed syntax (MALFORMED). */
export const REF_MALFORMED = -1;
/** `reference` failed: a character reference to a code point XML does not allow (INVALID_CHARACTER). */
export const REF_NOT_A_CHAR = -2;

/**
 * Entity or character reference at `p` (`&`) in `s` (whose first `n` characters are valid):
 * sets `out.refValue` to its text and returns the offset after `;`. On error returns
 * REF_MALFORMED or REF_NOT_A_CHAR and sets `out.refValue` to the message. There is no DTD, so
 * only the five predefined entities exist.
 */
export function reference(s: string, p: number, n: number, out: RefOut): number {
  let q = p + 1;
  let c = s.charCodeAt(q);
  if (c === 35) {
    // &#...; or &#x...;
    q++;
    const hex = s.charCodeAt(q) === 120;
    if (hex) q++;
    let v = 0;
    const digitsStart = q;
    for (;;) {
      c = s.charCodeAt(q);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (hex && c >= 97 && c <= 102) d = c - 87;
      else if (hex && c >= 65 && c <= 70) d = c - 55;
      else break;
      v = v * (hex ? 16 : 10) + d;
      if (v > 0x10ffff) v = 0x110000;
      q++;
    }
    if (q === digitsStart || c !== 59) {
      out.refValue = "malformed character reference";
      return REF_MALFORMED;
    }
    if (!isXmlChar(v)) {
      out.refValue = `character reference ${s.slice(p, q + 1)} is not an XML character`;
      return REF_NOT_A_CHAR;
    }
    out.refValue = String.fromCodePoint(v);
    return q + 1;
  }
  switch (c) {
    case 108: // lt
      if (s.charCodeAt(q + 1) === 116 && s.charCodeAt(q + 2) === 59) {
        out.refValue = "<";
        return q + 3;
      }
      break;
    case 103: // gt
      if (s.charCodeAt(q + 1) === 116 && s.charCodeAt(q + 2) === 59) {
        out.refValue = ">";
        return q + 3;
      }
      break;
    case 97: // amp, apos
      if (s.startsWith("mp;", q + 1)) {
        out.refValue = "&";
        return q + 4;
      }
      if (s.startsWith("pos;", q + 1)) {
        out.refValue = "'";
        return q + 5;
      }
      break;
    case 113: // quot
      if (s.startsWith("uot;", q + 1)) {
        out.refValue = '"';
        return q + 5;
      }
      break;
  }
  let e = q;
  while (e < n && e - q < 40 && s.charCodeAt(e) !== 59 && !isXmlWhitespace(s.charCodeAt(e)) && s.charCodeAt(e) !== 60)
    e++;
  out.refValue =
    s.charCodeAt(e) === 59 && e > q
      ? `unknown entity &${s.slice(q, e)}; (no DTD, so only the five predefined entities exist)`
      : "'&' must start an entity or character reference";
  return REF_MALFORMED;
}
