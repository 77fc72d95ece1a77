// Types of the Redocly plugin (a plain .mjs file so `redocly lint` can load it without a build).
// Redocly calls the default export and reads `id` and `rules`; the rules are Redocly visitors.
declare function veeamPlugin(): {
  id: "veeam";
  rules: {
    oas3: Record<
      "xml-examples-valid" | "json-examples-valid",
      (options?: Record<string, unknown>) => Record<string, unknown>
    >;
  };
};
export default veeamPlugin;
