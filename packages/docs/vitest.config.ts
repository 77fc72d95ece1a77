import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Headless Chromium and the generator's tsc run take seconds, not milliseconds, and minutes
    // on a loaded machine (one test walks every operation of a page): the bound is not the point.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    passWithNoTests: false,
    // The browser test waits on Chromium most of its time: the other files run beside it
    // (vitest's default is cores - 1, a single worker on 2 cores).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
