// The shape of spec/<api>/simulator.yaml (inlined into the registry by the bundle): how the
// simulator plays an API, in the document's own names (operationIds, schemas, members).
export interface KindProfile {
  list?: string;
  get?: string;
  stop?: string;
  /** Pages style: the operation answering a session's log. */
  log?: string;
  /** References style: the /query type (its fields are the schema `<query>QueryFields`). */
  query?: string;
  /** Weight among the top-level kinds when the dataset is generated. */
  share?: number;
  /** Children: the member with the parent's UID, the operation listing them, how many per parent. */
  parent?: { kind: string; member: string; list?: string; count?: [number, number] };
  /** Names of the jobs (policies) sessions run for; `member`/`uid` override members.job/jobUid ("none": no job member). */
  job?: { names: string[]; suffix?: string; member?: string; uid?: string };
  /** Members set on every record of the kind. */
  set?: Record<string, unknown>;
  /** Pages style: session types (value → display name), the member holding it and its display name. */
  types?: Record<string, string>;
  typeMember?: string;
  typeName?: string;
}

export interface SimulatorProfile {
  style: "references" | "pages";
  ids: "guid" | "counter";
  errors: { message: string; status: string };
  /** JSON answers carry `null` for every absent member the schema lets be null (a .NET server's JSON). */
  jsonNulls?: boolean;
  auth?: {
    logon?: string;
    logoff?: string;
    get?: string;
    list?: string;
    user?: string;
    sessionId?: string;
    token?: string;
    revoke?: string;
  };
  kinds: Record<string, KindProfile>;
  members: {
    created?: string;
    ended?: string;
    state?: string;
    result?: string;
    progress?: string;
    failure?: string;
    item?: string;
    job?: string;
    jobUid?: string;
    duration?: string;
  };
  /** Member values per phase; a list means: the first value the member's schema allows. */
  phases: Record<"running" | "stopping" | "finished" | "stopped", Record<string, unknown>>;
  results: Record<string, number>;
  failures?: string[];
  /** Query field → member, where the names differ. */
  fields?: Record<string, string>;
  query?: { operation: string; result: string };
  /** Tasks: their operations, schema and the `State` of a running and of a finished one. */
  tasks?: { get?: string; list?: string; delete?: string; schema: string; running: string; finished: string };
  /**
   * Pages style: the offset and limit parameters, the page body (a template: `$items`, `$total`,
   * `$count`, `$offset`, `$limit`, `$self` are replaced), and the order parameters with the
   * column → member they accept (default order: newest first).
   */
  paging?: {
    offset: string;
    limit: string;
    defaultLimit?: number;
    body: Record<string, unknown>;
    sort?: { column: string; ascending: string; columns: Record<string, string> };
  };
  /** Query parameters that filter a page: the member they test and how (`like`: `*` wildcards). */
  filters?: Record<string, { member: string; op: "in" | "ge" | "le" | "eq" | "like" }>;
}

export function profileOf(simulator: Record<string, unknown> | undefined, api: string): SimulatorProfile {
  if (!simulator) throw new Error(`${api} has no simulator profile (spec/${api}/simulator.yaml): use --engine prism`);
  const p = simulator as unknown as SimulatorProfile;
  if (p.style !== "references" && p.style !== "pages")
    throw new Error(`spec/${api}/simulator.yaml: style must be "references" or "pages"`);
  return p;
}
