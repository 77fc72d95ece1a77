// Headless Debian Chromium driven by playwright-core (no browser download), and a recorder of
// everything a page asks the network for and complains about.
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The docs browser test drives Debian's Chromium: ` +
        "install it with `apt-get update && apt-get install -y chromium` (.ci/run does this), " +
        "or point CHROMIUM_PATH at a Chromium binary. Do not use `playwright install`.",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

export interface PageRecord {
  /** Every request the page made, in order. */
  requests: string[];
  /** Requests that failed at the network level or answered 4xx/5xx. */
  failed: string[];
  /** Requests whose origin is not the served site's (data: URLs are inline, not requests). */
  external: string[];
  /** console.error messages and uncaught exceptions. */
  errors: string[];
  /** console.warn messages (reported, not failed on). */
  warnings: string[];
}

/**
 * A fresh page whose requests, failures and console output are recorded. Requests to any
 * other origin are recorded and then aborted, so the test never reaches the internet.
 */
export async function recordedPage(
  browser: Browser,
  origin: string,
): Promise<{ context: BrowserContext; page: Page; record: PageRecord }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: "block" });
  const record: PageRecord = { requests: [], failed: [], external: [], errors: [], warnings: [] };
  const isOwn = (url: string) => url.startsWith("data:") || new URL(url).origin === origin;
  await context.route(
    (url) => !isOwn(url.href),
    (route) => route.abort("blockedbyclient"),
  );
  const page = await context.newPage();
  // Fail a step in seconds, not after Playwright's default 30 s (the suite stays under 90 s).
  page.setDefaultTimeout(10_000);
  page.on("request", (request) => {
    const url = request.url();
    record.requests.push(url);
    if (!isOwn(url)) record.external.push(url);
  });
  page.on("requestfailed", (request) =>
    record.failed.push(`${request.url()} (${request.failure()?.errorText ?? "failed"})`),
  );
  page.on("response", (response) => {
    if (response.status() >= 400) record.failed.push(`${response.url()} (HTTP ${response.status()})`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") record.errors.push(message.text());
    else if (message.type() === "warning") record.warnings.push(message.text());
  });
  page.on("pageerror", (error) => record.errors.push(`uncaught: ${error.message}`));
  return { context, page, record };
}
