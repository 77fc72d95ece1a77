import { createBackupForAzureClient } from "@veeam-sessions/client";

const az = createBackupForAzureClient({
  baseUrl: "https://vbazure.corp.internal/api/v1",
  auth: { username: process.env.AZ_USERNAME!, password: process.env.AZ_PASSWORD! },
});
const { response } = await az.POST("/jobSessions/{sessionId}/stop", { params: { path: { sessionId: "42" } } });
console.log(response.status === 204 ? "stopping" : `not stopped: HTTP ${response.status}`);
