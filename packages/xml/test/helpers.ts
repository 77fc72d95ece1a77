import { inspect } from "node:util";
import { expect } from "vitest";
import { createXmlCodec, XmlError, type XmlCodec, type XmlErrorCode } from "../src/index.js";

export const XSI = "http://www.w3.org/2001/XMLSchema-instance";

/** A codec over a minimal OpenAPI document holding `schemas` under components.schemas. */
export function codecOf(schemas: Record<string, unknown>): XmlCodec {
  return createXmlCodec({
    openapi: "3.1.0",
    info: { title: "test", version: "1" },
    paths: {},
    components: { schemas },
  });
}

export const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

/** Runs `fn`, which must throw an XmlError, and returns it. */
export function xmlError(fn: () => unknown): XmlError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error("expected an XmlError, but nothing was thrown");
  if (!(thrown instanceof XmlError)) throw new Error(`expected an XmlError, got ${inspect(thrown)}`);
  return thrown;
}

/** Runs `fn`, which must throw an XmlError with `code`; returns the error for further checks. */
export function expectCode(fn: () => unknown, code: XmlErrorCode): XmlError {
  const e = xmlError(fn);
  expect(e.code, e.message).toBe(code);
  return e;
}
