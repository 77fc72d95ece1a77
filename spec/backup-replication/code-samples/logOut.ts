import { createBackupReplicationClient } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
await vbr.logon();
// POST /api/oauth2/logout: the access and refresh tokens stop working.
await vbr.logout();
