import { createBackupForAzureClient, unwrap } from "@veeam-sessions/client";

const az = createBackupForAzureClient({
  baseUrl: "https://vbazure.corp.internal/api/v1",
  auth: { username: process.env.AZ_USERNAME!, password: process.env.AZ_PASSWORD! },
});
const log = unwrap(await az.GET("/jobSessions/{sessionId}/log", { params: { path: { sessionId: "39" } } }));
console.log(JSON.stringify(log, null, 2));
