// pnpm bench: time per request of raw fetch + JSON.parse, bare openapi-fetch, and our client
// (auth middleware on, session established), against one local server in the same run; then
// the min+gzip size of the client with its runtime dependencies. Ratios, never assertions.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import createClient from "openapi-fetch";
import type { paths } from "@veeam-sessions/types/enterprise-manager";
import { createEnterpriseManagerClient } from "../src/index.js";

const spec = JSON.parse(readFileSync(new URL("../../../spec/dist/enterprise-manager.json", import.meta.url), "utf8"));
const bodies = {
  json: JSON.stringify(spec.components.examples.BackupJobSession.value),
  xml: spec.components.examples["BackupJobSession.xml"].value as string,
};
const SESSION = "NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj";

const server = createServer((req, res) => {
  const xml = !(req.headers.accept ?? "").includes("json");
  const body = xml ? bodies.xml : bodies.json;
  res.writeHead(200, {
    "content-type": xml ? "application/xml; charset=utf-8" : "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
const ID = "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6";

const bare = createClient<paths>({
  baseUrl: base,
  headers: { Accept: "application/json", "X-RestSvcSessionId": SESSION },
});
// The floor for any middleware-based client: openapi-fetch allocates an id and frozen options
// per request once a middleware is registered. This one only sets the session header.
const withMiddleware = createClient<paths>({ baseUrl: base, headers: { Accept: "application/json" } });
withMiddleware.use({ onRequest: ({ request }) => (request.headers.set("X-RestSvcSessionId", SESSION), request) });
const ours = createEnterpriseManagerClient({ baseUrl: base, auth: { sessionId: SESSION } });
const oursXml = createEnterpriseManagerClient({ baseUrl: base, auth: { sessionId: SESSION }, format: "xml" });

const contenders: Record<string, () => Promise<unknown>> = {
  "raw fetch + JSON.parse": async () =>
    JSON.parse(
      await (
        await fetch(`${base}/backupSessions/${ID}?format=Entity`, {
          headers: { Accept: "application/json", "X-RestSvcSessionId": SESSION },
        })
      ).text(),
    ),
  "bare openapi-fetch": () =>
    bare.GET("/backupSessions/{ID}", { params: { path: { ID }, query: { format: "Entity" } } }),
  "openapi-fetch + 1 middleware": () =>
    withMiddleware.GET("/backupSessions/{ID}", { params: { path: { ID }, query: { format: "Entity" } } }),
  "our client (json)": () =>
    ours.GET("/backupSessions/{ID}", { params: { path: { ID }, query: { format: "Entity" } } }),
  "our client (xml)": () =>
    oursXml.GET("/backupSessions/{ID}", { params: { path: { ID }, query: { format: "Entity" } } }),
};

const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const ROUNDS = 7;
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (const run of Object.values(contenders)) for (let i = 0; i < 300; i++) await run(); // warm up
for (let round = 0; round < ROUNDS; round++) {
  // Interleaved rounds, so drift on a noisy machine hits every contender alike.
  for (const [name, run] of Object.entries(contenders)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await run();
    samples[name]!.push(Number(process.hrtime.bigint() - t0) / 1e3 / N);
  }
  process.stdout.write(`round ${round + 1}/${ROUNDS} done\r`);
}
server.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const raw = m["raw fetch + JSON.parse"]!;
const of = m["bare openapi-fetch"]!;
console.log(
  `\nclient bench: ${N} sequential GET /backupSessions/{ID} per contender x ${ROUNDS} interleaved rounds, median per request`,
);
for (const [name, us] of Object.entries(m)) {
  console.log(
    `  ${name.padEnd(28)} ${us.toFixed(1).padStart(7)} µs   ${(us / raw).toFixed(3)}x raw fetch   ${(us / of).toFixed(3)}x openapi-fetch`,
  );
}
console.log(`  our client (json) / bare openapi-fetch = ${(m["our client (json)"]! / of).toFixed(3)} (target <= 1.05)`);
console.log(`  our client (xml)  / bare openapi-fetch = ${(m["our client (xml)"]! / of).toFixed(3)}`);
console.log(
  `  our client (json) / openapi-fetch + 1 middleware = ${(m["our client (json)"]! / m["openapi-fetch + 1 middleware"]!).toFixed(3)} (the part that is ours)`,
);

// Size: the client bundled with its runtime dependencies. The XML codec and schemas are a
// separate chunk, loaded only when an XML body arrives.
const result = await build({
  entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
  bundle: true,
  minify: true,
  splitting: true,
  format: "esm",
  platform: "node",
  write: false,
  outdir: "/tmp/veeam-client-size",
  metafile: true,
  logLevel: "silent",
});
let entry = 0;
let lazy = 0;
for (const file of result.outputFiles) {
  const gz = gzipSync(file.contents).length;
  if (file.path.endsWith("/index.js")) entry += gz;
  else lazy += gz;
}
console.log(
  `size (esbuild, min+gzip): client with openapi-fetch ${(entry / 1024).toFixed(1)} kB (target <= 12 kB); lazily loaded XML codec + EM schemas ${(lazy / 1024).toFixed(1)} kB`,
);
