import { createEnterpriseManagerClient, query, where } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
});
// Failed backup sessions of the last 24 hours, newest first, across every page.
const since = new Date(Date.now() - 24 * 3600_000);
const filter = where("Result").eq("Failed").and(where("CreationTime").gt(since));
for await (const s of query(em, { type: "BackupJobSession", filter, sortDesc: "CreationTime" })) {
  console.log(s.CreationTimeUTC, s.JobName, s.Result);
}
