// Enterprise Manager's query service: typed filter expressions and iteration over pages.
import type { components } from "@veeam-sessions/types/enterprise-manager";
import type { EnterpriseManagerClient } from "./enterprise-manager.js";
import { unwrap } from "./core.js";

type Schemas = components["schemas"];
type Backup = Schemas["BackupJobSessionQueryFields"];
type Replica = Schemas["ReplicaJobSessionQueryFields"];
/** Every field the query service filters and sorts on, with the values it takes in any queried type. */
export type QueryFields = {
  // keyof of the intersection: every key of either (the two lists are equal today, issue 24 E5).
  [K in keyof (Backup & Replica)]:
    (K extends keyof Backup ? Backup[K] : never) | (K extends keyof Replica ? Replica[K] : never);
};
export type QueryField = Extract<keyof QueryFields, string>;
/**
 * The documented values of a field: response enums are open (`"Success" | … | (string & {})`, so a
 * value a newer server sends still type-checks), but a filter is written by hand, where a value
 * outside the list is far more often a typo: filters take the known values only.
 */
type Literals<T> = T extends string ? (string extends T ? never : T) : T;
type Known<T> = [Literals<T>] extends [never] ? T : Literals<T>;
type FieldValue<K extends QueryField> =
  // Exclude, not NonNullable: `T & {}` folds the literals into `string & {}`.
  Known<Exclude<QueryFields[K], null | undefined>> | (K extends "CreationTime" | "EndTime" ? Date : never);

/** A filter expression; `String(filter)` is what `filter=` takes. */
export class Filter {
  /** `kind` tells how to join it into a bigger expression without changing its meaning. */
  constructor(
    readonly text: string,
    readonly kind: "term" | "and" | "or",
  ) {}
  /** Both must hold (`;`). */
  and(...others: Filter[]): Filter {
    return join("and", [this, ...others]);
  }
  /** Either holds (`,`). */
  or(...others: Filter[]): Filter {
    return join("or", [this, ...others]);
  }
  toString(): string {
    return this.text;
  }
}

function join(kind: "and" | "or", parts: Filter[]): Filter {
  const sep = kind === "and" ? ";" : ",";
  // AND binds tighter than OR: an OR inside an AND needs parentheses.
  return new Filter(parts.map((p) => (kind === "and" && p.kind === "or" ? `(${p.text})` : p.text)).join(sep), kind);
}

/** Characters that end a value in a filter expression; such values are quoted. */
const SPECIAL = /[;,()=!<>"\\\s]/;

export function formatValue(value: unknown): string {
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "boolean") text = value ? "True" : "False";
  else text = String(value);
  return SPECIAL.test(text) || text === "" ? `"${text.replace(/["\\]/g, "\\$&")}"` : text;
}

type Comparison<K extends QueryField> = Record<
  "eq" | "ne" | "lt" | "gt" | "le" | "ge",
  (value: FieldValue<K>) => Filter
>;
const OPERATORS = { eq: "==", ne: "!=", lt: "<", gt: ">", le: "<=", ge: ">=" } as const;

/** Starts a filter on `field`: `where("Result").eq("Failed").and(where("CreationTime").gt(since))`. */
export function where<K extends QueryField>(field: K): Comparison<K> {
  const out = {} as Comparison<K>;
  for (const [name, op] of Object.entries(OPERATORS) as Array<[keyof typeof OPERATORS, string]>) {
    out[name] = (value) => new Filter(`${field}${op}${formatValue(value)}`, "term");
  }
  return out;
}

export type QueryType =
  | "BackupJobSession"
  | "BackupTaskSession"
  | "ReplicaJobSession"
  | "ReplicaTaskSession"
  | "CdpReplicaSession"
  | "CdpReplicaTaskSession"
  | "RestoreSession"
  | "CloudFailoverSession"
  | "Task";
type EntityOf<T extends QueryType> = Schemas[T];

export interface QueryOptions<T extends QueryType> {
  type: T;
  filter?: Filter | string;
  sortAsc?: Schemas["QuerySortField"];
  sortDesc?: Schemas["QuerySortField"];
  /** Items per page (default 100). */
  pageSize?: number;
  signal?: AbortSignal;
}

/** Every entity matching the query, page after page (by `PagingInfo`), until the last or an empty page. */
export async function* query<T extends QueryType>(
  em: EnterpriseManagerClient,
  options: QueryOptions<T>,
): AsyncGenerator<EntityOf<T>> {
  const collection = `${options.type}s` as keyof NonNullable<Schemas["QueryResult"]["Entities"]>;
  for (let page = 1; ; page++) {
    options.signal?.throwIfAborted();
    const result = unwrap(
      await em.GET("/query", {
        params: {
          query: {
            type: options.type,
            format: "Entities",
            filter: options.filter === undefined ? undefined : String(options.filter),
            sortAsc: options.sortAsc,
            sortDesc: options.sortDesc,
            pageSize: options.pageSize ?? 100,
            page,
          },
        },
        signal: options.signal,
      }),
    );
    const wrapper = result.Entities?.[collection] as Record<string, unknown> | undefined;
    const items = (wrapper?.[collection] ?? []) as Array<EntityOf<T>>;
    if (items.length === 0) return;
    yield* items;
    if (page >= (result.PagingInfo?.PagesCount ?? page)) return;
  }
}
