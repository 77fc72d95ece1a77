import { createBackupForAzureClient, unwrap } from "@veeam-sessions/client";

const az = createBackupForAzureClient({
  baseUrl: "https://vbazure.corp.internal/api/v1",
  auth: { username: process.env.AZ_USERNAME!, password: process.env.AZ_PASSWORD! },
});
const session = unwrap(await az.GET("/jobSessions/{sessionId}", { params: { path: { sessionId: "39" } } }));
console.log(session.type, session.status, session.executionDuration);
