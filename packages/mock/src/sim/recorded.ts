// `--data <dir>`: the dataset read from a folder of recorded responses (what the client's
// `recordTo()` writes: `<name>.meta.json` + `<name>.body.xml|json`), so a user replays their own
// server statefully. Every 200 answer of an operation the profile names for a kind (one
// resource, a list, a page) gives its sessions; everything else in the folder is skipped.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "@veeam-sessions/spec";
import { pascalNames, recaseKeys } from "@veeam-sessions/spec/casing";
import type { XmlCodec } from "@veeam-sessions/xml";
import type { Dataset, SimRecord } from "./dataset.js";
import { text } from "./model.js";

/** Largest recorded file read (the client's default response limit). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

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
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".meta.json"));
  } catch (error) {
    throw new Error(`--data ${dir}: ${(error as Error).message}`, { cause: error });
  }
  if (!files.length) throw new Error(`--data ${dir}: no recorded responses (*.meta.json, as recordTo() writes them)`);
  const read = (file: string) => {
    const stat = lstatSync(file);
    if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
    if (stat.size > MAX_FILE_BYTES) throw new Error(`${file} is larger than ${MAX_FILE_BYTES} bytes`);
    return readFileSync(file, "utf8");
  };
  const pending: SimRecord[] = [];
  for (const file of files.sort()) {
    const meta = JSON.parse(read(join(dir, file))) as Meta;
    const kind = meta.operationId ? kindOf.get(meta.operationId) : undefined;
    if (!kind || meta.status !== 200) continue;
    const stem = file.slice(0, -".meta.json".length);
    const xml = /xml/i.test(meta.mediaType ?? "");
    const text = read(join(dir, `${stem}.body.${xml ? "xml" : "json"}`));
    for (const body of bodiesOf(kind, text, xml)) {
      const id = data.idOf(body);
      if (!id || (typeof body.Type === "string" && body.Type.endsWith("Reference"))) continue;
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

  function bodiesOf(kind: string, text: string, xml: boolean): Json[] {
    const candidates = [kind, `${kind}s`];
    let value: unknown;
    if (xml) {
      for (const schema of candidates) {
        try {
          value = codec.decode(text, schema);
          break;
        } catch {
          // not this root element: try the list
        }
      }
    } else {
      value = recaseKeys(JSON.parse(text), (k: string) => camel.get(k) ?? k);
    }
    if (!value || typeof value !== "object") return [];
    const v = value as Json;
    // A page: the member the profile's page template fills with the items.
    const items = Object.entries(profile.paging?.body ?? {}).find(([, t]) => t === "$items")?.[0];
    const list = v[`${kind}s`] ?? (items ? v[items] : undefined);
    if (Array.isArray(list)) return list as Json[];
    return [v];
  }
}
