// Limits on what a server can make the client do: how long it may take (`timeoutMs`, body
// included) and how much it may send (`maxResponseBytes`, counted while the body streams).
// The errors here are internal signals; `failure()` turns them into a typed VeeamApiError.

/** Default `maxResponseBytes`: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * Default `timeoutMs`: 60 s for a whole exchange, body included. Without one, a server that
 * stops sending in the middle of a body would hold the call (and its caller) forever.
 */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The longest delay setTimeout takes (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The `timeoutMs` timer fired (headers or body phase). */
export class TimeoutSignal extends Error {
  override readonly name = "TimeoutSignal";
}

/** A body went past `maxResponseBytes`. */
export class TooLargeSignal extends Error {
  override readonly name = "TooLargeSignal";
}

/**
 * Wraps fetch with `timeoutMs`. One timer and one AbortController per request, both held by
 * this closure until the timer fires (Node 20's `AbortSignal.any` can lose a timeout signal
 * to garbage collection while a body stalls). The abort reason is the TimeoutSignal, so a
 * body-phase stall rejects the body read with it: kind "timeout", not "aborted". A caller's
 * own abort is passed on as is.
 */
/** Requests whose timeout has not fired yet (see withTimeout). */
const held = new Set<Request>();

export function withTimeout(base: typeof globalThis.fetch, timeoutMs: number | undefined): typeof globalThis.fetch {
  if (!timeoutMs) return base;
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const controller = new AbortController();
    const timeout = new TimeoutSignal(`no answer within ${timeoutMs} ms`);
    const outer = request.signal;
    const onAbort = () => controller.abort(outer.reason);
    const sent = new Request(request, { signal: controller.signal });
    // undici's Request follows `signal` through a weak reference to its own controller: once
    // fetch has the headers nothing else holds the Request, and a garbage collection while the
    // body stalls cut the abort off (the body then waited forever). Held until the timer fires.
    held.add(sent);
    const timer = setTimeout(() => {
      // Also lets go of a long-lived caller signal, so its listeners do not pile up.
      outer.removeEventListener("abort", onAbort);
      controller.abort(timeout);
      held.delete(sent);
    }, timeoutMs);
    timer.unref?.();
    if (outer.aborted) onAbort();
    else outer.addEventListener("abort", onAbort, { once: true });
    try {
      const response = await base(sent);
      // Released when the body is done or the timer fires, whichever comes first.
      return response;
    } catch (error) {
      clearTimeout(timer);
      held.delete(sent);
      outer.removeEventListener("abort", onAbort);
      if (controller.signal.reason === timeout && !outer.aborted) throw timeout;
      throw error;
    }
  };
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The response, with its body limited to `max` bytes. A Content-Length (without
 * Content-Encoding) over the limit is refused before reading; otherwise the bytes are counted
 * as they stream and the read fails with TooLargeSignal at the first byte past the limit. The
 * common case (identity encoding, a Content-Length within the limit) costs nothing more.
 */
export function limitBody(response: Response, max: number): Response {
  if (!response.body || NULL_BODY.has(response.status)) return response;
  const length = response.headers.get("content-length");
  const encoding = response.headers.get("content-encoding");
  const identity = encoding === null || encoding.trim().toLowerCase() === "identity";
  if (length !== null && identity && /^\d+$/.test(length.trim())) {
    if (Number(length) <= max) return response;
    void response.body.cancel().catch(() => undefined);
    throw tooLarge(max, `Content-Length ${length}`);
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let seen = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(max, `more than ${max} bytes streamed`);
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const limited = new Response(stream, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperties(limited, {
    url: { value: response.url },
    redirected: { value: response.redirected },
  });
  return limited;
}

function tooLarge(max: number, what: string): TooLargeSignal {
  return new TooLargeSignal(`the response body is larger than maxResponseBytes (${max} bytes; ${what})`);
}

/**
 * `promise`, or a rejection with the signal's reason as soon as `signal` aborts: a caller
 * waiting for a shared logon or token grant gives up at once, the grant goes on for the others.
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
