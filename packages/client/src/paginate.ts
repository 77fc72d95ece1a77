// Backup for Microsoft Azure's paged lists: `{offset, limit, totalCount, results}`. Every list
// of the spec (job sessions and each session's sub-resources) pages the same way.
import type { paths } from "@veeam-sessions/types/backup-for-azure";
import type { BackupForAzureClient } from "./backup-for-azure.js";
import { unwrap } from "./core.js";

type PageBody<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { "application/json": infer B } } } };
}
  ? B
  : never;

/** The paths whose GET answers a page (`offset`, `limit`, `results`). */
export type PagedPath = {
  [P in keyof paths]: PageBody<P> extends { offset: number; limit: number; results: unknown[] } ? P : never;
}[keyof paths];

type GetParams<P extends PagedPath> = paths[P] extends { get: { parameters: infer Q } } ? Q : never;
type QueryOf<P extends PagedPath> = NonNullable<GetParams<P> extends { query?: infer Q } ? Q : never>;
type PathOf<P extends PagedPath> = GetParams<P> extends { path: infer T } ? T : never;
/** One item of the list at `P`. */
export type PageItem<P extends PagedPath> = PageBody<P> extends { results: (infer I)[] } ? I : never;

export type PaginateOptions<P extends PagedPath = "/jobSessions"> = {
  query?: Omit<QueryOf<P>, "Offset">;
  /** Items per request when `query.Limit` is not set (default 100). */
  pageSize?: number;
  signal?: AbortSignal;
} & ([PathOf<P>] extends [never] ? { path?: undefined } : { path: PathOf<P> });

type LooseGet = (
  path: string,
  init: { params: { path?: unknown; query: Record<string, unknown> }; signal?: AbortSignal },
) => Promise<{ data?: { results?: unknown[]; totalCount?: number | null }; error?: unknown; response: Response }>;

/** Every item of a paged list, request after request, until `totalCount` or an empty page. */
export function paginate(
  az: BackupForAzureClient,
  path: "/jobSessions",
  options?: PaginateOptions<"/jobSessions">,
): AsyncGenerator<PageItem<"/jobSessions">>;
export function paginate<P extends PagedPath>(
  az: BackupForAzureClient,
  path: P,
  options: PaginateOptions<P>,
): AsyncGenerator<PageItem<P>>;
export async function* paginate(
  az: BackupForAzureClient,
  path: PagedPath,
  options: { query?: Record<string, unknown>; pageSize?: number; signal?: AbortSignal; path?: unknown } = {},
): AsyncGenerator<unknown> {
  const get = az.GET.bind(az) as unknown as LooseGet;
  const limit = (options.query?.Limit as number | undefined) ?? options.pageSize ?? 100;
  for (let offset = 0; ;) {
    options.signal?.throwIfAborted();
    const page = unwrap(
      (await get(path, {
        params: { path: options.path, query: { ...options.query, Offset: offset, Limit: limit } },
        signal: options.signal,
      })) as Parameters<typeof unwrap>[0],
    ) as { results?: unknown[]; totalCount?: number | null };
    const results = page.results ?? [];
    if (results.length === 0) return;
    yield* results;
    offset += results.length;
    if (typeof page.totalCount === "number" && offset >= page.totalCount) return;
  }
}
