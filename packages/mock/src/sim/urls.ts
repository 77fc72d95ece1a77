// Absolute URLs in bodies (hrefs and links) pointed at the mock: any origin and anything before
// the base path is replaced by the mock's base URL; path segments can be renamed (a template's
// ids to a record's).

/** One URL onto `base` (`http://127.0.0.1:4010/api`); other strings are returned as they are. */
export function rebaseUrl(value: string, base: URL, rename?: ReadonlyMap<string, string>): string {
  if (!/^https?:\/\//i.test(value)) return value;
  const url = new URL(value);
  const basePath = base.pathname.replace(/\/$/, "");
  const at = url.pathname.toLowerCase().indexOf(basePath.toLowerCase());
  let rest = at >= 0 ? url.pathname.slice(at + basePath.length) : url.pathname;
  if (rename)
    rest = rest
      .split("/")
      .map((seg) => rename.get(seg) ?? seg)
      .join("/");
  return `${base.origin}${basePath}${rest}${url.search}`;
}

/**
 * Every URL in `node` (changed in place) onto `base`; with `rename`, also every path segment and
 * every `Name`/`name` member found in it.
 */
export function rebaseUrls(node: unknown, base: string, rename?: ReadonlyMap<string, string>): unknown {
  const target = new URL(base);
  const walk = (n: unknown, key?: string): unknown => {
    if (typeof n === "string")
      return /^https?:\/\//i.test(n)
        ? rebaseUrl(n, target, rename)
        : rename && (key === "Name" || key === "name")
          ? (rename.get(n) ?? n)
          : n;
    if (Array.isArray(n)) return n.map((v) => walk(v));
    if (n && typeof n === "object")
      for (const [k, v] of Object.entries(n)) (n as Record<string, unknown>)[k] = walk(v, k);
    return n;
  };
  return walk(node);
}
