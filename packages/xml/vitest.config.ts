import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The property and hostile suites do real work (10,000 mutations, 64 MiB inputs); on a
    // busy 2-core CI machine they need more than vitest's default 5 s.
    testTimeout: 120_000,
  },
});
