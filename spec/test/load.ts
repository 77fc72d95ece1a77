// The spec tests read the bundled documents through the package's own helpers (built by the
// turbo `build` task, after `bundle`): a missing file is a failure with a clear message.
export { deref, HTTP_METHODS, loadBundled, operationsOf, type Json } from "@veeam-sessions/spec";
