// What the tests need to know about Redoc 3's page (the one @redocly/cli 2.77 renders): its
// stable hooks are `data-component-name` / `data-testid` attributes and the hash routes
// `#/<tag-slug>/<operationid in lowercase>`, whose element id is the route without `#/`.
import type { Locator, Page } from "playwright-core";

export interface NavOperation {
  label: string;
  href: string;
}

const MENU = '[data-component-name="Menu/Menu"]';
const GROUP = `${MENU} > [data-component-name="Menu/MenuItem"].menu-item-type-group`;
const OPERATION = '[data-component-name="Menu/MenuItem"].menu-item-type-operation';

export async function waitForRedoc(page: Page): Promise<void> {
  await page.locator(`${MENU} [data-component-name="Menu/MenuItem"]`).first().waitFor();
  await page.locator("#api-content").waitFor();
}

/**
 * Every operation in the side navigation. Redoc renders a tag's operations only once its group
 * is opened, so open each group in turn (as a reader would) and collect what appears.
 */
export async function navOperations(page: Page): Promise<NavOperation[]> {
  const found = new Map<string, NavOperation>();
  const groups = page.locator(GROUP);
  const count = await groups.count();
  for (let i = 0; i < count; i++) {
    await expand(groups.nth(i));
    const items = await page.locator(`${MENU} ${OPERATION}`).evaluateAll((elements) =>
      elements.map((element) => ({
        label: element.querySelector("[data-text]")?.getAttribute("data-text") ?? element.textContent?.trim() ?? "",
        href: element.querySelector("a")?.getAttribute("href") ?? "",
      })),
    );
    for (const item of items) found.set(item.href, item);
  }
  return [...found.values()];
}

/**
 * Open a tag group in the side navigation and wait until its operations show. A click toggles
 * the group, and one that lands before Redoc has hydrated does nothing: so look at the chevron
 * before clicking, and click again only if the group is still closed after a while.
 */
async function expand(group: Locator): Promise<void> {
  const operation = group.locator(OPERATION).first();
  const open = group.locator(':scope > a [data-component-name="icons/ChevronDownIcon/ChevronDownIcon"]');
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await operation.isVisible()) return;
    if ((await open.count()) === 0) await group.locator(":scope > a").click();
    try {
      await operation.waitFor({ state: "visible", timeout: 5_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** Show one operation (by its nav href, `#/…`) and return its section. */
export async function showOperation(page: Page, pageUrl: string, href: string): Promise<Locator> {
  await page.goto(`${pageUrl}${href}`);
  const section = page.locator(`[id="${href.replace(/^#\//, "")}"]`);
  await section.waitFor();
  return section;
}

/** The request sample panel (code samples, payload) at the top of an operation's right-hand column. */
export function requestPanel(section: Locator): Locator {
  return section.locator('[data-testid="right-panel"] [data-component-name="Panel/Panel"]').first();
}

/** The "Response" sample panel in an operation's right-hand column. */
export function responsePanel(section: Locator): Locator {
  return section
    .locator('[data-testid="right-panel"] [data-component-name="Panel/Panel"]')
    .filter({ hasText: /^Response/ });
}

/** Pick a status code's tab in the response panel. */
export async function selectStatus(panel: Locator, code: string): Promise<void> {
  await panel
    .locator("button")
    .filter({ hasText: new RegExp(`^\\s*${code}\\s*$`) })
    .first()
    .click();
}

const VISIBLE_ITEMS = '[role="menuitem"]:visible';

const mediaTypeDropdown = (panel: Locator) =>
  panel.locator('[data-testid="panel-body"] [data-testid="dropdown"]').first();

/** The media type the response panel shows now (its dropdown's label). */
export async function currentMediaType(panel: Locator): Promise<string> {
  return (await mediaTypeDropdown(panel).innerText()).trim();
}

/** The sample the panel shows now. */
export async function shownSample(panel: Locator): Promise<{ text: string; visible: boolean; code: Locator }> {
  const code = panel.locator('[data-testid="source-code"]').first();
  await code.waitFor();
  return { text: (await code.innerText()).trim(), visible: await code.isVisible(), code };
}

/** Open the response panel's media-type dropdown (its first one), unless it is open already. */
async function openMediaTypes(page: Page, panel: Locator): Promise<Locator> {
  const dropdown = mediaTypeDropdown(panel);
  if ((await page.locator(VISIBLE_ITEMS).count()) === 0) await dropdown.click();
  await page.locator(VISIBLE_ITEMS).first().waitFor();
  return dropdown;
}

/** The media types the response panel offers (the dropdown stays open for sampleFor). */
export async function mediaTypes(page: Page, panel: Locator): Promise<string[]> {
  await openMediaTypes(page, panel);
  return (await page.locator(VISIBLE_ITEMS).allInnerTexts()).map((text) => text.trim());
}

/** Select a media type in the response panel and return the sample shown for it. */
export async function sampleFor(
  page: Page,
  panel: Locator,
  mediaType: string,
): Promise<{ text: string; visible: boolean; code: Locator }> {
  const dropdown = await openMediaTypes(page, panel);
  await page.getByRole("menuitem", { name: mediaType, exact: true }).locator("visible=true").click();
  await dropdown.filter({ hasText: mediaType }).waitFor();
  await page.locator(VISIBLE_ITEMS).first().waitFor({ state: "hidden" });
  return shownSample(panel);
}

/** Pick a code-sample language in the request panel's language dropdown (the header's last one). */
export async function selectSampleLanguage(page: Page, panel: Locator, label: string): Promise<string> {
  const dropdown = panel.locator('[data-component-name="Panel/PanelHeader"] [data-testid="dropdown"]').last();
  const code = panel.locator('[data-testid="source-code"]').first();
  if (!(await dropdown.innerText()).trim().startsWith(label)) {
    await code.waitFor();
    const before = (await code.innerText()).trim();
    await dropdown.locator("button").first().click();
    await page.getByRole("menuitem", { name: label, exact: true }).locator("visible=true").click();
    await dropdown.filter({ hasText: label }).waitFor();
    // The label changes before the code block re-renders: wait for the block to show the new sample.
    const handle = await code.elementHandle();
    await page.waitForFunction(([el, old]) => (el as HTMLElement).innerText.trim() !== old, [handle, before] as const);
  }
  await code.waitFor();
  return (await code.innerText()).trim();
}

/**
 * Where a code block's text runs under its copy button or off its panel: the line boxes of
 * the code that intersect the button, and whether the block hides overflowing text.
 */
export async function codeLayout(panel: Locator): Promise<{ underButton: number; clipped: boolean }> {
  return panel.evaluate((element) => {
    const pre = element.querySelector('[data-testid="source-code"]');
    const button = pre
      ?.closest('[data-component-name="CodeBlock/CodeBlock"]')
      ?.querySelector('[data-testid="copy-button"]');
    if (!pre || !button) throw new Error("no code block with a copy button in this panel");
    const b = button.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(pre);
    const underButton = [...range.getClientRects()].filter(
      (r) => r.width > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top,
    ).length;
    const style = getComputedStyle(pre);
    const clipped = pre.scrollWidth > pre.clientWidth + 1 && !["auto", "scroll"].includes(style.overflowX);
    return { underButton, clipped };
  });
}
