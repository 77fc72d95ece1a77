import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests wait for events (a line printed, a port answering); these bounds only end a test
    // that will never finish, so they are generous: shared CI machines run many suites at once.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    include: ["test/**/*.test.ts"],
    // One module graph per worker for all its files (no fresh import per file): the files share
    // no state they do not reset, and it cuts the suite's CPU time by a third (issue 22).
    isolate: false,
    // Most files wait on child processes (Prism, the CLI) and sockets, not on this CPU: more
    // files at once than cores (vitest's default is cores - 1, a single worker on 2 cores).
    maxWorkers: Math.max(3, availableParallelism() - 1),
  },
});
