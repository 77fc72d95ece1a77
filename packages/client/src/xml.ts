// Decoding an API's XML bodies (generated/<api>.xml.js, written for every API whose spec offers
// XML): loaded on the first XML answer only, so a JSON client never loads the codec or the schemas.
import type { XmlCodec } from "@veeam-sessions/xml";
import type { ApiName } from "./core.js";

interface XmlPlan {
  components: { schemas: Record<string, unknown> };
  operations: Record<string, { operationId: string; responses: Record<string, unknown> }>;
}

interface Loaded {
  codec: XmlCodec;
  operations: Record<string, { operationId: string; responses: Record<string, unknown> }>;
  errorSchema: unknown;
}
const loading = new Map<ApiName, Promise<Loaded>>();

async function load(api: ApiName): Promise<Loaded> {
  const [{ createXmlCodec }, { default: doc }] = await Promise.all([
    import("@veeam-sessions/xml"),
    import(`../generated/${api}.xml.js`) as Promise<{ default: XmlPlan }>,
  ]);
  return {
    codec: createXmlCodec(doc),
    operations: doc.operations,
    errorSchema: { $ref: "#/components/schemas/Error" },
  };
}

/** The decoder of one API's XML bodies: `METHOD /path` answered with `status` into the JSON form. */
export function xmlDecoder(api: ApiName): (key: string, status: number, text: string) => Promise<unknown> {
  return (key, status, text) => decodeXml(api, key, status, text);
}

async function decodeXml(api: ApiName, key: string, status: number, text: string): Promise<unknown> {
  let pending = loading.get(api);
  if (!pending) loading.set(api, (pending = load(api)));
  const { codec, operations, errorSchema } = await pending;
  const responses = operations[key]?.responses ?? {};
  const schema =
    responses[String(status)] ??
    responses[`${String(status)[0]}XX`] ??
    responses.default ??
    (status >= 400 ? errorSchema : undefined);
  if (schema === undefined) {
    throw Object.assign(new Error(`${key} declares no XML body for status ${status}`), { code: "UNEXPECTED_ROOT" });
  }
  return codec.decode(text, schema as object);
}
