// Building decoded values: own keys only (`__proto__` is an ordinary key), defaults copied.

export type Obj = Record<string, unknown>;

export function setKey(obj: Obj, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

export function getOwn(obj: Obj, key: string, proto: boolean): unknown {
  return proto ? (Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined) : obj[key];
}

/** Deep copy of a JSON value (schema defaults). */
export function copyJson(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(copyJson);
  const out: Obj = {};
  for (const k of Object.keys(v)) setKey(out, k, copyJson((v as Obj)[k]));
  return out;
}
