// Which of the media types an operation offers a request's Accept header picks: by q, then by
// how specific the matching range is, then by the range's position, then by the offer's order
// (as Prism decides it, through the `accepts` package).
export function negotiate(accept: string | undefined, offers: readonly string[]): string | undefined {
  const ranges = (accept ?? "*/*")
    .split(",")
    .map((part, index) => {
      const [range = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim().split("=")).find(([k]) => k === "q")?.[1];
      return { range: range.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.range && !Number.isNaN(r.q));
  let best: { offer: string; q: number; specificity: number; index: number; order: number } | undefined;
  offers.forEach((offer, order) => {
    const [type, subtype] = offer.split("/");
    let match: { q: number; specificity: number; index: number } | undefined;
    for (const r of ranges) {
      const [rt, rs] = r.range.split("/");
      const specificity =
        rt === type && rs === subtype ? 2 : rt === type && rs === "*" ? 1 : rt === "*" && rs === "*" ? 0 : -1;
      if (specificity < 0) continue;
      if (!match || specificity > match.specificity) match = { q: r.q, specificity, index: r.index };
    }
    if (!match || match.q <= 0) return;
    const better =
      !best ||
      match.q > best.q ||
      (match.q === best.q &&
        (match.specificity > best.specificity || (match.specificity === best.specificity && match.index < best.index)));
    if (better) best = { offer, order, ...match };
  });
  return best?.offer;
}

export const isXml = (mediaType: string | undefined) =>
  !!mediaType && /^(application|text)\/([\w.+-]+\+)?xml\b/i.test(mediaType);

/** Adds a preference to a Prefer header, replacing one of the same name. */
export function withPreference(prefer: string | undefined, name: string, value: string): string {
  const kept = (prefer ?? "")
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p && p.split("=")[0]!.trim().toLowerCase() !== name);
  return [...kept, `${name}=${value}`].join(", ");
}
