// A vitest `globalSetup` that starts the mocks once for the whole run and hands their base URLs
// to the tests, through `inject("veeamMock")` and through environment variables:
//
//   // vitest.config.ts
//   export default defineConfig({ test: { globalSetup: ["@veeam-sessions/mock/vitest"] } });
//
//   // a test
//   const em = createEnterpriseManagerClient({ baseUrl: process.env.VEEAM_MOCK_EM_URL!, auth });
//
// No import of vitest here: the project object is used only through `provide`.
import { apis } from "@veeam-sessions/spec";
import { APIS, startMocks, type ApiName, type MockOptions, type MockServer } from "./index.js";

/** What `inject("veeamMock")` returns: base URL per API. */
export type VeeamMockUrls = Partial<Record<ApiName, string>>;

/** The environment variable that carries each API's base URL to the test workers (`mockUrlEnv` of its manifest). */
export const ENV: Readonly<Record<ApiName, string>> = Object.fromEntries(
  apis().map((a) => [a.slug, a.mockUrlEnv]),
) as Record<ApiName, string>;

export interface MockSetupOptions extends Omit<MockOptions, "api" | "port"> {
  /** Which mocks to start (default all). */
  apis?: readonly ApiName[];
  /** Default 0: free ports, so parallel runs never collide. */
  port?: number;
}

export interface ProvidingProject {
  provide(key: string, value: unknown): void;
}

/**
 * Builds a globalSetup function: starts the mocks, provides `veeamMock` and sets each API's
 * `mockUrlEnv` (`VEEAM_MOCK_EM_URL`, …), and returns the teardown that stops them.
 */
export function mockGlobalSetup(options: MockSetupOptions = {}) {
  return async function setup(project?: ProvidingProject): Promise<() => Promise<void>> {
    const { apis = APIS, port = 0, ...rest } = options;
    const mocks: MockServer[] = await startMocks(apis, { ...rest, port });
    const urls: VeeamMockUrls = {};
    for (const m of mocks) {
      urls[m.api] = m.url;
      process.env[ENV[m.api]] = m.url;
    }
    project?.provide("veeamMock", urls);
    return async () => {
      await Promise.all(mocks.map((m) => m.stop()));
      for (const m of mocks) delete process.env[ENV[m.api]];
    };
  };
}

/** `globalSetup: ["@veeam-sessions/mock/vitest"]`: every API's mock on free ports. */
export default mockGlobalSetup();
