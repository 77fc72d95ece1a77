// Character classes of XML 1.0 (fifth edition) and Namespaces in XML 1.0, as lookup tables and
// range checks over UTF-16 code units. No regular expressions on the hot path.

/** Bit 1: NameStartChar (without ':'), bit 2: NameChar (without ':'). ASCII only. */
export const NAME_START = 1;
export const NAME_CHAR = 2;
export const ASCII_NAME: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const start = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // A-Z a-z _
    const char = start || (c >= 48 && c <= 57) || c === 45 || c === 46; // 0-9 - .
    t[c] = (start ? NAME_START : 0) | (char ? NAME_CHAR : 0);
  }
  return t;
})();

/** NameStartChar for a BMP code unit >= 0x80 (surrogates excluded: handled by the caller). */
export function isNameStartBmp(c: number): boolean {
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

/** NameChar for a BMP code unit >= 0x80 (surrogates excluded). */
export function isNameCharBmp(c: number): boolean {
  return isNameStartBmp(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

/** Is `cp` (a code point) a Char of XML 1.0? */
export function isXmlChar(cp: number): boolean {
  return cp >= 0x20
    ? cp <= 0xd7ff || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
    : cp === 9 || cp === 10 || cp === 13;
}

/** Is the code unit at `i` the start of a character XML 1.0 allows? (Pairs surrogates.) */
export function isXmlCharAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    return d >= 0xdc00 && d <= 0xdfff;
  }
  return isXmlChar(c);
}

/** Whether `name` is an XML Name without colons (an NCName). Used by encode for names it writes. */
export function isNCName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 128) {
      if ((ASCII_NAME[c]! & (i === 0 ? NAME_START : NAME_CHAR)) === 0) return false;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = name.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff) || c > 0xdb7f) return false; // U+10000..U+EFFFF
      i++;
    } else if (!(i === 0 ? isNameStartBmp(c) : isNameCharBmp(c))) {
      return false;
    }
  }
  return true;
}

export function isXmlWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}
