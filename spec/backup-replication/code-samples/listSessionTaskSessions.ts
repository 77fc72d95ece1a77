import { createBackupReplicationClient } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
// One line per processed object of a session (1.2-rev1 and later).
for await (const t of vbr.paginate("/api/v1/sessions/{id}/taskSessions", {
  path: { id: "c924ee2f-1197-4b37-8de3-009c1977f347" },
})) {
  console.log(t.type, t.name, t.type === "Antivirus" ? t.scanResult : t.result?.result);
}
