// Coming from Zotero in the built app: "Import from Zotero…" in the sidebar's Files section, the
// data directory chosen in the (scripted) folder dialog, progress, then the report; the imported
// paper has its note, tags and collection path, and its PDF opens in the reader with Zotero's
// highlight, underline and drawing where Zotero put them. The Zotero data directory is written
// by `papershelf-zotero-fixture` around the real arXiv PDF from the shared fixtures. Saves
// docs/screenshots/zotero-report.png and zotero-highlight.png.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { ROOT, launch, libraryWith, screenshot } from "./support.mjs";

const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
const ZOTERO_FIXTURE = path.join(TARGET, "debug", "papershelf-zotero-fixture");
const SHARED_PDF = path.join(ROOT, "..", "shared", "fixtures", "pdf", "arxiv-2210.03629v2.pdf");
const TITLE = "ReAct: Synergizing Reasoning and Acting in Language Models";

const byTestId = (id) => `[data-testid="${id}"]`;

describe("Coming from Zotero: import, report, highlights in the reader", { timeout: 300_000 }, () => {
  let scratch;
  let seed;
  let app;
  let browser;

  before(async () => {
    assert.ok(existsSync(SHARED_PDF), `${SHARED_PDF} is missing: this test reads a real arXiv PDF from the shared fixtures`);
    assert.ok(existsSync(ZOTERO_FIXTURE), `${ZOTERO_FIXTURE} is missing: build it first (scripts/e2e.sh does)`);
    scratch = mkdtempSync(path.join(os.tmpdir(), "papershelf-e2e-zotero-"));
    const data = path.join(scratch, "Zotero");
    execFileSync(ZOTERO_FIXTURE, ["--out", data, "--pdf", SHARED_PDF]);
    // A library of one unrelated paper, so every Zotero item is new to it.
    seed = libraryWith(
      `${JSON.stringify({
        id: "1706.03762",
        title: "Attention Is All You Need",
        abstract: "The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.",
        authors: "Ashish Vaswani, Noam Shazeer",
        categories: "cs.CL cs.LG",
        versions: [{ version: "v1", created: "Mon, 12 Jun 2017 17:57:34 GMT" }],
        update_date: "2017-06-12",
      })}\n`,
    );
    // The folder dialog cannot be driven; debug builds pick this folder instead.
    app = await launch({ library: seed.library, env: { PAPERSHELF_TEST_PICK: data } });
    browser = app.browser;
  });

  after(async () => {
    await app?.stop();
    seed?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const text = (sel) => browser.execute((s) => document.querySelector(s)?.textContent?.trim() ?? null, sel);
  const count = (sel) => browser.execute((s) => document.querySelectorAll(s).length, sel);

  it("imports the Zotero library and reports what it brought", async () => {
    await browser.$(byTestId("import-zotero")).waitForDisplayed({ timeout: 30_000 });
    await browser.$(byTestId("import-zotero")).click();
    await browser.$(byTestId("zotero-import")).waitForDisplayed({ timeout: 10_000 });
    await browser.$(byTestId("zotero-choose")).click();
    await browser.$(byTestId("zotero-counts")).waitForDisplayed({ timeout: 60_000 });
    const counts = await text(byTestId("zotero-counts"));
    assert.match(counts, /3 added/);
    assert.match(counts, /0 skipped/);
    const files = await text(byTestId("zotero-file-counts"));
    assert.match(files, /1 PDFs copied/);
    assert.match(files, /3 highlights and notes/);
    assert.match(files, /1 files missing/);
    assert.equal(await count(byTestId("zotero-entry")), 3);
    await screenshot(browser, "zotero-report.png");
  });

  it("opens the imported paper with its note, tags and collection", async () => {
    const clicked = await browser.execute((title) => {
      const link = [...document.querySelectorAll('[data-testid="zotero-entry"] button')].find((b) => b.textContent.trim() === title);
      link?.click();
      return !!link;
    }, TITLE);
    assert.ok(clicked, "the report links the paper");
    await browser.waitUntil(async () => (await text(byTestId("detail-title"))) === TITLE, { timeout: 10_000 });
    const detail = await text(byTestId("detail-pane"));
    const note = await browser.execute(() => document.querySelector('[data-testid="note-input"]')?.value ?? "");
    assert.match(note, /# Why it matters/);
    assert.match(note, /Compare with chain-of-thought/);
    assert.match(detail, /agents/);
    assert.match(detail, /Thesis\/Chapter 2/);
  });

  it("shows Zotero's highlight, underline and drawing on the PDF", async () => {
    await browser.$(byTestId("detail-read")).click();
    await browser.$(byTestId("reader")).waitForDisplayed({ timeout: 10_000 });
    await browser.waitUntil(
      () => browser.execute(() => !!document.querySelector('.page[data-page-number="1"] .textLayer span')),
      { timeout: 60_000, timeoutMsg: "page 1 was never painted" },
    );
    await browser.waitUntil(async () => (await count(byTestId("highlight-item"))) === 3, { timeout: 10_000 });
    await browser.waitUntil(async () => (await count(".ps-mark")) >= 2, { timeout: 10_000, timeoutMsg: "no marks drawn" });
    assert.equal(await count(".ps-mark.ps-underline"), 1);
    assert.equal(await count(".ps-ink polyline"), 1);
    await screenshot(browser, "zotero-highlight.png");
    // The highlight lies on the line of the words Zotero highlighted.
    const covered = await browser.execute(() => {
      const mark = document.querySelector(".ps-mark:not(.ps-underline)").getBoundingClientRect();
      const x = mark.left + mark.width / 2;
      const y = mark.top + mark.height / 2;
      return [...document.querySelectorAll('.page[data-page-number="1"] .textLayer span')]
        .filter((s) => {
          const r = s.getBoundingClientRect();
          return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
        })
        .map((s) => s.textContent)
        .join(" ");
    });
    assert.match(covered, /LLMs/, `the highlight covers: ${JSON.stringify(covered)}`);
    const items = await browser.execute(() => [...document.querySelectorAll('[data-testid="highlight-item"] .where')].map((e) => e.textContent));
    assert.deepEqual(items.sort(), ["p. 1 · drawing", "p. 1 · underline, blue", "p. 1 · yellow"]);
    const comments = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="highlight-comment"]')].map((c) => c.value),
    );
    assert.ok(comments.includes("The paper's question, in one line."), JSON.stringify(comments));
  });
});
