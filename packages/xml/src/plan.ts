// Compiled decode plans: everything the scanner needs per element, computed once per schema.
import { isNCName } from "./chars.js";
import { XmlError } from "./errors.js";
import { T_ARR, T_NULL, T_OBJ, T_SCALAR, T_STR, type Eff, type Resolver } from "./schema.js";

export const K_SCALAR = 0;
export const K_OBJECT = 1;
export const K_ARRAY = 2;
export const K_CHOICE = 3;
export const K_ANY = 4;

export interface ScalarPlan {
  readonly k: typeof K_SCALAR;
  /** T_* bits. */
  readonly types: number;
  readonly nullable: boolean;
}

export interface AttrEntry {
  /** Attribute local name (the Map key; also used as a scanning hint). */
  readonly name: string;
  readonly key: string;
  /** Namespace URI of the attribute ("" = unqualified). */
  readonly ns: string;
  readonly plan: ScalarPlan;
  /** The key is also a property of Object.prototype: use own-property checks. */
  readonly proto: boolean;
}

export interface ChildEntry {
  /** Element local name (the Map key). */
  readonly name: string;
  readonly key: string;
  /** Own namespace (property's or its $ref target's `xml.namespace`); undefined inherits the parent's. */
  readonly ns: string | undefined;
  readonly plan: Plan;
  /** An item of an unwrapped array: appended to `obj[key]`. */
  readonly repeated: boolean;
  readonly proto: boolean;
}

export interface FillEntry {
  readonly key: string;
  readonly proto: boolean;
  /** Unwrapped array: absent means `[]`. */
  readonly array: boolean;
  readonly hasDefault: boolean;
  readonly value: unknown;
}

export interface ObjectPlan {
  readonly k: typeof K_OBJECT;
  readonly nullable: boolean;
  readonly attrs: Map<string, AttrEntry>;
  readonly children: Map<string, ChildEntry>;
  readonly fill: FillEntry[];
  additional: Plan | null;
  readonly required: readonly string[];
  /** Child entries in schema order whose names are NCNames: the scanner predicts the next child from these. */
  readonly order: ChildEntry[];
  /** Attribute names in the order the last element of this plan had them: a scanning hint. */
  readonly attrHint: (string | undefined)[];
}

export interface ItemEntry {
  readonly name: string;
  readonly ns: string | undefined;
  readonly plan: Plan;
}

/** A wrapped array (or an array-typed root element): item elements inside this element. */
export interface ArrayPlan {
  readonly k: typeof K_ARRAY;
  readonly nullable: boolean;
  readonly items: Map<string, ItemEntry>;
  /** Item entries whose names are NCNames (prediction). */
  readonly order: ItemEntry[];
}

/** `oneOf`/`anyOf` whose element name does not decide the alternative: try in order. */
export interface ChoicePlan {
  readonly k: typeof K_CHOICE;
  readonly nullable: boolean;
  readonly alts: Plan[];
}

export interface AnyPlan {
  readonly k: typeof K_ANY;
  readonly nullable: true;
}

export type Plan = ScalarPlan | ObjectPlan | ArrayPlan | ChoicePlan | AnyPlan;

export const ANY_PLAN: AnyPlan = { k: K_ANY, nullable: true };

/** One element name a schema can appear under, with the plan that decodes it. */
export interface NamedPlan {
  readonly name: string;
  readonly ns: string | undefined;
  readonly plan: Plan;
}

const PROTO_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
export function isProtoKey(key: string): boolean {
  return PROTO_KEYS.has(key);
}

function schemaError(message: string): XmlError {
  return new XmlError("SCHEMA", message);
}

/** True when the schema only allows `null`. */
export function isNullOnly(e: Eff): boolean {
  return e.base.types === T_NULL && e.base.alts === undefined;
}

export class Compiler {
  private readonly r: Resolver;
  private readonly objects = new WeakMap<Eff, ObjectPlan>();
  private readonly scalars = new WeakMap<Eff, ScalarPlan>();
  private readonly byName = new WeakMap<Eff, Map<string, ArrayPlan | ChoicePlan>>();

  /** Every namespace URI the compiled plans mention (see ParseOptions.namespaces). */
  readonly namespaces = new Map<string, string>();

  constructor(r: Resolver) {
    this.r = r;
  }

  /**
   * Canonicalises a namespace URI: equal URIs (which a document may repeat in every schema) come
   * back as one string object, so the scanner's namespace checks are pointer comparisons.
   */
  ns<T extends string | undefined>(uri: T): T {
    if (uri === undefined) return uri;
    const canonical = this.namespaces.get(uri);
    if (canonical !== undefined) return canonical as T;
    this.namespaces.set(uri, uri);
    return uri;
  }

  /** The plan decoding an element of schema `e`; `fallback` names array items without a name. */
  plan(e: Eff, fallback: string): Plan {
    const b = e.base;
    if (b.alts !== undefined) return this.choice(b, fallback);
    if (b.types & T_OBJ) return this.object(b);
    if (b.types & T_ARR) return this.array(b, fallback);
    if (b.types !== 0) return this.scalar(b);
    return ANY_PLAN;
  }

  /**
   * Element names under which a value of schema `e` may appear (rules 3, 4 and 9):
   * own/`$ref` target `xml.name`, else - for `oneOf`/`anyOf` - each alternative's
   * `xml.name`, or `fallback` for those without one (tried in order), else `fallback`.
   */
  names(e: Eff, fallback: string): NamedPlan[] {
    const b = e.base;
    if (e.xml.name !== undefined)
      return [{ name: e.xml.name, ns: this.ns(e.xml.namespace), plan: this.plan(e, fallback) }];
    if (b.alts === undefined) return [{ name: fallback, ns: this.ns(e.xml.namespace), plan: this.plan(e, fallback) }];
    const nullable = (b.types & T_NULL) !== 0 || b.alts.some((a) => isNullOnly(this.r.eff(a)));
    const groups = new Map<string, { ns: string | undefined; effs: Eff[] }>();
    for (const a of b.alts) {
      const ae = this.r.eff(a);
      if (isNullOnly(ae)) continue;
      // As encode: the alternative's `xml.name`, else the property's key, never a component's name.
      const name = ae.xml.name ?? fallback;
      const g = groups.get(name);
      if (g === undefined) groups.set(name, { ns: this.ns(ae.xml.namespace ?? e.xml.namespace), effs: [ae] });
      else g.effs.push(ae);
    }
    const out: NamedPlan[] = [];
    for (const [name, g] of groups) {
      let plan: Plan;
      if (g.effs.length === 1 && !nullable) plan = this.plan(g.effs[0]!, fallback);
      else plan = { k: K_CHOICE, nullable, alts: g.effs.map((x) => this.plan(x, fallback)) };
      out.push({ name, ns: g.ns, plan });
    }
    // `null` is written under the key (`<key/>`, `xsi:nil`): a nullable choice is read there too.
    // No other alias: an element the schema does not name (the key where every alternative has
    // its own name, a component's name) is unknown, so drift, not a match.
    if (nullable && !groups.has(fallback))
      out.push({ name: fallback, ns: this.ns(e.xml.namespace), plan: this.choice(b, fallback) });
    return out;
  }

  scalar(b: Eff): ScalarPlan {
    let p = this.scalars.get(b);
    if (p === undefined) {
      const types = b.types & (T_SCALAR | T_NULL);
      p = { k: K_SCALAR, types, nullable: (types & T_NULL) !== 0 };
      this.scalars.set(b, p);
    }
    return p;
  }

  private memo<P extends ArrayPlan | ChoicePlan>(b: Eff, fallback: string, make: () => P, fill: (p: P) => void): P {
    let m = this.byName.get(b);
    if (m === undefined) this.byName.set(b, (m = new Map<string, ArrayPlan | ChoicePlan>()));
    const hit = m.get(fallback);
    if (hit !== undefined) return hit as P;
    const p = make();
    m.set(fallback, p);
    fill(p);
    return p;
  }

  choice(b: Eff, fallback: string): ChoicePlan {
    return this.memo<ChoicePlan>(
      b,
      fallback,
      () => ({
        k: K_CHOICE,
        nullable: (b.types & T_NULL) !== 0 || (b.alts ?? []).some((a) => isNullOnly(this.r.eff(a))),
        alts: [],
      }),
      (p) => {
        for (const a of b.alts ?? []) {
          const ae = this.r.eff(a);
          if (!isNullOnly(ae)) p.alts.push(this.plan(ae, fallback));
        }
      },
    );
  }

  array(b: Eff, fallback: string): ArrayPlan {
    return this.memo<ArrayPlan>(
      b,
      fallback,
      () => ({ k: K_ARRAY, nullable: (b.types & T_NULL) !== 0, items: new Map(), order: [] }),
      (p) => {
        for (const np of this.names(this.r.eff(b.items), fallback)) {
          if (p.items.has(np.name)) throw schemaError(`array items: element name "${np.name}" is ambiguous`);
          const entry: ItemEntry = { name: np.name, ns: np.ns, plan: np.plan };
          p.items.set(np.name, entry);
          if (isNCName(np.name)) p.order.push(entry);
        }
      },
    );
  }

  object(b: Eff): ObjectPlan {
    const hit = this.objects.get(b);
    if (hit !== undefined) return hit;
    const plan: ObjectPlan = {
      k: K_OBJECT,
      nullable: (b.types & T_NULL) !== 0,
      attrs: new Map(),
      children: new Map(),
      fill: [],
      additional: null,
      required: b.required,
      order: [],
      attrHint: [],
    };
    this.objects.set(b, plan);
    for (const [key, raw] of b.props) {
      const pe = this.r.eff(raw);
      const proto = isProtoKey(key);
      if (pe.xml.attribute === true) {
        const sp = this.plan(pe, key);
        let scalar: ScalarPlan;
        if (sp.k === K_SCALAR) scalar = sp;
        else if (sp.k === K_ANY) scalar = STRING_PLAN;
        else if (sp.k === K_CHOICE && sp.alts.every((a) => a.k === K_SCALAR || a.k === K_ANY)) {
          // oneOf/anyOf of scalars (e.g. a const or a string): one scalar accepting every alternative's type
          let types = sp.nullable ? T_NULL : 0;
          for (const a of sp.alts) types |= a.k === K_SCALAR ? a.types : T_STR;
          scalar = { k: K_SCALAR, types, nullable: (types & T_NULL) !== 0 };
        } else {
          throw schemaError(`property "${key}" is an XML attribute but its schema is not a scalar`);
        }
        const name = pe.xml.name ?? key;
        if (plan.attrs.has(name)) throw schemaError(`two properties map to the attribute "${name}"`);
        plan.attrs.set(name, { name, key, ns: this.ns(pe.xml.namespace) ?? "", plan: scalar, proto });
        if (pe.hasDefault) plan.fill.push({ key, proto, array: false, hasDefault: true, value: pe.default });
        continue;
      }
      const pb = pe.base;
      const unwrapped = pb.types & T_ARR && !(pb.types & T_OBJ) && pb.alts === undefined && pe.xml.wrapped !== true;
      const named = unwrapped ? this.names(this.r.eff(pb.items), key) : this.names(pe, key);
      for (const np of named) {
        if (plan.children.has(np.name)) throw schemaError(`two properties map to the element "${np.name}"`);
        const entry: ChildEntry = { name: np.name, key, ns: np.ns, plan: np.plan, repeated: !!unwrapped, proto };
        plan.children.set(np.name, entry);
        if (isNCName(np.name)) plan.order.push(entry);
      }
      if (unwrapped || pe.hasDefault) {
        plan.fill.push({ key, proto, array: !!unwrapped, hasDefault: pe.hasDefault, value: pe.default });
      }
    }
    if (b.additional !== undefined) plan.additional = this.plan(this.r.eff(b.additional), "item");
    return plan;
  }
}

const STRING_PLAN: ScalarPlan = { k: K_SCALAR, types: T_STR, nullable: false };
