// Decoding Enterprise Manager's XML bodies: loaded on the first XML answer only, so a JSON
// client never loads the codec or the schemas.
import type { XmlCodec } from "@veeam-sessions/xml";

interface Loaded {
  codec: XmlCodec;
  operations: Record<string, { operationId: string; responses: Record<string, unknown> }>;
  errorSchema: unknown;
}
let loading: Promise<Loaded> | undefined;

async function load(): Promise<Loaded> {
  const [{ createXmlCodec }, { default: doc }] = await Promise.all([
    import("@veeam-sessions/xml"),
    import("../generated/enterprise-manager.xml.js"),
  ]);
  return {
    codec: createXmlCodec(doc),
    operations: doc.operations,
    errorSchema: { $ref: "#/components/schemas/Error" },
  };
}

/** Decodes the XML body of `METHOD /path` answered with `status` into the JSON form. */
export async function decodeEnterpriseManagerXml(key: string, status: number, text: string): Promise<unknown> {
  const { codec, operations, errorSchema } = await (loading ??= load());
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
