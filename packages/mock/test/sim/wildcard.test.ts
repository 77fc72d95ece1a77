// Backup & Replication's `nameFilter` wildcards (compileWildcard in src/sim/filter.ts): `*` is any
// run of characters, everything else is itself, case does not matter, as the RegExp it replaced
// read them; and a test takes time linear in the pattern and the name, whatever the pattern.
import { describe, expect, it } from "vitest";
import { compileWildcard, foldCase } from "../../src/sim/filter.js";
import { createRandom } from "../../src/sim/random.js";

const matches = (pattern: string, text: string) => compileWildcard(pattern)(text);

/** The RegExp the simulator built before compileWildcard (exponential on `**…*!`): the reference for short input. */
const oldRegExp = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");

describe("compileWildcard", () => {
  it("`*` stands for any run of characters, none included, anywhere in the pattern", () => {
    expect(matches("*", "")).toBe(true);
    expect(matches("*", "SQL Servers Backup")).toBe(true);
    expect(matches("*sql*", "SQL Servers Backup")).toBe(true);
    expect(matches("sql*", "SQL Servers Backup")).toBe(true);
    expect(matches("*backup", "SQL Servers Backup")).toBe(true);
    expect(matches("s*s*b*p", "SQL Servers Backup")).toBe(true);
    expect(matches("**sql**backup**", "SQL Servers Backup")).toBe(true);
    expect(matches("SQL Servers Backup", "SQL Servers Backup")).toBe(true);
    expect(matches("sql", "SQL Servers Backup")).toBe(false);
    expect(matches("*sql", "SQL Servers Backup")).toBe(false);
    expect(matches("backup*", "SQL Servers Backup")).toBe(false);
    expect(matches("", "SQL Servers Backup")).toBe(false);
    expect(matches("", "")).toBe(true);
    // The pieces come in order and do not overlap.
    expect(matches("*backup*sql*", "SQL Servers Backup")).toBe(false);
    expect(matches("a*a", "a")).toBe(false);
    expect(matches("aa*aa", "aaa")).toBe(false);
    expect(matches("aa*aa", "aaaa")).toBe(true);
    expect(matches("*aab*", "aaaab")).toBe(true);
    expect(matches("*abab*abc", "ababababcabc")).toBe(true);
  });

  it("every other character is itself: RegExp metacharacters are plain", () => {
    for (const name of ["a.b", "a+b", "a?b", "a^b", "a$b", "a{1}b", "a(b)", "a|b", "a[b]", "a\\b", "a-b", "a/b"])
      expect(matches(name, name)).toBe(true);
    expect(matches("a.b", "axb")).toBe(false);
    expect(matches("a?b", "ab")).toBe(false);
    expect(matches("a+b", "aab")).toBe(false);
    expect(matches("a|b", "a")).toBe(false);
    expect(matches("[ab]", "a")).toBe(false);
    expect(matches("*(Copy)*", "Exchange (Copy) Backup")).toBe(true);
    expect(matches("\\d*", "1")).toBe(false);
  });

  it("case does not matter, as with the RegExp `i` flag (no `u`)", () => {
    expect(matches("*SQL servers*", "sql SERVERS backup")).toBe(true);
    expect(matches("ÄRGER*", "ärger über")).toBe(true);
    expect(matches("σ*", "Σ")).toBe(true);
    // A non-ASCII letter never folds to an ASCII one, and a letter whose upper case is two is itself.
    expect(matches("s", "ſ")).toBe(false);
    expect(matches("i", "ı")).toBe(false);
    expect(matches("ß", "SS")).toBe(false);
    expect(matches("ß", "ß")).toBe(true);
    expect(foldCase("abcß")).toBe("ABCß");
  });

  it("answers as the RegExp it replaced did, on 20 000 random short patterns and names", () => {
    // An alphabet of letters in both cases, metacharacters, non-ASCII letters and stars; no line
    // breaks, which the old `.*` did not cross.
    const letters = [..."aAbB.+?()[]\\|^$ßſıİΣσ"];
    const r = createRandom(21);
    const word = (max: number, alphabet: string[]) =>
      Array.from({ length: r.int(0, max) }, () => r.pick(alphabet)).join("");
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const pattern = word(6, [...letters, "*", "*", "*", "*", "*", "*"]);
      const name = word(8, letters);
      const expected = oldRegExp(pattern).test(name);
      expect({ pattern, name, match: matches(pattern, name) }).toEqual({ pattern, name, match: expected });
      if (expected) matched++;
    }
    expect(matched).toBeGreaterThan(1000); // the check covered matches, not only misses
  });

  it("a pathological pattern against a megabyte name finishes (the RegExp would run for ages)", () => {
    // `.*` × 2000 then `!` against a million `a`s: a backtracking engine tries every way of sharing
    // the name among the stars before it gives up. Linear: about three million steps.
    const name = "a".repeat(1_000_000);
    expect(matches(`${"*".repeat(2000)}!`, name)).toBe(false);
    expect(matches(`${"*a".repeat(2000)}!`, name)).toBe(false);
    expect(matches(`${"*a".repeat(2000)}*`, name)).toBe(true);
    // KMP's worst case for a naive search: a piece that almost matches at every place.
    expect(matches(`*${"a".repeat(5000)}b*`, name)).toBe(false);
    expect(matches(`*${"a".repeat(5000)}*`, `${name}b`)).toBe(true);
  });
});
