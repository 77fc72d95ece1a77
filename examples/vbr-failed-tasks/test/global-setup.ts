// The Backup & Replication mock for the whole test run, on a free port: its base URL reaches
// the tests as process.env.VEEAM_MOCK_VBR_URL (and inject("veeamMock")). Prism, not the
// simulator: the tests check the report built from the spec's own examples.
import { mockGlobalSetup } from "@veeam-sessions/mock/vitest";

export default mockGlobalSetup({ apis: ["backup-replication"], engine: "prism" });
