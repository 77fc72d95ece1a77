import { createBackupReplicationClient, unwrap } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
const task = unwrap(
  await vbr.GET("/api/v1/taskSessions/{id}", { params: { path: { id: "3d995992-0230-42ef-bb30-ae8da82ea24a" } } }),
);
if (task.type === "Backup") console.log(task.name, task.algorithm, task.progress?.duration);
