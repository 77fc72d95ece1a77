// Media types: what a recorded `Content-Type` is, and which of an operation's `content` keys it matches.

/** `application/json; charset=utf-8` → `application/json` (lowercase, parameters dropped). */
export function essence(mediaType: string): string {
  const semi = mediaType.indexOf(";");
  return (semi < 0 ? mediaType : mediaType.slice(0, semi)).trim().toLowerCase();
}

export type BodyKind = "json" | "xml";

/** How a body of this media type (an essence) is read: JSON (`application/json`, `*+json`), XML (`application/xml`, `text/xml`, `*+xml`). */
export function bodyKind(mediaEssence: string): BodyKind | undefined {
  if (mediaEssence === "application/json" || mediaEssence === "text/json" || mediaEssence.endsWith("+json"))
    return "json";
  if (mediaEssence === "application/xml" || mediaEssence === "text/xml" || mediaEssence.endsWith("+xml")) return "xml";
  return undefined;
}

/**
 * The `content` key a recorded media type falls under: the exact type first, then `type/*`,
 * then `*\/*` (OpenAPI's precedence: the most specific key wins). Keys are compared by essence,
 * so a key written with parameters or in another case still matches.
 */
export function matchContentKey(keys: readonly string[], mediaEssence: string): string | undefined {
  const slash = mediaEssence.indexOf("/");
  const range = slash < 0 ? undefined : `${mediaEssence.slice(0, slash)}/*`;
  let wild: string | undefined;
  let any: string | undefined;
  for (const key of keys) {
    const k = essence(key);
    if (k === mediaEssence) return key;
    if (k === range) wild ??= key;
    else if (k === "*/*") any ??= key;
  }
  return wild ?? any;
}
