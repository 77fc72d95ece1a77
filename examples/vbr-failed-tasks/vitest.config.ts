import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One module graph per worker for all its files (no fresh import per file): the files share
    // no state they do not reset, and it cuts the suite's CPU time by a third (issue 22).
    isolate: false,
    // Tests wait for events (a line printed, a port answering); these bounds only end a test
    // that will never finish, so they are generous: shared CI machines run many suites at once.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    include: ["test/**/*.test.ts"],
    // Starts the Backup & Replication mock once for the run (see test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
  },
});
