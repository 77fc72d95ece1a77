// Flat config for the whole repository, linted in one run by the root task `lint:root`
// (`eslint .` at the root): one process and one TypeScript project service for every package
// parses the shared libraries and types once, not once per package (issue 22). `eslint .` in a
// package still works on its own. The consumer project (examples/consumer) is outside the
// workspace and checked by its own test, as a user's project would be.
//
// Type-aware: typescript-eslint's recommendedTypeChecked, with type information from the
// TypeScript project of each file (projectService). JavaScript files that no tsconfig includes
// (root and package scripts, bins, the Redocly plugin) are type-checked in a default project.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/generated/**", "**/node_modules/**", "**/.turbo/**", "examples/consumer/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            "*.js",
            "scripts/*.mjs",
            "packages/*/scripts/*.mjs",
            "packages/*/bin/*.js",
            "packages/*/bin/*.mjs",
            "packages/*/redocly/*.mjs",
            "packages/*/redocly/*.d.mts",
            "spec/scripts/*.mjs",
            "spec/lib/*.mjs",
            "spec/lib/*.d.mts",
          ],
          // Default is 8; the globs above match a dozen small scripts.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 32,
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: {
        console: "readonly",
        process: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        performance: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        fetch: "readonly",
        AbortController: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Beyond recommendedTypeChecked: an awaited promise returned from a try block is the one
      // whose rejection the catch sees.
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
    },
  },
  {
    // Plain-JS scripts, tests and benches read JSON and YAML (specs, fixtures, recordings) as
    // untyped values on purpose, and their assertions check the shape: the no-unsafe-* family would
    // ask for a JSDoc rewrite of each script and a cast on every test lookup. It stays on for the
    // packages' sources; the promise, await and assertion rules apply everywhere.
    files: ["**/*.js", "**/*.mjs", "**/test/**", "**/bench/**"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // The operations' code samples are type-checked against the client's sources by its samples project.
    files: ["spec/*/code-samples/*.ts"],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ["packages/client/tsconfig.samples.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
);
