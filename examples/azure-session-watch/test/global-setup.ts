// The Backup for Azure simulator for the whole test run, on a free port: its base URL reaches the
// tests as process.env.VEEAM_MOCK_AZURE_URL (and inject("veeamMock")). A fixed seed and end of
// the generated week: the same 30 sessions every run, every log entry of the running ones
// already written. A stop takes 300 ms.
import { mockGlobalSetup } from "@veeam-sessions/mock/vitest";

export default mockGlobalSetup({
  apis: ["backup-for-azure"],
  seed: 9,
  sessions: 30,
  now: new Date("2026-03-02T12:00:00Z"),
  stopMs: 300,
});
