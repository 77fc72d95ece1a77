import { createBackupReplicationClient, unwrap } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
const log = unwrap(
  await vbr.GET("/api/v1/sessions/{id}/logs", { params: { path: { id: "c924ee2f-1197-4b37-8de3-009c1977f347" } } }),
);
for (const r of log.records ?? []) console.log(r.startTime, r.status, r.title);
