// The built app, driven through tauri-driver: search the demo library, open a paper, tag it,
// set its status and note (autosaved), and check that markup in a tag stays text. Saves the README's
// screenshots to docs/screenshots/.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { demoPaperCount, facetsSettled, launch, screenshot } from "./support.mjs";

const QUERY = "positional encodings";
const TITLE = "On the Stability of Expressive Positional Encodings for Graph Neural Networks";
const XSS_TAG = "<img/src=x/onerror=alert(1)>";

const byTestId = (id) => `[data-testid="${id}"]`;

/**
 * The text of every element matching `selector`: textContent, not WebDriver's getText(), whose
 * visibility heuristics drop ellipsised text. The screenshots are where we look at what is visible.
 */
const textsIn = (browser, selector) =>
  browser.execute((s) => [...document.querySelectorAll(s)].map((el) => (el.textContent ?? "").trim()), selector);


describe("Papershelf desktop window", { timeout: 180_000 }, () => {
  let app;
  let browser;

  before(async () => {
    app = await launch();
    browser = app.browser;
  });

  after(async () => {
    await app?.stop();
  });

  const texts = (selector) => textsIn(browser, selector);


  it("opens on the seeded demo library with the search box focused", async () => {
    const input = await browser.$(byTestId("search-input"));
    await input.waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(async () => (await browser.$$(byTestId("result-row"))).length > 0, {
      timeout: 30_000,
      timeoutMsg: "the demo library never showed up",
    });
    const all = await browser.$(byTestId("status-count-all")).getText();
    const demo = demoPaperCount();
    assert.equal(Number(all.replace(/\D/g, "")), demo, `expected the ${demo} demo papers, sidebar says "${all}"`);
    assert.equal(await browser.execute(() => document.activeElement?.getAttribute("data-testid")), "search-input");
    const library = await browser.execute(() => document.body.textContent ?? "");
    assert.ok(!library.includes("Your library is empty"));
  });

  it("runs under the strict CSP (no eval, no inline code)", async () => {
    const outcome = await browser.execute(() => {
      try {
        return String((0, eval)("1 + 1"));
      } catch (err) {
        return err instanceof Error ? err.name : String(err);
      }
    });
    assert.equal(outcome, "EvalError");
    // Nothing relies on inline <style> or <script>, which style-src/script-src 'self' block. (The
    // virtual list places rows through the CSSOM, which CSP does not govern.)
    const inline = await browser.execute(() => document.querySelectorAll("style, script:not([src])").length);
    assert.equal(inline, 0);
    // ...and those positions took effect: rows stack downwards.
    const tops = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="result-row"]')].slice(0, 3).map((r) => r.getBoundingClientRect().top),
    );
    assert.ok(tops.length === 3 && tops[0] < tops[1] && tops[1] < tops[2], `rows overlap: ${tops}`);
  });

  it("finds a paper as you type and marks the matched words", async () => {
    const input = await browser.$(byTestId("search-input"));
    await input.setValue(QUERY);
    await browser.waitUntil(async () => (await texts(byTestId("result-title"))).includes(TITLE), {
      timeout: 10_000,
      timeoutMsg: `"${TITLE}" is not among the results for "${QUERY}"`,
    });
    const summary = await browser.$(byTestId("result-summary")).getText();
    assert.match(summary, /\d+ results?/);
    const marks = await texts(`${byTestId("result-list")} mark`);
    assert.ok(marks.some((m) => /positional/i.test(m)), `no <mark> for "positional": ${marks.slice(0, 5)}`);
    // The facet counts follow the rows once typing pauses: they must be this query's.
    await facetsSettled(browser);
    await screenshot(browser, "search.png");
  });

  it("opens the paper in the detail pane", async () => {
    const rows = await browser.$$(byTestId("result-row"));
    let target = null;
    for (const row of rows) {
      if ((await row.$(byTestId("result-title")).getText()) === TITLE) target = row;
    }
    assert.ok(target, "row not found");
    await target.click();
    const title = await browser.$(byTestId("detail-title"));
    await title.waitUntil(async function () {
      return (await this.getText()) === TITLE;
    }, { timeout: 10_000, timeoutMsg: "the detail pane never showed the paper" });
    const abstract = await browser.$(byTestId("detail-abstract")).getText();
    assert.match(abstract, /^Designing effective positional encodings for graphs/);
    assert.match(abstract, /Stable and Expressive Positional Encodings \(SPE\)/);
  });

  it("tags the paper, sets its status and saves a note", async () => {
    const tagInput = await browser.$(byTestId("tag-input"));
    await tagInput.setValue("graphs");
    await browser.keys("Enter");
    await browser.waitUntil(async () => (await texts(byTestId("detail-tag"))).some((t) => t.startsWith("#graphs")), {
      timeout: 10_000,
      timeoutMsg: "the tag never appeared in the detail pane",
    });
    // The row and the sidebar follow without a reload.
    await browser.waitUntil(async () => (await texts(byTestId("row-tag"))).includes("#graphs"), { timeout: 5_000 });
    await browser.waitUntil(async () => (await texts(byTestId("tag-count"))).some((t) => t.startsWith("#graphs")), {
      timeout: 5_000,
    });

    const toReadBefore = Number((await browser.$(byTestId("status-count-to-read")).getText()).replace(/\D/g, ""));
    await browser.$(byTestId("status-select")).selectByAttribute("value", "to-read");
    await browser.waitUntil(
      async () =>
        Number((await browser.$(byTestId("status-count-to-read")).getText()).replace(/\D/g, "")) === toReadBefore + 1,
      { timeout: 5_000, timeoutMsg: "the sidebar's To read count did not go up" },
    );

    const note = await browser.$(byTestId("note-input"));
    await note.setValue("Compare SPE with **SignNet** on ZINC.");
    // Saved as typed, without a button.
    await browser.waitUntil(async () => (await browser.$(byTestId("note-state")).getText()).startsWith("Saved"), {
      timeout: 5_000,
      timeoutMsg: "the note was not saved",
    });
    // Show the pane from its title, and the selected row rather than a text cursor.
    await browser.execute(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      document.querySelector('[data-testid="detail-scroller"]')?.scrollTo(0, 0);
    });
    await screenshot(browser, "detail.png");
  });

  it("shows markup in a tag as text and creates no element from it", async () => {
    const tagInput = await browser.$(byTestId("tag-input"));
    await tagInput.setValue(XSS_TAG);
    await browser.keys("Enter");
    await browser.waitUntil(async () => (await texts(byTestId("detail-tag"))).some((t) => t.includes(XSS_TAG)), {
      timeout: 10_000,
      timeoutMsg: "the tag was not added",
    });
    await browser.waitUntil(async () => (await texts(byTestId("row-tag"))).includes(`#${XSS_TAG}`), { timeout: 5_000 });
    const injected = await browser.execute(
      () =>
        document.querySelectorAll(
          '[data-testid="detail-pane"] img, [data-testid="result-list"] img, [data-testid="tag-list"] img',
        ).length,
    );
    assert.equal(injected, 0);
    // An alert would have left a modal dialog open; WebDriver reports "no such alert" otherwise.
    await assert.rejects(() => browser.getAlertText());
    await browser.$(`${byTestId("tag-remove")}[aria-label="Remove tag ${XSS_TAG}"]`).click();
    await browser.waitUntil(async () => !(await texts(byTestId("detail-tag"))).some((t) => t.includes(XSS_TAG)), {
      timeout: 5_000,
    });
  });
});

describe("Papershelf in a dark desktop theme", { timeout: 120_000 }, () => {
  let app;

  before(async () => {
    // WebKitGTK reports prefers-color-scheme: dark under a dark GTK theme.
    app = await launch({ env: { GTK_THEME: "Adwaita:dark" } });
  });

  after(async () => {
    await app?.stop();
  });

  it("follows prefers-color-scheme with its own dark palette", async () => {
    const browser = app.browser;
    const input = await browser.$(byTestId("search-input"));
    await input.waitForDisplayed({ timeout: 30_000 });
    assert.equal(await browser.execute(() => matchMedia("(prefers-color-scheme: dark)").matches), true);
    const background = await browser.execute(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, "rgb(20, 21, 24)");
    await input.setValue(QUERY);
    // Click the row only once this query's results have replaced the initial list: a row
    // taken earlier can be re-rendered away between the lookup and the click.
    await browser.waitUntil(async () => (await textsIn(browser, byTestId("result-title"))).includes(TITLE), {
      timeout: 10_000,
      timeoutMsg: `"${TITLE}" is not among the results for "${QUERY}"`,
    });
    await facetsSettled(browser);
    let row = null;
    for (const candidate of await browser.$$(byTestId("result-row"))) {
      if ((await candidate.$(byTestId("result-title")).getText()) === TITLE) row = candidate;
    }
    assert.ok(row, "row not found");
    await row.click();
    await browser.$(byTestId("detail-title")).waitUntil(async function () {
      return (await this.getText()) === TITLE;
    }, { timeout: 10_000, timeoutMsg: "the detail pane never showed the paper" });
    await browser.execute(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : null));
    await screenshot(browser, "detail-dark.png");
  });
});
