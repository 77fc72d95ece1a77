// The built site (packages/docs/dist) in headless Chromium: served by the serve helper on
// 127.0.0.1 and a free port, every page must load with no console error, no failed request and
// no request to any other origin; every operation of each API must be in Redoc's side
// navigation; every Enterprise Manager operation must show an XML and a JSON response example.
// Screenshots go to a temp folder (printed). Build first: `node scripts/build.mjs`.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from "vitest";
import { DIST, serveDocs, type ServedDocs } from "../scripts/serve.mjs";
import { launchChromium, recordedPage, type PageRecord } from "./support/browser.js";
import {
  codeLayout,
  currentMediaType,
  mediaTypes,
  navOperations,
  requestPanel,
  responsePanel,
  sampleFor,
  selectSampleLanguage,
  selectStatus,
  shownSample,
  showOperation,
  waitForRedoc,
} from "./support/redoc.js";
import { apis, deref, operations, requiredHeaders, successTypes, type Api } from "./support/spec.js";

/** Our internal words, never in published text (pages and downloadable specs). */
const INTERNAL_WORDS = /\b(seeds?|twins?|derived)\b/gi;
const internalWords = (text: string) =>
  [...text.matchAll(INTERNAL_WORDS)].map((m) =>
    text.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\s+/g, " "),
  );

/** The text a page shows or holds in collapsed parts (not its scripts and styles: Redoc's code). */
const publishedText = (page: Page) =>
  page.locator("body").evaluate((body) => {
    const copy = body.cloneNode(true) as HTMLElement;
    for (const element of copy.querySelectorAll("script, style, noscript, svg")) element.remove();
    return copy.textContent ?? "";
  });

/** The landing page's link to an operation's section of its reference page (the operations table). */
const indexHash = (op: { tags: string[]; operationId: string }) =>
  `#/${op.tags[0]?.toLowerCase().replace(/[^a-z0-9]+/g, "-")}/${op.operationId.toLowerCase()}`;

const XML_SAMPLE = '<ReplicaJobSession xmlns="http://www.veeam.com/ent/v1.0"';
const EM_NAMESPACE = 'xmlns="http://www.veeam.com/ent/v1.0"';

const shots = mkdtempSync(join(tmpdir(), "veeam-sessions-docs-"));
const summary: {
  page: string;
  requests: number;
  external: number;
  failed: number;
  errors: number;
  warnings: number;
  operations?: string;
  screenshot: string[];
}[] = [];

let served: ServedDocs;
let browser: Browser;
let origin: string;

type Recorded = Awaited<ReturnType<typeof recordedPage>>;
// Each reference page is loaded once for the whole file (a Redoc page of a few MB takes many
// seconds to hydrate on a loaded 2-core machine); every test then moves within it by hash
// changes, which Redoc handles without a reload. Its record (console errors, failed and
// external requests) covers everything every test did on it.
const referencePages = new Map<string, Promise<Recorded>>();
function referencePage(name: string): Promise<Recorded> {
  let opened = referencePages.get(name);
  if (!opened) {
    opened = (async () => {
      const recorded = await recordedPage(browser, origin);
      await recorded.page.goto(`${served.url}${name}.html`, { waitUntil: "load" });
      await waitForRedoc(recorded.page);
      return recorded;
    })();
    referencePages.set(name, opened);
  }
  return opened;
}

/**
 * Enterprise Manager: an operation's first response with a body offers both media types, each
 * with an example (XML in EM's namespace, JSON an object or array). Returns what is wrong.
 */
async function emExamples(page: Page, api: Api, op: ReturnType<typeof operations>[number], section: Locator) {
  const [code] = Object.entries(op.responses).find(([, response]) => deref(api.doc, response)?.content) ?? [];
  if (!code) return [`${op.operationId}: no response with a body`];
  const panel = responsePanel(section);
  // Redoc shows the first status and the first media type of an operation not yet touched:
  // read that sample before opening anything (each click re-renders the page).
  if ((await panel.locator("button").first().innerText()).trim() !== code) await selectStatus(panel, code);
  const shownType = await currentMediaType(panel);
  const shown = await shownSample(panel);
  const offered = await mediaTypes(page, panel);
  if (!offered.includes("application/xml") || !offered.includes("application/json"))
    return [`${op.operationId} ${code}: media types offered ${JSON.stringify(offered)}`];
  const problems: string[] = [];
  const xml = shownType === "application/xml" ? shown : await sampleFor(page, panel, "application/xml");
  if (!xml.visible || !xml.text.startsWith("<") || !xml.text.includes(EM_NAMESPACE))
    problems.push(`${op.operationId} ${code} application/xml: ${JSON.stringify(xml.text.slice(0, 80))}`);
  const json = shownType === "application/json" ? shown : await sampleFor(page, panel, "application/json");
  if (!json.visible || !/^[[{]/.test(json.text))
    problems.push(`${op.operationId} ${code} application/json: ${JSON.stringify(json.text.slice(0, 80))}`);
  return problems;
}

function checkRecord(name: string, record: PageRecord, expect: ExpectStatic): void {
  expect(record.errors, `${name}: console errors`).toEqual([]);
  expect(record.failed, `${name}: failed requests`).toEqual([]);
  expect(record.external, `${name}: requests to other origins`).toEqual([]);
}

async function screenshot(page: Page, file: string, fullPage = false): Promise<string> {
  const path = join(shots, file);
  await page.screenshot({ path, fullPage, animations: "disabled" });
  console.log(`screenshot: ${path}`);
  return path;
}

beforeAll(async () => {
  if (!existsSync(join(DIST, "index.html"))) {
    throw new Error(
      `no built site in ${DIST}: run \`node scripts/build.mjs\` in packages/docs (or \`npx -y pnpm@12.25.1 run docs\`) first`,
    );
  }
  browser = await launchChromium();
  served = await serveDocs({ port: 0, host: "127.0.0.1" });
  origin = new URL(served.url).origin;
});

afterAll(async () => {
  for (const opened of referencePages.values()) await (await opened).context.close();
  await browser?.close();
  await served?.close();
  if (summary.length > 0) {
    console.log(
      [
        "page                      requests external failed errors warnings operations",
        ...summary.map(
          (s) =>
            `${s.page.padEnd(25)} ${String(s.requests).padStart(8)} ${String(s.external).padStart(8)} ${String(s.failed).padStart(6)} ${String(s.errors).padStart(6)} ${String(s.warnings).padStart(8)} ${s.operations ?? "-"}`,
        ),
        `screenshots: ${shots}`,
      ].join("\n"),
    );
  }
});

describe("docs site in Chromium", () => {
  const all = apis();

  it("landing page: loads offline and links to every reference page and bundled spec", async () => {
    const { context, page, record } = await recordedPage(browser, origin);
    try {
      await page.goto(served.url, { waitUntil: "load" });
      await expect.poll(() => page.title()).toContain("veeam-sessions");
      const hrefs = await page
        .locator("a[href]")
        .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
      for (const api of all) {
        expect(hrefs, `landing page links to ${api.name}.html`).toContain(`${api.name}.html`);
        expect(hrefs).toContain(`openapi/${api.name}.yaml`);
        expect(hrefs).toContain(`openapi/${api.name}.json`);
        // Say how to authenticate to each API.
      }
      const text = await page.locator("body").innerText();
      for (const phrase of [
        "X-RestSvcSessionId",
        "15 minutes idle",
        "Accept: application/json",
        "grant_type=Password",
        "Bearer",
        "Refresh_token",
      ]) {
        expect(text, `landing page mentions ${phrase}`).toContain(phrase);
      }
      // The operations table links every operation to its section of the reference page.
      for (const api of all) {
        for (const op of operations(api.doc)) {
          const href = `${api.name}.html${indexHash(op)}`;
          expect(hrefs, `landing page links ${op.operationId}`).toContain(href);
        }
      }
      // No internal words in what it says (closed <details> included).
      expect(internalWords(await publishedText(page))).toEqual([]);
      // Every same-site link resolves.
      const local = hrefs.filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith("#"));
      for (const href of local) {
        const response = await fetch(new URL(href, served.url), { method: "HEAD" });
        expect(response.status, `${href}`).toBe(200);
      }
      // ...and a link into a reference page lands on its operation's section. The operations
      // table's links are followed by the reference page's test below, which visits every
      // operation's section through that very link; any other link into a reference page is
      // followed here. Each page is loaded once; each link is then followed as a hash change
      // (Redoc renders sections near the one asked for), instead of loading the page again.
      const operationLinks = new Set(
        all.flatMap((api) => operations(api.doc).map((op) => `${api.name}.html${indexHash(op)}`)),
      );
      const unresolved: string[] = [];
      const byPage = new Map<string, string[]>();
      for (const href of local.filter((h) => h.includes(".html#/") && !operationLinks.has(h))) {
        const pageUrl = href.slice(0, href.indexOf("#"));
        byPage.set(pageUrl, [...(byPage.get(pageUrl) ?? []), href]);
      }
      for (const [pageUrl, links] of byPage) {
        const { page: reference } = await referencePage(pageUrl.replace(/\.html$/, ""));
        {
          for (const href of links) {
            const hash = href.slice(href.indexOf("#"));
            await reference.evaluate((h) => (window.location.hash = h), hash);
            await reference
              .locator(`[id="${hash.slice(2)}"]`)
              .waitFor() // the page's default timeout (60 s, support/browser.ts): a guard, not a speed check
              .catch(() => unresolved.push(`${pageUrl}${hash}`));
          }
        }
      }
      expect(unresolved, "index links without a section on their page").toEqual([]);
      const shot = await screenshot(page, "index.png", true);
      checkRecord("index.html", record, expect);
      summary.push({
        page: "index.html",
        requests: record.requests.length,
        external: record.external.length,
        failed: record.failed.length,
        errors: record.errors.length,
        warnings: record.warnings.length,
        screenshot: [shot],
      });
    } finally {
      await context.close();
    }
  });

  // The reference pages are walked side by side, each on its own (once loaded) page: the walk
  // waits on Chromium, not on this process. Concurrent tests assert with their own `expect`.
  it.concurrent.for(all.map((api) => [api.name, api] as const))(
    "%s: loads offline, lists every operation in the side navigation, shows its code samples",
    async ([name, api]: readonly [string, Api], { expect }) => {
      const { page, record } = await referencePage(name);
      {
        const pageUrl = `${served.url}${name}.html`;
        await page.evaluate(() => window.scrollTo(0, 0));
        const shotTop = await screenshot(page, `${name}.png`);

        const nav = await navOperations(page);
        const expected = operations(api.doc);
        const missing = expected.filter(
          (op) =>
            !nav.some(
              (item) =>
                item.href.toLowerCase().endsWith(`/${op.operationId.toLowerCase()}`) && item.label === op.summary,
            ),
        );
        expect(
          missing.map((op) => `${op.method.toUpperCase()} ${op.path} (${op.operationId}: ${op.summary})`),
          `${name}: operations missing from the side navigation (found: ${JSON.stringify(nav)})`,
        ).toEqual([]);
        expect(nav).toHaveLength(expected.length);
        const shotNav = await screenshot(page, `${name}-navigation.png`);

        // x-codeSamples: each operation's first sample is the request panel's active tab.
        const withSamples = expected.filter((op) => op.codeSamples.length > 0);
        const samplesMissing: string[] = [];
        const curlMissing: string[] = [];
        const badLayout: string[] = [];
        const unresolved: string[] = [];
        const examplesMissing: string[] = [];
        // Redoc keeps the chosen sample language across operations, and each change of it (or of
        // a tab) re-renders the page: so the walk goes twice, each time through the landing
        // page's link of every operation (it must land on the section), first showing each
        // operation's first sample, then its curl sample, instead of switching twice per operation.
        const visit = async (op: (typeof expected)[number]) => {
          const section = await showOperation(page, pageUrl, indexHash(op)).catch(() => undefined);
          if (!section) unresolved.push(`${name}.html${indexHash(op)}`);
          return section;
        };
        for (const op of expected) {
          const section = await visit(op);
          if (!section) continue;
          if (name === "enterprise-manager") examplesMissing.push(...(await emExamples(page, api, op, section)));
          if (op.codeSamples.length === 0) continue;
          const firstLine =
            op.codeSamples[0]?.source
              .split("\n")
              .find((line) => line.trim() !== "")
              ?.trim() ?? "";
          const label = op.codeSamples[0]?.label ?? op.codeSamples[0]?.lang ?? "";
          const shown = await selectSampleLanguage(page, requestPanel(section), label);
          if (!shown.includes(firstLine))
            samplesMissing.push(`${op.operationId}: ${JSON.stringify(shown.slice(0, 120))}`);
        }
        for (const op of expected) {
          const section = await visit(op);
          if (!section) continue;
          const panel = requestPanel(section);
          // A curl sample beside it; both Accept headers where the answer comes as XML or JSON.
          const curl = await selectSampleLanguage(page, panel, "curl");
          const types = successTypes(api.doc, op);
          const accepts = types.includes("application/xml") && types.includes("application/json") ? types : [];
          if (!curl.startsWith("#") && !curl.startsWith("curl "))
            curlMissing.push(`${op.operationId}: ${curl.slice(0, 80)}`);
          for (const type of accepts) {
            if (!curl.includes(`Accept: ${type}`)) curlMissing.push(`${op.operationId}: no Accept: ${type}`);
          }
          // Every required header (Backup & Replication's x-api-version, on the token request too).
          for (const header of requiredHeaders(api.doc, op))
            if (!curl.includes(`${header}: `)) curlMissing.push(`${op.operationId}: no ${header} header`);
          // The code wraps (or scrolls) and no line of it lies under the copy button.
          const layout = await codeLayout(panel);
          if (layout.underButton > 0 || layout.clipped) badLayout.push(`${op.operationId}: ${JSON.stringify(layout)}`);
        }
        expect(unresolved, "index links without a section on their page").toEqual([]);
        expect(examplesMissing, `${name}: operations without both XML and JSON response examples`).toEqual([]);
        expect(samplesMissing, `${name}: operations whose x-codeSamples Redoc does not show`).toEqual([]);
        expect(curlMissing, `${name}: operations without a proper curl sample`).toEqual([]);
        expect(badLayout, `${name}: code samples under the copy button or cut off`).toEqual([]);
        // No internal words in the page's text or in the spec it offers for download.
        expect(internalWords(await publishedText(page))).toEqual([]);
        const download = await (await fetch(`${served.url}openapi/${name}.json`)).text();
        expect(internalWords(download), `${name}: openapi/${name}.json`).toEqual([]);

        checkRecord(`${name}.html`, record, expect);
        summary.push({
          page: `${name}.html`,
          requests: record.requests.length,
          external: record.external.length,
          failed: record.failed.length,
          errors: record.errors.length,
          warnings: record.warnings.length,
          operations: `${expected.length - missing.length}/${expected.length} in nav, ${withSamples.length - samplesMissing.length}/${withSamples.length} code samples shown, ${expected.length - curlMissing.length}/${expected.length} curl`,
          screenshot: [shotTop, shotNav, await screenshot(page, `${name}-code-sample.png`)],
        });
      }
    },
  );

  it("enterprise-manager: GET /replicaSessions/{ID} shows its XML example on the application/xml tab", async () => {
    const api = all.find((a) => a.name === "enterprise-manager");
    expect(api, "@veeam-sessions/spec exports enterprise-manager").toBeDefined();
    if (!api) return;
    const { page, record } = await referencePage("enterprise-manager");
    {
      const pageUrl = `${served.url}enterprise-manager.html`;
      const nav = await navOperations(page);
      const hrefOf = (operationId: string) =>
        nav.find((item) => item.href.toLowerCase().endsWith(`/${operationId.toLowerCase()}`))?.href;

      // The seed example, on the application/xml tab of GET /replicaSessions/{ID}'s 200 response.
      const replicaHref = hrefOf("getReplicaSession");
      expect(replicaHref, "getReplicaSession in the navigation").toBeDefined();
      const section = await showOperation(page, pageUrl, replicaHref ?? "");
      const panel = responsePanel(section);
      await sampleFor(page, panel, "application/json"); // switch away first, so selecting XML is a real change
      const xml = await sampleFor(page, panel, "application/xml");
      expect(xml.visible).toBe(true);
      expect(xml.text).toContain(XML_SAMPLE);
      await xml.code.scrollIntoViewIfNeeded();
      await expect.poll(() => xml.code.getByText(XML_SAMPLE.slice(1, 18)).first().isVisible()).toBe(true);
      const shotXml = await screenshot(page, "enterprise-manager-getReplicaSession-xml.png");

      // Every operation's XML and JSON examples: checked in the page's test above (emExamples),
      // on the same visit to each operation's section as its code samples.
      checkRecord("enterprise-manager.html (examples)", record, expect);
      summary.push({
        page: "enterprise-manager (XML)",
        requests: record.requests.length,
        external: record.external.length,
        failed: record.failed.length,
        errors: record.errors.length,
        warnings: record.warnings.length,
        screenshot: [shotXml],
      });
    }
  });
});
