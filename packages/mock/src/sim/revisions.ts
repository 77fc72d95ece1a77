// Revisions picked by a request header (a profile's `revisions`, such as an `x-api-version`):
// which revision a request asks for (none, or one the API does not have, is a 400), whether its
// operation exists in that revision (`x-since` / `x-until` on the operation; 404 where not), and
// the answer in that revision's shape: members whose schema property is marked `x-since` /
// `x-until` outside it are left out, and the profile's `changes` (a member an older revision
// names otherwise, a value it spells otherwise) are applied. Knows no API by name.
import { isObject, type Json } from "@veeam-sessions/spec";
import { inVersion } from "../spec.js";
import { SimError } from "./behaviour.js";
import type { SimOperation, SpecModel } from "./model.js";
import type { RevisionsProfile } from "./profile.js";

/** What to do to a value of one schema node in one revision (undefined: nothing, below it too). */
interface Plan {
  drop: Set<string>;
  rename: [string, string][];
  values: [string, Record<string, string>][];
  props: Map<string, Plan>;
  items?: Plan;
}

export class Revisions {
  private readonly plans = new WeakMap<object, Map<string, Plan | null>>();
  /** A `$ref` to each schema asked for by name: where a plan starts, so that its name is known. */
  private readonly refs = new Map<string, Json>();

  constructor(
    private readonly model: SpecModel,
    readonly profile: RevisionsProfile,
  ) {}

  /** The revision a request asks for; a 400 naming the header when it is missing or unknown. */
  of(headers: Record<string, string | string[] | undefined>): string {
    const { header, values } = this.profile;
    const raw = headers[header.toLowerCase()];
    const asked = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (!asked)
      throw new SimError(
        400,
        `The ${header} header is missing: send the revision of the API the client speaks (${values.join(", ")}).`,
      );
    if (!values.includes(asked))
      throw new SimError(
        400,
        `Unsupported ${header} ${JSON.stringify(asked.slice(0, 40))}. The following revisions are supported: ${values.join(", ")}.`,
      );
    return asked;
  }

  /** Whether the operation exists in `revision` (its `x-since` / `x-until`). */
  has(op: SimOperation, revision: string): boolean {
    return inVersion(op.op, revision, this.profile.values);
  }

  /** `op` in `revision`, or the 404 a server of that revision answers for a path it does not have. */
  check(op: SimOperation, revision: string, path: string): void {
    if (!this.has(op, revision))
      throw new SimError(
        404,
        `The resource ${path} was not found (${this.profile.header} ${revision} has no such operation).`,
      );
  }

  /** `body` (of schema `schema`) in the shape of `revision`: a copy where anything changes, else `body` itself. */
  shape(body: unknown, schema: string | undefined, revision: string): unknown {
    if (body === undefined || !schema) return body;
    if (!this.model.schema(schema)) return body;
    let node = this.refs.get(schema);
    if (!node) this.refs.set(schema, (node = { $ref: `#/components/schemas/${schema}` }));
    const plan = this.plan(node, revision, new Set());
    return plan ? apply(body, plan) : body;
  }

  private plan(node: Json, revision: string, visiting: Set<Json>): Plan | undefined {
    let byRevision = this.plans.get(node);
    if (!byRevision) this.plans.set(node, (byRevision = new Map<string, Plan | null>()));
    const known = byRevision.get(revision);
    if (known !== undefined) return known ?? undefined;
    if (visiting.has(node)) return undefined;
    visiting.add(node);
    const names: string[] = [];
    const props = new Map<string, Json>();
    let items: Json | undefined;
    const collect = (n: unknown, depth: number) => {
      if (!isObject(n) || depth > 12) return;
      if (typeof n.$ref === "string") {
        const name = n.$ref.split("/").pop()!;
        names.push(name);
        collect(this.model.schema(name), depth + 1);
      }
      for (const [k, p] of Object.entries((n.properties ?? {}) as Record<string, Json>))
        if (!props.has(k)) props.set(k, p);
      if (isObject(n.items)) items ??= n.items;
      for (const key of ["allOf", "anyOf", "oneOf"])
        for (const branch of (n[key] as unknown[] | undefined) ?? []) collect(branch, depth + 1);
    };
    collect(node, 0);
    const plan: Plan = { drop: new Set(), rename: [], values: [], props: new Map() };
    for (const [name, p] of props) {
      if (!inVersion(p, revision, this.profile.values)) plan.drop.add(name);
      else {
        const child = this.plan(p, revision, visiting);
        if (child) plan.props.set(name, child);
      }
    }
    for (const change of this.profile.changes ?? []) {
      const range = { "x-since": change.since, "x-until": change.until };
      if (!names.includes(change.schema) || !inVersion(range, revision, this.profile.values)) continue;
      plan.rename.push(...Object.entries(change.rename ?? {}));
      plan.values.push(...Object.entries(change.values ?? {}));
    }
    if (items) plan.items = this.plan(items, revision, visiting);
    visiting.delete(node);
    const empty = !plan.drop.size && !plan.rename.length && !plan.values.length && !plan.props.size && !plan.items;
    byRevision.set(revision, empty ? null : plan);
    return empty ? undefined : plan;
  }
}

function apply(value: unknown, plan: Plan): unknown {
  if (Array.isArray(value)) return plan.items ? value.map((v) => apply(v, plan.items!)) : value;
  if (!isObject(value)) return value;
  const renamed = new Map(plan.rename);
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    const name = renamed.get(k) ?? k;
    if (plan.drop.has(name)) continue;
    const child = plan.props.get(name);
    out[name] = child ? apply(v, child) : v;
  }
  for (const [member, map] of plan.values) {
    const v = out[member];
    if (typeof v === "string" && Object.hasOwn(map, v)) out[member] = map[v];
  }
  return out;
}
