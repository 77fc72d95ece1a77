import { createBackupReplicationClient, unwrap } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
const log = unwrap(
  await vbr.GET("/api/v1/taskSessions/{id}/logs", {
    params: { path: { id: "3d995992-0230-42ef-bb30-ae8da82ea24a" }, query: { statusFilter: "Failed" } },
  }),
);
for (const r of log.records ?? []) console.log(r.status, r.title);
