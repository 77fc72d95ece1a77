import { createBackupForAzureClient, paginate } from "@veeam-sessions/client";

const az = createBackupForAzureClient({
  baseUrl: "https://vbazure.corp.internal/api/v8.1",
  auth: { username: process.env.AZ_USERNAME!, password: process.env.AZ_PASSWORD! },
});
// Every item of one session's checkedItems list, page after page.
const path = { sessionId: "a1c3b4cb-29d4-4615-b4d8-d1e1b7f3bf55" };
for await (const item of paginate(az, "/jobSessions/{sessionId}/checkedItems", { path })) {
  console.log(item);
}
