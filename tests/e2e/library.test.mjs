// The built app on a 3,000-paper library prepared with the CLI: the virtual list scrolls to the
// last paper (fetched page by page), facets narrow the list, a search is saved and run again from
// the sidebar, a BibTeX file and a saved Hugging Face page (under a file name full of markup) are
// imported through the (test-picked) file dialog with their reports, the list is exported, and the
// open mirror follows a change. Light and dark screenshots.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { facetsSettled, launch, libraryWith, ROOT, screenshot } from "./support.mjs";

const byTestId = (id) => `[data-testid="${id}"]`;
const PAPERS = 3000;
const HOSTILE_BIB = `@article{pwn2024,
  title = {Hostile <img src=x onerror="window.__pwned='bib-title'"> entry},
  author = {<script>window.__pwned='bib-author'</script> Mallory},
  keywords = {<svg/onload=window.__pwned='bib-tag'>},
  annote = {<img src=x onerror="window.__pwned='bib-note'">},
  year = {2024}
}

@article{<img src=x onerror="window.__pwned='bib-key'">,
  title = {Unclosed <script>window.__pwned='bib-broken'</script>
`;
// A valid Linux file name; the import report shows it.
const HOSTILE_PAGE_NAME = "<img src=x onerror=window.__pwned=1>.txt";
// The papers on crates/core/tests/fixtures/hf-pages/hf-search-encoding.txt (crates/cli/tests/cli.rs).
const PAGE_PAPERS = 35;
const WORDS = ["graph", "diffusion", "attention", "retrieval", "sparse", "kernel", "reward", "vision", "token", "memory"];

/** A deterministic corpus: every 7th paper is from 2019, titles mix a few topic words. */
function corpus() {
  const lines = [];
  let in2019 = 0;
  for (let i = 0; i < PAPERS; i++) {
    const year = i % 7 === 0 ? 2019 : 2020 + (i % 5);
    if (year === 2019) in2019++;
    const a = WORDS[i % WORDS.length];
    const b = WORDS[(i * 3 + 1) % WORDS.length];
    const month = String((i % 12) + 1).padStart(2, "0");
    lines.push(
      JSON.stringify({
        id: `${String(year).slice(2)}${month}.${String(10000 + i).padStart(5, "0")}`,
        title: `Paper ${i}: ${a} models for ${b} learning`,
        abstract: `We study ${a} and ${b} in paper number ${i}.`,
        authors: `Author ${i % 97} and Coauthor ${i % 89}`,
        categories: "cs.LG",
        versions: [{ version: "v1", created: `Mon, 2 ${["Jan", "Feb", "Mar"][i % 3]} ${year} 10:00:00 GMT` }],
        update_date: `${year}-${month}-02`,
      }),
    );
  }
  return { jsonl: lines.join("\n"), in2019 };
}

describe("A 3,000-paper library: scrolling, facets, saved searches, files", { timeout: 300_000 }, () => {
  const { jsonl, in2019 } = corpus();
  let seed;
  let app;
  let browser;
  let scratch;

  before(async () => {
    seed = libraryWith(jsonl);
    scratch = mkdtempSync(path.join(os.tmpdir(), "papershelf-e2e-files-"));
    // The file "dialogs" in turn: two files to import, where to export, the mirror folder.
    const picks = [
      path.join(ROOT, "crates", "core", "tests", "fixtures", "interop", "zotero.bib"),
      // A saved Hugging Face page (copied below) under a file name full of markup.
      path.join(scratch, HOSTILE_PAGE_NAME),
      path.join(scratch, "export.bib"),
      path.join(scratch, "mirror"),
      // A file of script payloads: a title, an author, a keyword, a note, a broken entry.
      path.join(scratch, "hostile.bib"),
    ];
    writeFileSync(path.join(scratch, "hostile.bib"), HOSTILE_BIB);
    const page = path.join(ROOT, "crates", "core", "tests", "fixtures", "hf-pages", "hf-search-encoding.txt");
    copyFileSync(page, path.join(scratch, HOSTILE_PAGE_NAME));
    app = await launch({ library: seed.library, env: { PAPERSHELF_TEST_PICK: picks.join(path.delimiter) } });
    browser = app.browser;
    await browser.$(byTestId("search-input")).waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(async () => (await total()) === PAPERS, {
      timeout: 30_000,
      timeoutMsg: "the prepared library never showed up",
    });
  });

  after(async () => {
    await app?.stop();
    seed?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const total = async () => {
    const text = await browser.execute(() => document.querySelector('[data-testid="result-summary"]')?.textContent ?? "");
    const m = text.replace(/,/g, "").match(/(\d+) (papers?|results?)/);
    return m ? Number(m[1]) : -1;
  };
  /** Waits until the facet counts are the shown answer's (they follow once typing pauses). */
  const freshFacets = () => facetsSettled(browser);
  const setQuery = async (q) => {
    const input = await browser.$(byTestId("search-input"));
    await input.click();
    await browser.execute(() => {
      const el = document.querySelector('[data-testid="search-input"]');
      el.select();
    });
    await browser.keys(["Backspace"]);
    if (q) await input.addValue(q);
  };

  it("scrolls the virtual list to the last paper, fetching pages as it goes", async () => {
    const drawn = await browser.execute(() => document.querySelectorAll('[data-testid="result-row"]').length);
    assert.ok(drawn > 3 && drawn < 60, `only the visible window is drawn, got ${drawn} rows`);
    await browser.execute(() => {
      const list = document.querySelector('[data-testid="result-list"]');
      list.scrollTop = list.scrollHeight;
      list.dispatchEvent(new Event("scroll"));
    });
    await browser.waitUntil(
      async () =>
        browser.execute(() => {
          const slots = [...document.querySelectorAll('[role="listitem"]')];
          const lastSlot = slots.find((s) => s.getAttribute("aria-posinset") === "3000");
          return Boolean(lastSlot?.querySelector('[data-testid="result-row"]'));
        }),
      { timeout: 20_000, timeoutMsg: "the last row never loaded" },
    );
    await screenshot(browser, "list-end.png");
  });

  it("narrows by a facet value and widens again", async () => {
    await browser.execute(() => {
      const list = document.querySelector('[data-testid="result-list"]');
      list.scrollTop = 0;
    });
    const chip = await browser.$(`${byTestId("facet-value")}[data-clause="year:2019"]`);
    await chip.waitForDisplayed({ timeout: 10_000 });
    assert.match(await chip.getText(), new RegExp(`${in2019.toLocaleString("en-US")}$`));
    await chip.click();
    await browser.waitUntil(async () => (await total()) === in2019, {
      timeout: 10_000,
      timeoutMsg: `year:2019 should leave ${in2019} papers`,
    });
    assert.equal(await browser.$(byTestId("search-input")).getValue(), "year:2019");
    await freshFacets();
    await screenshot(browser, "facets.png");
    await browser.$(`${byTestId("facet-value")}[data-clause="year:2019"]`).click();
    await browser.waitUntil(async () => (await total()) === PAPERS, { timeout: 10_000 });
  });

  it("saves a search and runs it again from the sidebar", async () => {
    await setQuery("diffusion");
    await browser.waitUntil(async () => (await total()) > 0 && (await total()) < PAPERS, { timeout: 10_000 });
    const hits = await total();
    await browser.$(byTestId("save-search")).click();
    const name = await browser.$(byTestId("name-prompt-input"));
    await name.waitForDisplayed();
    await browser.execute(() => document.querySelector('[data-testid="name-prompt-input"]').select());
    // The name is the user's own text, but it is shown wherever the sidebar is: markup stays text.
    const savedName = "Diffusion <img src=x onerror=window.__pwned='saved'> reading";
    await name.addValue(savedName);
    await browser.keys(["Enter"]);
    const saved = await browser.$(byTestId("saved-search"));
    await saved.waitForExist({ timeout: 10_000 });
    await browser.waitUntil(
      async () => (await browser.execute(() => document.querySelector('[data-testid="saved-search"]')?.textContent?.trim())) === savedName,
      { timeout: 10_000, timeoutMsg: "the saved search is not in the sidebar" },
    );
    assert.equal(await browser.execute(() => document.querySelectorAll('[data-testid="saved-search"] img').length), 0);
    assert.equal(await browser.execute(() => window.__pwned ?? null), null);

    await setQuery("");
    await browser.waitUntil(async () => (await total()) === PAPERS, { timeout: 10_000 });
    await saved.click();
    await browser.waitUntil(async () => (await total()) === hits, { timeout: 10_000 });
    assert.equal(await browser.$(byTestId("search-input")).getValue(), "diffusion");
    await setQuery("");
    await browser.waitUntil(async () => (await total()) === PAPERS, { timeout: 10_000 });
  });

  it("groups papers into a collection, scopes the list to it, renames and deletes it", async () => {
    const sidebarCollections = () =>
      browser.execute(() => [...document.querySelectorAll('[data-testid="collection-count"]')].map((b) => b.textContent));
    // Three papers: the first row, then x and J twice mark it and the two below.
    const rows = await browser.$$(byTestId("result-row"));
    await rows[0].click();
    // One key at a time: an array is one chord (all held down together).
    for (const key of ["x", "J", "J"]) await browser.keys(key);
    await browser.waitUntil(async () => (await browser.$(byTestId("marked-count")).getText()) === "3 selected", {
      timeout: 5_000,
      timeoutMsg: "x and J did not mark three papers",
    });
    await browser.keys("c");
    const name = await browser.$(byTestId("name-prompt-input"));
    await name.waitForDisplayed({ timeout: 5_000 });
    await name.addValue("Reading group");
    await browser.keys(["Enter"]);
    await browser.waitUntil(async () => (await sidebarCollections()).join() === "Reading group3", {
      timeout: 10_000,
      timeoutMsg: "the sidebar does not list the new collection with its 3 papers",
    });
    await browser.keys(["Escape"]);

    // The sidebar entry scopes the list; the open paper shows the collection it is in.
    await browser.$(byTestId("collection-count")).click();
    await browser.waitUntil(async () => (await total()) === 3, { timeout: 10_000, timeoutMsg: "the list is not the collection" });
    await (await browser.$$(byTestId("result-row")))[0].click();
    await browser.waitUntil(
      async () => (await browser.execute(() => document.querySelector('[data-testid="detail-collection"] button')?.textContent)) === "Reading group",
      { timeout: 10_000, timeoutMsg: "the detail pane does not show the paper's collection" },
    );
    await browser.execute(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : null));
    await freshFacets();
    await screenshot(browser, "collections.png");

    // A rename to a name full of markup: the list stays scoped, the name stays text. Rename and
    // delete show where the count was while the pointer is on the collection.
    await browser.$(byTestId("collection-count")).moveTo();
    await browser.$(byTestId("collection-rename")).click();
    await name.waitForDisplayed({ timeout: 5_000 });
    await browser.execute(() => document.querySelector('[data-testid="name-prompt-input"]').select());
    await name.addValue("<img src=x onerror=window.__pwned='collection'> group");
    await browser.keys(["Enter"]);
    await browser.waitUntil(
      async () => (await sidebarCollections()).join() === "<img src=x onerror=window.__pwned='collection'> group3",
      { timeout: 10_000, timeoutMsg: "the sidebar does not show the renamed collection" },
    );
    assert.equal(await total(), 3);
    const injected = await browser.execute(
      () => document.querySelectorAll('[data-testid="collection-list"] img, [data-testid="detail-collections"] img').length,
    );
    assert.equal(injected, 0, "a collection name became an element");
    assert.equal(await browser.execute(() => window.__pwned ?? null), null);

    // Deleting asks first, keeps the papers, and the list widens to the whole library.
    await browser.$(byTestId("collection-count")).moveTo();
    await browser.$(byTestId("collection-delete")).click();
    const confirm = await browser.$(byTestId("confirm-button"));
    await confirm.waitForDisplayed({ timeout: 5_000 });
    await confirm.click();
    await browser.waitUntil(async () => (await total()) === PAPERS, { timeout: 10_000, timeoutMsg: "the list stayed scoped" });
    assert.deepEqual(await sidebarCollections(), []);
  });

  it("imports a BibTeX file through the file dialog and reports every entry", async () => {
    await browser.$(byTestId("import-file")).click();
    const report = await browser.$(byTestId("import-report"));
    await report.waitForDisplayed({ timeout: 20_000 });
    const text = await report.getText();
    assert.match(text, /Imported zotero\.bib/);
    assert.match(text, /Read as BibTeX/);
    const entries = await browser.$$(byTestId("import-entry"));
    assert.ok(entries.length > 0, "the report lists the entries");
    const added = Number(
      (await browser.execute(() => document.querySelector('[data-testid="import-counts"] strong')?.textContent ?? "0")).replace(/\D/g, ""),
    );
    assert.ok(added > 0, "the Zotero file adds papers");
    await screenshot(browser, "import-report.png");
    await browser.$(byTestId("import-report-close")).click();
    await browser.waitUntil(async () => (await total()) === PAPERS + added, {
      timeout: 10_000,
      timeoutMsg: "the list did not grow by the imported papers",
    });
  });

  it("imports a saved Hugging Face page whose file name is markup, showing the name as text", async () => {
    const before = await total();
    await browser.$(byTestId("import-file")).click();
    const report = await browser.$(byTestId("import-report"));
    await report.waitForDisplayed({ timeout: 20_000 });
    const text = await browser.execute(() => document.querySelector('[data-testid="import-report"]').textContent);
    assert.ok(text.includes(`Imported ${HOSTILE_PAGE_NAME}`), `the report does not name the file as text: ${text.slice(0, 200)}`);
    assert.match(text, /Read as Hugging Face page/);
    const added = await browser.execute(() => document.querySelector('[data-testid="import-counts"] strong')?.textContent);
    assert.equal(added, String(PAGE_PAPERS));
    const injected = await browser.execute(
      () => document.querySelectorAll('[data-testid="import-report"] :is(img, svg, iframe, script, object, embed)').length,
    );
    assert.equal(injected, 0, "the file name became an element");
    assert.equal(await browser.execute(() => window.__pwned ?? null), null);
    await browser.$(byTestId("import-report-close")).click();
    await browser.waitUntil(async () => (await total()) === before + PAGE_PAPERS, {
      timeout: 10_000,
      timeoutMsg: `the list did not grow by the page's ${PAGE_PAPERS} papers`,
    });
  });

  it("exports the current list as BibTeX", async () => {
    await setQuery("diffusion");
    await browser.waitUntil(async () => (await total()) < PAPERS, { timeout: 10_000 });
    const shown = await total();
    await browser.$(byTestId("export-list")).click();
    await browser.$(byTestId("export-go")).waitForDisplayed();
    await browser.$(byTestId("export-go")).click();
    const file = path.join(scratch, "export.bib");
    await browser.waitUntil(async () => existsSync(file), { timeout: 20_000, timeoutMsg: "nothing was exported" });
    const bib = readFileSync(file, "utf8");
    assert.equal((bib.match(/^@\w+\{/gm) ?? []).length, shown);
    const notice = await browser.$(byTestId("triage-notice"));
    await browser.waitUntil(async () => (await notice.getText()).includes(`Exported ${shown} papers`), { timeout: 10_000 });
    await setQuery("");
  });

  it("keeps the open mirror in step after a change", async () => {
    await browser.$(byTestId("mirror-enable")).click();
    const dir = path.join(scratch, "mirror");
    await browser.waitUntil(async () => existsSync(path.join(dir, "library.bib")), {
      timeout: 30_000,
      timeoutMsg: "the mirror was not written",
    });
    // The files land before the command returns and the panel shows its status.
    await browser.waitUntil(async () => /Mirror in/.test(await browser.$(byTestId("mirror-status")).getText()), {
      timeout: 10_000,
      timeoutMsg: "the files panel never said where the mirror is",
    });
    // Tag the first paper; the mirror follows a couple of seconds later.
    await browser.$(byTestId("result-row")).click();
    const input = await browser.$(byTestId("tag-input"));
    await input.waitForDisplayed();
    await input.addValue("mirrored-tag");
    await browser.keys(["Enter"]);
    await browser.waitUntil(async () => readFileSync(path.join(dir, "library.bib"), "utf8").includes("mirrored-tag"), {
      timeout: 30_000,
      timeoutMsg: "the mirror never picked up the new tag",
    });
  });

  it("completes tags from the library", async () => {
    const input = await browser.$(byTestId("tag-input"));
    const rows = await browser.$$(byTestId("result-row"));
    await rows[1].click();
    await input.waitForDisplayed();
    await input.click();
    await input.addValue("mirr");
    const suggestion = await browser.$(byTestId("tag-suggestion"));
    await suggestion.waitForDisplayed({ timeout: 5_000 });
    assert.equal(await suggestion.getText(), "#mirrored-tag");
    await browser.keys(["ArrowDown", "Enter"]);
    assert.equal(await input.getValue(), "mirrored-tag");
    await browser.keys(["Enter"]);
    await browser.waitUntil(
      async () => (await browser.execute(() => [...document.querySelectorAll('[data-testid="detail-tag"]')].map((t) => t.textContent))).some((t) => t.includes("mirrored-tag")),
      { timeout: 10_000 },
    );
  });

  it("looks right in the dark theme too", async () => {
    // system -> light -> dark
    await browser.$(byTestId("theme-toggle")).click();
    await browser.$(byTestId("theme-toggle")).click();
    assert.equal(await browser.execute(() => document.documentElement.dataset.theme), "dark");
    await setQuery("graph");
    await browser.waitUntil(async () => (await total()) > 0, { timeout: 10_000 });
    await freshFacets();
    await screenshot(browser, "facets-dark.png");

    // A file full of script payloads: the report and the list show them as text, nothing runs.
    await browser.$(byTestId("import-file")).click();
    await browser.$(byTestId("import-report")).waitForDisplayed({ timeout: 20_000 });
    const report = await browser.execute(() => document.querySelector('[data-testid="import-report"]').textContent);
    assert.match(report, /Hostile <img src=x onerror=/);
    assert.match(report, /1 skipped/);
    await screenshot(browser, "import-report-dark.png");
    await browser.$(byTestId("import-report-close")).click();
    await setQuery("hostile");
    await browser.waitUntil(async () => (await total()) === 1, { timeout: 10_000 });
    await freshFacets();
    await browser.$(byTestId("result-row")).click();
    await browser.$(byTestId("detail-title")).waitForDisplayed();
    const injected = await browser.execute(
      () =>
        document.querySelectorAll(
          ["result-list", "detail-pane", "tag-list", "facets", "import-report"]
            .map((id) => `[data-testid="${id}"] :is(img, svg, iframe, script, object, embed)`)
            .join(", "),
        ).length,
    );
    assert.equal(injected, 0, "markup from the imported file became elements");
    assert.equal(await browser.execute(() => window.__pwned ?? null), null);

    await browser.keys(["Control", "k"]);
    await browser.$(byTestId("palette-input")).waitForDisplayed({ timeout: 5_000 });
    await browser.$(byTestId("palette-input")).setValue("export");
    await screenshot(browser, "palette-dark.png");
    await browser.keys(["Escape"]);
    // Back to following the system: the choice is remembered for the next launches.
    await browser.$(byTestId("theme-toggle")).click();
  });
});
