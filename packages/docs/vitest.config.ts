import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Headless Chromium and the generator's tsc run take seconds, not milliseconds, and minutes
    // on a loaded machine (one test walks every operation of a page): the bound is not the point.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    passWithNoTests: false,
  },
});
