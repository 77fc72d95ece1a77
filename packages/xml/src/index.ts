export { createXmlCodec, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from "./codec.js";
export type { DecodeOptions, EncodeOptions, SchemaTarget, XmlCodec, XmlInput } from "./codec.js";
export type { XmlDrift } from "./decode.js";
export { XmlError } from "./errors.js";
export type { XmlErrorCode, XmlErrorDetails } from "./errors.js";
