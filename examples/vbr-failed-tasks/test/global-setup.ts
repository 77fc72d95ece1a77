// The Backup & Replication mock for the whole test run, on a free port: its base URL reaches
// the tests as process.env.VEEAM_MOCK_VBR_URL (and inject("veeamMock")).
import { mockGlobalSetup } from "@veeam-sessions/mock/vitest";

export default mockGlobalSetup({ apis: ["backup-replication"] });
