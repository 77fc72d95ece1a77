// Redirect policy: credentials (the EM session header, a bearer token, a grant's password) go
// only to the configured origin. fetch would follow a redirect anywhere and keep custom headers
// (it strips only Authorization) and re-POST a body on 307/308, so every request is sent with
// `redirect: "manual"` and this follows same-origin redirects itself, a few hops at most.
import { limitBody } from "./limits.js";

/** Same-origin hops followed at most. */
export const MAX_REDIRECTS = 5;

/** A redirect the client refused: to another origin, or one hop too many. */
export class RedirectSignal extends Error {
  override readonly name = "RedirectSignal";
  constructor(
    message: string,
    /** `host:port` of the refused target, when it is another origin. */
    readonly host: string | undefined,
  ) {
    super(message);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface GuardOptions {
  /** The only origin requests may go to (from baseUrl). */
  origin: string;
  maxResponseBytes: number;
  maxRedirects?: number;
}

/**
 * fetch that never leaves `origin` and limits every body (see `limitBody`). A 3xx to the same
 * origin is followed (303, and 301/302 after a POST, become a GET without body, as browsers
 * do); one to another origin throws RedirectSignal naming the target host, and nothing is sent there.
 */
export function guardedFetch(base: typeof globalThis.fetch, options: GuardOptions): typeof globalThis.fetch {
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  return async (input, init) => {
    let request = input instanceof Request && init === undefined ? input : new Request(input, init);
    if (request.redirect !== "manual") request = new Request(request, { redirect: "manual" });
    // A body can be sent once: keep a copy only when a 307/308 might need it again.
    let spare = request.body ? request.clone() : undefined;
    let response = await base(request);
    for (let hops = 0; REDIRECTS.has(response.status) || response.type === "opaqueredirect"; hops++) {
      const location = response.headers.get("location");
      if (location === null) break; // a 3xx without Location is just an answer
      void response.body?.cancel().catch(() => undefined);
      let target: URL;
      try {
        target = new URL(location, request.url);
      } catch {
        throw new RedirectSignal(`HTTP ${response.status} redirect to an invalid Location`, undefined);
      }
      if (target.origin !== options.origin) {
        throw new RedirectSignal(
          `HTTP ${response.status} redirect to another origin (${target.host}) refused: credentials are sent only to ${new URL(options.origin).host}`,
          target.host,
        );
      }
      if (hops >= maxRedirects) throw new RedirectSignal(`more than ${maxRedirects} redirects`, undefined);
      const keep = response.status === 307 || response.status === 308;
      const method = keep || request.method === "GET" || request.method === "HEAD" ? request.method : "GET";
      const headers = new Headers(request.headers);
      let body: ReadableStream | null = null;
      if (method === request.method && spare) {
        const next = spare;
        spare = next.clone();
        body = next.body;
      } else if (method !== request.method) {
        for (const h of ["content-type", "content-length", "content-encoding", "content-language"]) headers.delete(h);
      }
      request = new Request(target, {
        method,
        headers,
        body,
        redirect: "manual",
        signal: request.signal,
        ...(body ? { duplex: "half" } : {}),
      });
      response = await base(request);
    }
    if (response.redirected && new URL(response.url).origin !== options.origin) {
      // A fetch implementation that ignored `redirect: "manual"`: refuse what it brought back.
      void response.body?.cancel().catch(() => undefined);
      const host = new URL(response.url).host;
      throw new RedirectSignal(`redirected to another origin (${host}) by the fetch implementation; refused`, host);
    }
    return limitBody(response, options.maxResponseBytes);
  };
}
