// @veeam-sessions/contract: check recorded Veeam API responses (XML and JSON) against the contract.
export {
  createValidator,
  isLookupError,
  LOOKUP_KEYWORDS,
  type ContractError,
  type ContractWarning,
  type ContractTarget,
  type JsonCasing,
  type ContractValidator,
  type RecordedResponse,
  type ValidationResult,
  type ValidatorOptions,
} from "./validator.js";
export { API_NAMES, loadBundledSpec, type ApiName } from "./spec.js";
export { essence, bodyKind, matchContentKey, type BodyKind } from "./media.js";
export {
  collectFixtures,
  checkFixtures,
  type Fixture,
  type FixtureMeta,
  type FixtureProblem,
  type FixtureResult,
  type CheckReport,
  type CheckOptions,
} from "./fixtures.js";
export { run, USAGE, type Io, type RunOptions } from "./run.js";
