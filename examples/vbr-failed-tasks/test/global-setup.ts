// The Backup & Replication simulator for the whole test run, on a free port: its base URL reaches
// the tests as process.env.VEEAM_MOCK_VBR_URL (and inject("veeamMock")). A fixed seed and session
// count: the same 700 sessions every run, placed in the week before `now`. `now` is the wall clock
// when the run starts, because the program asks for the sessions created since its own clock's
// 24 h (or --hours) ago: with seed 19 the last day holds 8 failed sessions (14 failed task
// sessions), the last 6 h 2, and no session was created within 10 minutes of either mark, so a
// run sees the same ones unless its start and the program's run are that far apart.
import { mockGlobalSetup } from "@veeam-sessions/mock/vitest";

export default mockGlobalSetup({
  apis: ["backup-replication"],
  seed: 19,
  sessions: 700,
  now: new Date(),
});
