// The seed pages (the Veeam documentation pages the examples were copied from) are not part of
// the repository: they sit in ../shared/seeds beside it in the development workspace, and a clone
// anywhere else has none. The checks that compare examples with them run when the folder is there
// (or VEEAM_SESSIONS_SEEDS names it) and are skipped, saying why, when it is not.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { TestContext } from "vitest";

/** `<repository>/../shared/seeds/` (or `$VEEAM_SESSIONS_SEEDS`) when it exists, else null. */
export const SEEDS: URL | null = (() => {
  const env = process.env.VEEAM_SESSIONS_SEEDS;
  const url = env
    ? pathToFileURL(env.endsWith("/") ? env : `${env}/`)
    : new URL("../../../shared/seeds/", import.meta.url);
  return existsSync(url) ? url : null;
})();

export const SEEDS_MISSING =
  "skipped: no seed pages (../shared/seeds beside the repository, or $VEEAM_SESSIONS_SEEDS); " +
  "the comparisons of examples with the original pages need them";

if (SEEDS === null) console.warn(`seed-page checks ${SEEDS_MISSING}`);

/** Skips the running test (with the reason, shown by the verbose reporter) when the seeds are not there. */
export function seedsOrSkip(ctx: TestContext): URL {
  if (SEEDS === null) return ctx.skip(SEEDS_MISSING);
  return SEEDS;
}
