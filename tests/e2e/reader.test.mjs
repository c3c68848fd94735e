// The reading loop in the built app, against the local PDF host (the fixture server serving a
// real arXiv PDF from the shared fixtures; no network): `p` fetches the PDF with progress and
// opens the reader; a selection becomes a highlight with a comment; the app is killed and
// restarted and the highlight is where it was, with the reader back at the page it was left on;
// "Add to note" quotes it in the note; a word found only in the PDF's body lists the paper with
// its page, and opening the result opens the reader at that page with the word marked.
// Records the reader's first-page and page-render times (window.__papershelfReader) to
// tests/e2e/artifacts/reader-timings.json. Saves docs/screenshots/reader.png,
// reader-dark.png, reader-highlights.png and fulltext-result.png.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { ROOT, launch, libraryWith, screenshot, startFixtureServer } from "./support.mjs";

const ARXIV_ID = "2210.03629";
const SHARED_PDF = path.join(ROOT, "..", "shared", "fixtures", "pdf", `arxiv-${ARXIV_ID}v2.pdf`);
const TITLE = "ReAct: Synergizing Reasoning and Acting in Language Models";
// Only the PDF's body names the model; page 6 names it most often.
const BODY_WORD = "PaLM";
const BODY_PAGE = 6;
const SEED = JSON.stringify({
  id: ARXIV_ID,
  title: TITLE,
  abstract: "Reasoning traces and task-specific actions, interleaved, for question answering and decision making.",
  authors: "Shunyu Yao, Jeffrey Zhao, Dian Yu",
  categories: "cs.CL cs.AI cs.LG",
  versions: [
    { version: "v1", created: "Thu, 6 Oct 2022 01:00:00 GMT" },
    { version: "v2", created: "Sun, 27 Nov 2022 01:00:00 GMT" },
  ],
  update_date: "2022-11-27",
});

const byTestId = (id) => `[data-testid="${id}"]`;

describe("Reading: fetch, read, highlight, survive a crash, search inside", { timeout: 420_000 }, () => {
  let seed;
  let pdfs;
  let fixtures;
  let app;
  let browser;
  const timings = { firstPage: [], pageRenders: [], steps: [] };

  before(async () => {
    assert.ok(
      existsSync(SHARED_PDF),
      `${SHARED_PDF} is missing: the reader's e2e test reads a real arXiv PDF from the shared fixtures folder beside the project`,
    );
    pdfs = mkdtempSync(path.join(os.tmpdir(), "papershelf-e2e-pdfs-"));
    copyFileSync(SHARED_PDF, path.join(pdfs, `${ARXIV_ID}v2.pdf`));
    seed = libraryWith(`${SEED}\n`);
    fixtures = await startFixtureServer({ pdfs });
    app = await launch({ library: seed.library, env: fixtures.env });
    browser = app.browser;
  });

  after(async () => {
    if (browser) await collectTimings();
    mkdirSync(path.join(ROOT, "tests", "e2e", "artifacts"), { recursive: true });
    writeFileSync(path.join(ROOT, "tests", "e2e", "artifacts", "reader-timings.json"), JSON.stringify(timings, null, 2));
    await app?.stop();
    await fixtures?.stop();
    seed?.remove();
    if (pdfs) rmSync(pdfs, { recursive: true, force: true });
  });

  const text = (id) => browser.execute((s) => document.querySelector(s)?.textContent?.trim() ?? null, byTestId(id));
  const count = (selector) => browser.execute((s) => document.querySelectorAll(s).length, selector);

  async function collectTimings() {
    const t = await browser.execute(() => window.__papershelfReader ?? null).catch(() => null);
    if (t) {
      timings.firstPage.push(...t.firstPage);
      timings.pageRenders.push(...t.pageRenders);
      timings.steps.push(...(t.steps ?? []));
    }
  }

  async function selectPaper() {
    await browser.$(byTestId("result-row")).waitForDisplayed({ timeout: 30_000 });
    await browser.$(byTestId("result-row")).click();
    await browser.waitUntil(async () => (await text("detail-title")) === TITLE, { timeout: 10_000 });
  }

  /** Waits until the reader shows page `n` painted, with its text layer. */
  async function pagePainted(n, timeout = 30_000) {
    await browser.waitUntil(
      () =>
        browser.execute(
          (n) => {
            const page = document.querySelector(`[data-testid="reader-pages"] .page[data-page-number="${n}"]`);
            return !!page?.querySelector("canvas") && !!page.querySelector(".textLayer span");
          },
          n,
        ),
      { timeout, timeoutMsg: `page ${n} was never painted; the bar says: ${((await text("reader")) ?? "").slice(0, 200)}` },
    );
  }

  /** The first highlight's first mark, relative to its page, in CSS pixels. */
  const markBox = () =>
    browser.execute(() => {
      const mark = document.querySelector(".ps-mark");
      if (!mark) return null;
      const page = mark.closest(".page").getBoundingClientRect();
      const r = mark.getBoundingClientRect();
      return { page: Number(mark.closest(".page").dataset.pageNumber), left: r.left - page.left, top: r.top - page.top, width: r.width };
    });

  it("fetches the PDF with `p` and opens it in the reader", async () => {
    await selectPaper();
    await browser.keys("p");
    await browser.$(byTestId("reader")).waitForDisplayed({ timeout: 10_000 });
    await pagePainted(1, 60_000);
    assert.equal(await browser.$(byTestId("reader-page")).getValue(), "1");
    assert.match(await browser.execute(() => document.querySelector('[data-testid="reader"] .bar')?.textContent ?? ""), /\/ 31/);
    // Text comes from pdf.js's layer, selectable, in reading order.
    const layerText = await browser.execute(
      () => document.querySelector('.page[data-page-number="1"] .textLayer')?.textContent ?? "",
    );
    assert.match(layerText, /interleaved manner/);
    await screenshot(browser, "reader.png");
  });

  it("highlights a selection, comments on it, and lists it beside the page", async () => {
    // Select a phrase of page 1's text layer as a user's drag would, then let go.
    const selected = await browser.execute(() => {
      const layer = document.querySelector('.page[data-page-number="1"] .textLayer');
      const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.data.indexOf("interleaved manner");
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + "interleaved manner".length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        const r = range.getBoundingClientRect();
        document
          .querySelector('[data-testid="reader-pages"]')
          .dispatchEvent(new PointerEvent("pointerup", { bubbles: true, clientX: r.right, clientY: r.bottom }));
        return sel.toString();
      }
      return null;
    });
    assert.equal(selected, "interleaved manner");
    await browser.$(byTestId("highlight-popup")).waitForDisplayed({ timeout: 5_000 });
    await browser.$(byTestId("highlight-green")).click();
    await browser.waitUntil(async () => (await count(byTestId("highlight-item"))) === 1, {
      timeout: 10_000,
      timeoutMsg: `no highlight listed; notice: ${await text("reader-notice")}`,
    });
    await browser.waitUntil(async () => (await count(".ps-mark")) > 0, { timeout: 5_000, timeoutMsg: "no mark on the page" });
    const comment = await browser.$(byTestId("highlight-comment"));
    await comment.click();
    await comment.setValue("the key idea: think, act, observe");
    // Saved a moment after the last key.
    await browser.pause(1_500);
    assert.match(await text("highlight-item"), /p\. 1 · green/);
    assert.match(await text("highlight-item"), /interleaved manner/);
    await browser.$(byTestId("reader-pages")).click();
    await screenshot(browser, "reader-highlights.png");
  });

  it("keeps the highlight and the place through a crash", async () => {
    const before = await markBox();
    assert.ok(before, "the highlight's mark is on page 1");
    // Leave the reader on page 5, a moment for the place to be saved, then kill everything.
    await browser.$(byTestId("reader-page")).setValue("5");
    await browser.keys("Enter");
    await pagePainted(5);
    await browser.pause(1_500);
    await collectTimings();
    await app.kill();

    app = await launch({ library: seed.library, env: fixtures.env });
    browser = app.browser;
    await selectPaper();
    await browser.keys("p");
    await browser.$(byTestId("reader")).waitForDisplayed({ timeout: 10_000 });
    await pagePainted(5);
    assert.equal(await browser.$(byTestId("reader-page")).getValue(), "5");
    await browser.waitUntil(async () => (await count(byTestId("highlight-item"))) === 1, { timeout: 10_000 });
    assert.equal(
      await browser.execute(() => document.querySelector('[data-testid="highlight-comment"]').value),
      "the key idea: think, act, observe",
    );
    // Clicking it in the list goes back to it: the same place on page 1.
    await browser.$(`${byTestId("highlight-item")} button`).click();
    await pagePainted(1);
    await browser.waitUntil(async () => (await markBox()) !== null, { timeout: 10_000, timeoutMsg: "no mark after reopening" });
    const afterCrash = await markBox();
    assert.equal(afterCrash.page, 1);
    for (const k of ["left", "top", "width"]) {
      assert.ok(Math.abs(afterCrash[k] - before[k]) < 1.5, `${k}: ${afterCrash[k]} vs ${before[k]}`);
    }
  });

  it("adds the highlight to the paper's note", async () => {
    await browser.$(byTestId("add-to-note")).click();
    await browser.waitUntil(async () => /in the paper's note/.test((await text("reader-notice")) ?? ""), { timeout: 10_000 });
    await browser.keys("Escape");
    await browser.$(byTestId("reader")).waitForDisplayed({ reverse: true, timeout: 5_000 });
    await browser.waitUntil(
      async () => /interleaved manner/.test(await browser.execute(() => document.querySelector('[data-testid="note-input"]')?.value ?? "")),
      { timeout: 10_000, timeoutMsg: "the note has no quote" },
    );
    const note = await browser.execute(() => document.querySelector('[data-testid="note-input"]').value);
    assert.match(note, /> .*interleaved manner.*\(p\. 1\)/s);
    assert.match(note, /the key idea: think, act, observe/);
    // The list row says the paper has a PDF and one highlight.
    assert.equal(await text("row-pdf"), "PDF");
    assert.match(await text("row-highlights"), /1/);
  });

  it("finds a word only the PDF's body has, and opens the reader at its page", async () => {
    const search = await browser.$(byTestId("search-input"));
    await search.click();
    await search.setValue(BODY_WORD);
    await browser.$(byTestId("fulltext-snippet")).waitForDisplayed({ timeout: 15_000 });
    assert.match(await text("fulltext-snippet"), new RegExp(`^p\\. ${BODY_PAGE}\\b.*${BODY_WORD}`, "s"));
    await screenshot(browser, "fulltext-result.png");
    await browser.$(byTestId("result-row")).doubleClick();
    await browser.$(byTestId("reader")).waitForDisplayed({ timeout: 10_000 });
    await pagePainted(BODY_PAGE);
    await browser.waitUntil(async () => (await browser.$(byTestId("reader-page")).getValue()) === String(BODY_PAGE), {
      timeout: 10_000,
    });
    await browser.waitUntil(async () => /of \d+/.test((await text("reader-find-count")) ?? ""), {
      timeout: 15_000,
      timeoutMsg: `the word was not marked: ${await text("reader-find-count")}`,
    });
    assert.ok((await count(".textLayer .highlight")) > 0, "the word is marked on the page");
  });

  it("reads in the dark with the page inverted", async () => {
    // Esc closes the find bar, then the reader.
    await browser.keys("Escape");
    await browser.keys("Escape");
    await browser.$(byTestId("reader")).waitForDisplayed({ reverse: true, timeout: 5_000 });
    // The theme button cycles system → light → dark.
    for (let i = 0; i < 3 && (await browser.execute(() => document.documentElement.dataset.theme)) !== "dark"; i++) {
      await browser.$(byTestId("theme-toggle")).click();
    }
    assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "dark");
    await browser.$(byTestId("result-row")).click();
    await browser.keys("p");
    await browser.$(byTestId("reader")).waitForDisplayed({ timeout: 10_000 });
    // Still the search for the body's word: the reader opens at its page.
    await pagePainted(BODY_PAGE);
    await browser.keys("d");
    await browser.keys("d");
    assert.equal(await browser.execute(() => document.querySelector('[data-testid="reader"]').dataset.pageMode), "invert");
    await browser.pause(300);
    await screenshot(browser, "reader-dark.png");
  });

  it("renders the pages as they scroll into view, to the last one", async () => {
    await browser.keys("d");
    await browser.$(byTestId("reader-page")).setValue("1");
    await browser.keys("Enter");
    await pagePainted(1);
    const pages = 31;
    // A screenful at a time, as a reader paging down does, to the end.
    for (let i = 0; i < 200; i++) {
      const atEnd = await browser.execute(() => {
        const c = document.querySelector('[data-testid="reader-pages"]');
        c.scrollBy({ top: c.clientHeight * 0.9 });
        return c.scrollTop + c.clientHeight >= c.scrollHeight - 2;
      });
      await browser.pause(150);
      if (atEnd) break;
    }
    await pagePainted(pages);
    assert.equal(await browser.$(byTestId("reader-page")).getValue(), String(pages));
  });
});
