import { createBackupReplicationClient } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
// Every failed backup task session, page after page.
for await (const t of vbr.paginate("/api/v1/taskSessions", {
  query: { typeFilter: "Backup", resultFilter: "Failed" },
})) {
  if (t.type === "Backup") console.log(t.creationTime, t.name, t.result?.message);
}
