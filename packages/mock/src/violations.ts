// Prism reports what breaks the contract in the `sl-violations` response header (a JSON array,
// cut off with "Too many violations!" past 8 kB). One Violation per entry, one line each.

export interface Violation {
  /** `request` or `response`, then the path into it: `response.body.State`. */
  location: string;
  severity: "error" | "warning" | "info" | "hint";
  message: string;
  code?: string | number | undefined;
}

interface Raw {
  location?: string[];
  severity?: string;
  message?: string;
  code?: string | number;
}

const toViolation = (raw: Raw): Violation => ({
  location: (raw.location ?? []).join(".") || "request",
  severity: (raw.severity ?? "error").toLowerCase() as Violation["severity"],
  message: raw.message ?? "",
  code: raw.code,
});

export function parseViolations(header: string | string[] | undefined): Violation[] {
  if (!header) return [];
  const text = Array.isArray(header) ? header.join(",") : header;
  try {
    return unique((JSON.parse(text) as Raw[]).map(toViolation));
  } catch {
    // Truncated: keep every complete entry, then say that some were lost.
    const out: Violation[] = [];
    for (const m of text.matchAll(
      /\{"location":\[[^\]]*\],"severity":"[^"]*","code":(?:"[^"]*"|\d+),"message":"(?:[^"\\]|\\.)*"\}/g,
    )) {
      try {
        out.push(toViolation(JSON.parse(m[0]) as Raw));
      } catch {
        /* skip */
      }
    }
    out.push({
      location: "response",
      severity: "error",
      message: "more violations than Prism's sl-violations header holds (run with --verbose for Prism's log)",
    });
    return unique(out);
  }
}

/** Prism reports a finding once per `anyOf` branch it tried: keep each once. */
function unique(list: Violation[]): Violation[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const key = `${v.severity} ${v.location} ${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Prism validates an XML body as if it were JSON (it checks the string against the schema), so
 * every XML body "must be object". Such findings say nothing about the contract: drop them.
 */
export function dropXmlBodyFindings(
  violations: Violation[],
  mediaTypeIsXml: boolean,
  side: "request" | "response",
): Violation[] {
  if (!mediaTypeIsXml) return violations;
  return violations.filter((v) => !(v.location === `${side}.body` || v.location.startsWith(`${side}.body.`)));
}

export function formatViolation(v: Violation): string {
  return `${v.severity} ${v.location}: ${v.message}`;
}
