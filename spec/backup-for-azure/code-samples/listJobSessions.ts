import { createBackupForAzureClient, paginate } from "@veeam-sessions/client";

const az = createBackupForAzureClient({
  baseUrl: "https://vbazure.corp.internal/api/v1",
  auth: { username: process.env.AZ_USERNAME!, password: process.env.AZ_PASSWORD! },
});
// Every failed or warning session, page after page.
for await (const s of paginate(az, "/jobSessions", { query: { Status: ["Error", "Warning"] } })) {
  console.log(s.id, s.type, s.status, s.executionDuration);
}
