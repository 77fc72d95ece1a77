// `--data <dir>`: the dataset read from a folder of recorded responses (what the client's
// `recordTo()` writes: `<name>.meta.json` + `<name>.body.xml|json`), so a user replays their own
// server statefully. Every 200 answer of an operation the profile names for a kind (one
// resource, a list, a page) gives its sessions; everything else in the folder is skipped.
// Every file is read with a size limit checked while reading, and every session must fit its
// schema: a file that is not what it says, or a session the simulator could not answer, stops
// the start with a SimDataError naming the file and the member.
import { closeSync, fstatSync, openSync, readdirSync, readSync, constants } from "node:fs";
import { join } from "node:path";
import { isObject, type Json } from "@veeam-sessions/spec";
import { pascalNames, recaseKeys } from "@veeam-sessions/spec/casing";
import type { XmlCodec } from "@veeam-sessions/xml";
import { SimDataError, type Dataset, type SimRecord } from "./dataset.js";
import { text } from "./model.js";

/** Largest recorded body read (the client's default response limit). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Largest `.meta.json` read: a few hundred bytes as recordTo() writes them. */
export const MAX_META_BYTES = 1024 * 1024;
/** Most bytes read from one folder, all files together. */
export const MAX_DATA_BYTES = 512 * 1024 * 1024;

interface Meta {
  operationId?: string;
  status?: number;
  mediaType?: string;
}

export function loadRecorded(data: Dataset, dir: string, codec: XmlCodec): void {
  const { profile, model } = data;
  // operationId → kind whose sessions its answer holds.
  const kindOf = new Map<string, string>();
  for (const [kind, k] of Object.entries(profile.kinds)) {
    for (const id of [k.get, k.list, k.parent?.list]) if (id) kindOf.set(id, kind);
  }
  const camel = pascalNames(model.doc);
  const where = (file: string) => `--data ${dir}: ${file}`;
  const refuse = (file: string, reason: string, more: { member?: string; kind?: string } = {}) =>
    new SimDataError({ reason, where: where(file), file: join(dir, file), ...more });
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".meta.json"));
  } catch (error) {
    throw new Error(`--data ${dir}: ${(error as Error).message}`, { cause: error });
  }
  if (!files.length) throw new Error(`--data ${dir}: no recorded responses (*.meta.json, as recordTo() writes them)`);
  let total = 0;
  /** A file's text, read up to `max` bytes: a larger one (or one that grows while read) is refused. */
  const read = (file: string, max: number): string => {
    let fd: number;
    try {
      // O_NOFOLLOW: a recording is a file of the folder, not a link to somewhere else.
      fd = openSync(join(dir, file), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
      throw refuse(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    try {
      if (!fstatSync(fd).isFile()) throw refuse(file, "is not a regular file");
      const limit = Math.min(max, MAX_DATA_BYTES - total);
      const chunks: Buffer[] = [];
      let size = 0;
      for (;;) {
        const chunk = Buffer.alloc(Math.min(1024 * 1024, limit + 1 - size));
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        size += n;
        if (size > limit)
          throw refuse(
            file,
            limit < max
              ? `the folder's files are larger than ${MAX_DATA_BYTES} bytes together`
              : `is larger than ${max} bytes`,
          );
        chunks.push(chunk.subarray(0, n));
      }
      total += size;
      return Buffer.concat(chunks).toString("utf8");
    } finally {
      closeSync(fd);
    }
  };
  const parse = (file: string, json: string): unknown => {
    try {
      return JSON.parse(json) as unknown;
    } catch (error) {
      throw refuse(file, `is not JSON (${(error as Error).message})`);
    }
  };
  const pending: SimRecord[] = [];
  for (const file of files.sort()) {
    const meta = parse(file, read(file, MAX_META_BYTES));
    if (!isObject(meta)) throw refuse(file, "is not a JSON object (recordTo()'s operationId, status, mediaType)");
    const { operationId, status, mediaType } = meta as Meta;
    const kind = typeof operationId === "string" ? kindOf.get(operationId) : undefined;
    if (!kind || status !== 200) continue;
    const stem = file.slice(0, -".meta.json".length);
    const xml = /xml/i.test(typeof mediaType === "string" ? mediaType : "");
    const bodyFile = `${stem}.body.${xml ? "xml" : "json"}`;
    for (const { body, path } of bodiesOf(kind, bodyFile, read(bodyFile, MAX_BODY_BYTES), xml)) {
      if (!isObject(body)) throw refuse(bodyFile, `is not an object`, { member: path, kind });
      const id = data.idOf(body);
      if (!id || (typeof body.Type === "string" && body.Type.endsWith("Reference"))) continue;
      try {
        data.check(kind, body);
      } catch (error) {
        if (!(error instanceof SimDataError)) throw error;
        throw refuse(bodyFile, error.reason, { member: `${path}${error.member}`, kind });
      }
      const record: SimRecord = { kind, id, body, children: [], version: 0 };
      pending.push(record);
    }
  }
  // Parents first, then children linked by the parent's UID.
  for (const record of pending) if (!profile.kinds[record.kind]!.parent) data.add(record);
  for (const record of pending) {
    const parent = profile.kinds[record.kind]!.parent;
    if (!parent) continue;
    const owner = data.byUid.get(text(record.body[parent.member]).toLowerCase());
    if (owner) record.parent = owner;
    data.add(record);
  }

  /** The sessions of a recorded body, each with its JSON Pointer in the body. */
  function bodiesOf(kind: string, file: string, body: string, xml: boolean): { body: Json; path: string }[] {
    const candidates = [kind, `${kind}s`];
    let value: unknown;
    if (xml) {
      for (const schema of candidates) {
        try {
          value = codec.decode(body, schema);
          break;
        } catch (error) {
          // Another root element (a list, references): try the next schema, or skip the file.
          // Anything else is a recording the simulator cannot hold.
          const e = error as { code?: unknown; path?: unknown; reason?: unknown; message?: unknown };
          if (e.code === "UNEXPECTED_ROOT") continue;
          throw refuse(file, `is not a ${schema} the simulator can read: ${String(e.reason ?? e.message)}`, {
            ...(typeof e.path === "string" ? { member: e.path } : {}),
          });
        }
      }
    } else {
      value = recaseKeys(parse(file, body), (k: string) => camel.get(k) ?? k);
    }
    if (!value || typeof value !== "object") return [];
    const v = value as Json;
    // A page: the member the profile's page template fills with the items.
    const items = Object.entries(profile.paging?.body ?? {}).find(([, t]) => t === "$items")?.[0];
    const member = Array.isArray(v[`${kind}s`]) ? `${kind}s` : items && Array.isArray(v[items]) ? items : undefined;
    if (member) return (v[member] as Json[]).map((body, i) => ({ body, path: `/${member}/${i}` }));
    return [{ body: v, path: "" }];
  }
}
