import { createBackupReplicationClient, unwrap } from "@veeam-sessions/client";

// 1.1-rev0 … 1.2-rev1 only: Veeam removed the path in 1.3-rev0.
const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  apiVersion: "1.2-rev1",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
// POST /api/oauth2/authorization_code: a code another client exchanges for its own tokens (60 s).
const { code } = unwrap(await vbr.POST("/api/oauth2/authorization_code", {}));
console.log(code);
