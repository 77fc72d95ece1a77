import { createBackupForAzureClient } from "@veeam-sessions/client";

const az = createBackupForAzureClient({
  baseUrl: "https://vbazure.corp.internal/api/v8.1",
  auth: { username: process.env.AZ_USERNAME!, password: process.env.AZ_PASSWORD! },
});
// The failed sessions of one day as CSV.
const { data, response } = await az.POST("/jobSessions/export", {
  body: { status: ["Error"], fromUtc: "2020-02-05T00:00:00Z", toUtc: "2020-02-06T00:00:00Z" },
  headers: { Accept: "text/csv" },
  parseAs: "text",
});
console.log(response.status, data);
