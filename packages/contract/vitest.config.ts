import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI and lint-rule tests start processes (tsx, redocly).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
