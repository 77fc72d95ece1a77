// What both clients share: an openapi-fetch client whose bodies are parsed by Content-Type
// (JSON, or XML through @veeam-sessions/xml into the same objects), whose failures are typed
// (`VeeamApiError`), and whose requests can time out. Auth lives in middleware per API.
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import operationIds from "../generated/operation-ids.js";
import { VeeamApiError, type VeeamErrorKind } from "./errors.js";

export type ApiName = "enterprise-manager" | "backup-for-azure";

/** Secrets the client has seen (password, session id, tokens): scrubbed from every error and recording. */
export class Secrets {
  readonly values = new Set<string>();
  add(...values: Array<string | undefined>): void {
    for (const v of values) if (v && v.length >= 4) this.values.add(v);
  }
  /** An EM session id is base64 of the logon session's id, which also appears in URLs: both are secret. */
  addSessionId(id: string): void {
    this.add(id);
    const decoded = Buffer.from(id, "base64").toString("utf8");
    if (/^[\x20-\x7e]+$/.test(decoded)) this.add(decoded);
  }
}

/** A middleware that wants to know which client it serves (recordTo uses it). */
export type ClientAwareMiddleware = Middleware & {
  attach?(context: { api: ApiName; secrets: Secrets }): void;
};

export interface CommonClientOptions {
  /** Base URL including `/api` (EM) or `/api/v1` (Azure). */
  baseUrl: string;
  /** A fetch implementation; defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Abort any request (and each logon) that takes longer than this. */
  timeoutMs?: number;
  /** More openapi-fetch middleware, such as `recordTo(dir)`. They run after auth. */
  middleware?: Middleware[];
  /** Extra headers on every request. */
  headers?: ClientOptions["headers"];
}

interface Context {
  api: ApiName;
  secrets: Secrets;
  /** Decodes an XML body for `METHOD /path` and status; only EM has one. */
  decodeXml?: (key: string, status: number, text: string) => Promise<unknown>;
}

interface ResponseMeta {
  raw: string | undefined;
  url: string;
  operationId: string | undefined;
  method: string;
  mediaType: string | undefined;
  secrets: Secrets;
}
const metaOf = new WeakMap<Response, ResponseMeta>();

class TimeoutSignal extends Error {}

export function mediaTypeOf(response: Response): string | undefined {
  const value = response.headers.get("content-type");
  return value ? value.split(";")[0]!.trim().toLowerCase() : undefined;
}

const isJson = (mt: string) => mt === "application/json" || mt.endsWith("+json");
const isXml = (mt: string) => mt === "application/xml" || mt === "text/xml" || mt.endsWith("+xml");

/** Wraps fetch with `timeoutMs`; a timeout is told apart from the caller's own abort. */
export function timedFetch(base: typeof globalThis.fetch, timeoutMs: number | undefined): typeof globalThis.fetch {
  if (!timeoutMs) return base;
  return async (input, init) => {
    const timer = AbortSignal.timeout(timeoutMs);
    const request = input instanceof Request ? input : new Request(input, init);
    try {
      return await base(request, { ...init, signal: AbortSignal.any([request.signal, timer]) });
    } catch (error) {
      if (timer.aborted && !request.signal.aborted) throw new TimeoutSignal(`no answer within ${timeoutMs} ms`);
      throw error;
    }
  };
}

/** Turns whatever fetch threw into a VeeamApiError. */
export function failure(
  error: unknown,
  where: { method: string; url: string; operationId?: string | undefined },
  secrets: Secrets,
): VeeamApiError {
  if (error instanceof VeeamApiError) return error;
  let kind: VeeamErrorKind = "network";
  let detail = error instanceof Error ? error.message : String(error);
  if (error instanceof TimeoutSignal) kind = "timeout";
  else if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    kind = "aborted";
    detail = "the request was aborted";
  } else if (error instanceof Error && error.cause instanceof Error) detail = `${detail}: ${error.cause.message}`;
  return new VeeamApiError(
    {
      kind,
      message: `${where.method} ${where.operationId ?? ""} ${kind}: ${detail}`.replace(/ {2}/, " "),
      ...where,
      cause: error,
    },
    secrets.values,
  );
}

const HTTP_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

/**
 * Keeps the raw text of an error body (openapi-fetch would keep only the parsed form): a copy
 * of the response that `call()` finds its text on. Not async: a success (the hot path) returns
 * undefined at once. Called last by every API's credential middleware.
 */
function keepErrorText(request: Request, response: Response): Promise<Response> | undefined {
  if (response.ok || response.status === 204) return undefined;
  return response.text().then((raw) => {
    const copy = new Response(raw, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    metaOf.set(copy, { raw, url: response.url || request.url } as ResponseMeta);
    return copy;
  });
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- openapi-fetch's own constraint on `paths`
export function createCore<Paths extends {}>(
  options: CommonClientOptions,
  context: Context,
  auth: Middleware[],
  accept: string,
): Client<Paths> {
  const { secrets } = context;
  const inner = createClient<Paths>({
    baseUrl: options.baseUrl,
    fetch: timedFetch(options.fetch ?? globalThis.fetch, options.timeoutMs),
    headers: { Accept: accept, ...(options.headers as Record<string, string> | undefined) },
  });
  // openapi-fetch runs onRequest in order and onResponse in reverse: auth adds credentials
  // last and retries a 401 first (then keeps an error's text), so user middleware (recordTo)
  // sees the final answer.
  const user = options.middleware ?? [];
  for (const m of user) (m as ClientAwareMiddleware).attach?.({ api: context.api, secrets });
  inner.use(...user, ...auth);

  type Send = (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
  const original = Object.fromEntries(
    HTTP_METHODS.map((m) => [m, (inner as unknown as Record<string, Send>)[m]!.bind(inner)]),
  ) as Record<(typeof HTTP_METHODS)[number], Send>;

  async function call(method: (typeof HTTP_METHODS)[number], path: string, init: Record<string, unknown> | undefined) {
    if (init?.parseAs && init.parseAs !== "json") return original[method](path, init);
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      result = await original[method](path, { ...init, parseAs: "text" });
    } catch (error) {
      throw failure(
        error,
        { method, url: options.baseUrl + path, operationId: operationIds[`${method} ${path}`] },
        secrets,
      );
    }
    const { response } = result;
    const mediaType = mediaTypeOf(response);
    const raw = response.ok
      ? (result.data as string | undefined)
      : (metaOf.get(response)?.raw ?? (result.error as string | undefined));
    // The hot path: a JSON success parses like openapi-fetch itself would, and nothing else.
    if (response.ok && raw && mediaType === "application/json") {
      try {
        return { data: JSON.parse(raw) as unknown, response };
      } catch {
        // described below, with everything an error needs
      }
    }
    const operationId = operationIds[`${method} ${path}`];
    const url = metaOf.get(response)?.url ?? (response.url || options.baseUrl + path);
    if (!response.ok) metaOf.set(response, { raw, url, operationId, method, mediaType, secrets });
    const where = { method, url, operationId, status: response.status, mediaType, raw };
    if (raw === undefined || raw === "")
      return response.ok ? { data: undefined, response } : { error: undefined, response };

    let value: unknown;
    if (mediaType && isJson(mediaType)) {
      try {
        value = JSON.parse(raw);
      } catch (error) {
        if (!response.ok) return { error: raw, response };
        throw new VeeamApiError(
          {
            kind: "malformed",
            message: `${method} ${operationId}: the JSON body does not parse (${(error as Error).message})`,
            ...where,
            cause: error,
          },
          secrets.values,
        );
      }
    } else if (mediaType && isXml(mediaType) && context.decodeXml) {
      try {
        value = await context.decodeXml(`${method} ${path}`, response.status, raw);
      } catch (error) {
        if (!response.ok) return { error: raw, response };
        const code = (error as { code?: string }).code;
        throw new VeeamApiError(
          {
            kind: "malformed",
            message: `${method} ${operationId}: the XML body was refused (${code ?? "error"}: ${(error as Error).message})`,
            ...where,
            cause: error,
          },
          secrets.values,
        );
      }
    } else {
      if (!response.ok) return { error: raw, response };
      throw new VeeamApiError(
        {
          kind: "media-type",
          message: `${method} ${operationId}: unexpected media type ${mediaType ?? "(none)"} for status ${response.status}`,
          ...where,
        },
        secrets.values,
      );
    }
    return response.ok ? { data: value, response } : { error: value, response };
  }

  const client = inner as unknown as Record<string, unknown>;
  for (const method of HTTP_METHODS)
    client[method] = (path: string, init?: Record<string, unknown>) => call(method, path, init);
  client.request = (method: string, path: string, init?: Record<string, unknown>) =>
    call(method.toUpperCase() as (typeof HTTP_METHODS)[number], path, init);
  return inner;
}

/**
 * The data of a result, or a VeeamApiError (kind "http") with status, operation, URL,
 * the parsed error body and the raw text.
 */
export function unwrap<T extends { data?: unknown; error?: unknown; response: Response }>(
  result: T,
): NonNullable<T["data"]> {
  if (result.response.ok && result.error === undefined) return result.data as NonNullable<T["data"]>;
  throw errorOf(result);
}

/** The VeeamApiError for a failed result (see `unwrap`). */
export function errorOf(result: { error?: unknown; response: Response }): VeeamApiError {
  const { response } = result;
  const meta = metaOf.get(response);
  const body = result.error;
  const message = describe(body) ?? response.statusText;
  return new VeeamApiError(
    {
      kind: "http",
      message:
        `${meta?.method ?? ""} ${meta?.operationId ?? meta?.url ?? ""} failed with HTTP ${response.status}${message ? `: ${message}` : ""}`.trim(),
      status: response.status,
      operationId: meta?.operationId,
      method: meta?.method,
      url: meta?.url ?? response.url,
      body,
      raw: meta?.raw,
      mediaType: meta?.mediaType,
    },
    meta?.secrets.values,
  );
}

function describe(body: unknown): string | undefined {
  if (typeof body === "string") return body.slice(0, 200);
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const text = b.Message ?? b.detail ?? b.title;
    return typeof text === "string" ? text.trim() : undefined;
  }
  return undefined;
}

/** How an API authenticates a request; `credentialMiddleware` does the rest. */
export interface Credentials {
  /** Requests that carry no credentials (entry point, logon, token grant). */
  skip(schemaPath: string, method: string): boolean;
  /** The credential to send, obtaining one first if needed. */
  current(): Promise<string> | string;
  /** A new credential after `failed` was refused; one renewal serves all concurrent callers. */
  renew(failed: string): Promise<string> | string;
  /** Puts the credential on a request. */
  apply(request: Request, credential: string): void;
  readonly secrets: Secrets;
}

/**
 * Sends credentials and, on a 401, renews them once (single flight) and retries the request
 * once; a second 401 is a VeeamApiError of kind "auth". Every client has exactly one, so it
 * also keeps the raw text of error bodies.
 */
export function credentialMiddleware(credentials: Credentials): Middleware {
  const sent = new Map<string, { credential: string; copy: Request | undefined }>();
  const send = (request: Request, id: string, credential: string) => {
    credentials.apply(request, credential);
    sent.set(id, { credential, copy: request.body ? request.clone() : undefined });
    return request;
  };
  return {
    // The hot path (a credential at hand, a non-401 answer) stays synchronous: no extra promise
    // per request on top of openapi-fetch's own.
    onRequest({ request, schemaPath, id }) {
      if (credentials.skip(schemaPath, request.method)) return undefined;
      const credential = credentials.current();
      return typeof credential === "string"
        ? send(request, id, credential)
        : credential.then((c) => send(request, id, c));
    },
    onResponse({ request, response, id, options, schemaPath }) {
      const used = sent.get(id);
      sent.delete(id);
      if (!used || response.status !== 401) return keepErrorText(request, response);
      return retry(request, response, options, schemaPath, used).then(
        (final) => keepErrorText(request, final) ?? final,
      );
    },
    onError({ id }) {
      sent.delete(id);
      return undefined;
    },
  };

  async function retry(
    request: Request,
    response: Response,
    options: { fetch: typeof globalThis.fetch },
    schemaPath: string,
    used: { credential: string; copy: Request | undefined },
  ): Promise<Response> {
    await response.body?.cancel();
    const fresh = await credentials.renew(used.credential);
    const copy = new Request(used.copy ?? request);
    credentials.apply(copy, fresh);
    const again = await options.fetch(copy);
    if (again.status === 401) {
      throw new VeeamApiError(
        {
          kind: "auth",
          status: 401,
          method: request.method,
          operationId: operationIds[`${request.method} ${schemaPath}`],
          url: request.url,
          raw: await again.text(),
          mediaType: mediaTypeOf(again),
          message: `${request.method} refused with 401 again right after renewing the credentials`,
        },
        credentials.secrets.values,
      );
    }
    return again;
  }
}
