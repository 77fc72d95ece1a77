import { createBackupReplicationClient } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
// Failed sessions of the last 24 hours, newest first, page after page.
const since = new Date(Date.now() - 24 * 3600_000).toISOString();
for await (const s of vbr.paginate("/api/v1/sessions", {
  query: { createdAfterFilter: since, resultFilter: ["Failed"], orderColumn: "CreationTime", orderAsc: false },
})) {
  console.log(s.creationTime, s.sessionType, s.name, s.result?.message);
}
