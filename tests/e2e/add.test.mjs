// Papers from the sources in the built app, against the recorded-API fixture server (no network):
// add by arXiv URL, see it selected; an invalid id shows its error as text. Then the sidebar's
// feeds: follow a Hugging Face search, Sync now with its progress and new papers; a failing source
// shows its error with Retry, which succeeds once the source is back; feed queries full of markup
// stay text. Saves docs/screenshots/add.png and feeds.png.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { launch, libraryWith, screenshot, startFixtureServer } from "./support.mjs";

// The recorded arXiv answer for a single unknown id is empty, so the app falls back to Hugging
// Face's recorded paper (crates/core/tests/fixtures/api/hf/paper-2310.02579.json).
const URL_INPUT = "https://arxiv.org/abs/2310.02579";
const TITLE = "On the Stability of Expressive Positional Encodings for Graph Neural Networks";
// The recorded HF search (hf/search-q-positional-encoding.json) holds 8 papers; one of them is the
// paper added above.
const FEED_QUERY = "positional encoding";
const FEED_NEW = 7;
const HOSTILE_QUERY = "<img src=x onerror=window.__pwned='feed'>";

// A small prepared library rather than the demo one, whose pages hold the search's papers already.
const SEED_IDS = ["2301.00001", "2301.00002", "2301.00003"];
const SEED = SEED_IDS
  .map((id, i) =>
    JSON.stringify({
      id,
      title: `Seed paper ${i} on quokka retrieval`,
      abstract: `A paper in the prepared library, number ${i}.`,
      authors: "Ada Lovelace",
      categories: "cs.LG",
      versions: [{ version: "v1", created: "Mon, 2 Jan 2023 10:00:00 GMT" }],
      update_date: "2023-01-02",
    }),
  )
  .join("\n");

const byTestId = (id) => `[data-testid="${id}"]`;

describe("Papers from the sources: adding by id, feeds and Sync now", { timeout: 240_000 }, () => {
  let seed;
  let fixtures;
  let app;
  let browser;

  before(async () => {
    seed = libraryWith(SEED);
    fixtures = await startFixtureServer({ control: true });
    app = await launch({ library: seed.library, env: fixtures.env });
    browser = app.browser;
  });

  after(async () => {
    await app?.stop();
    await fixtures?.stop();
    seed?.remove();
  });

  const text = (id) => browser.execute((s) => document.querySelector(s)?.textContent?.trim() ?? null, byTestId(id));
  const texts = (id) =>
    browser.execute((s) => [...document.querySelectorAll(s)].map((el) => (el.textContent ?? "").trim()), byTestId(id));
  const total = async () => {
    const m = ((await text("result-summary")) ?? "").replace(/,/g, "").match(/(\d+) (papers?|results?)/);
    return m ? Number(m[1]) : -1;
  };
  /** Elements made from markup in the feeds panel; there should be none. */
  const injected = () =>
    browser.execute(
      () => document.querySelectorAll('[data-testid="feeds"] :is(img, svg, iframe, script, object, embed)').length,
    );
  const syncDone = (timeoutMsg) =>
    browser.$(byTestId("sync-now")).waitForDisplayed({ timeout: 90_000, timeoutMsg });

  async function submit(input) {
    const field = await browser.$(byTestId("add-input"));
    await field.waitForDisplayed({ timeout: 10_000 });
    await field.setValue(input);
    await browser.keys("Enter");
  }

  async function follow(kind, query) {
    if (!(await browser.$(byTestId("feed-form")).isExisting())) await browser.$(byTestId("feed-follow")).click();
    await browser.$(byTestId("feed-kind")).selectByAttribute("value", kind);
    await browser.$(byTestId("feed-query")).setValue(query);
    await browser.$(byTestId("feed-add")).click();
  }

  it("adds the paper from the sources and selects it", async () => {
    await browser.$(byTestId("search-input")).waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(async () => (await total()) === SEED_IDS.length, {
      timeout: 30_000,
      timeoutMsg: "the prepared library never showed up",
    });
    await browser.$(byTestId("add-toggle")).click();
    await submit(URL_INPUT);
    await browser.waitUntil(async () => (await text("detail-title")) === TITLE, {
      timeout: 30_000,
      timeoutMsg: `"${TITLE}" was never selected; add-error: ${await text("add-error")}`,
    });
    // The prepared library does not hold the paper: it is new, and the list grows by one.
    assert.equal(await text("add-status"), "Added to Inbox");
    await browser.waitUntil(async () => (await total()) === SEED_IDS.length + 1, {
      timeout: 10_000,
      timeoutMsg: `the list did not grow to ${SEED_IDS.length + 1}: ${await text("result-summary")}`,
    });
    assert.equal(await text("add-error"), null);
    await screenshot(browser, "add.png");
  });

  it("shows an invalid id's error as text", async () => {
    await submit("not-an-arxiv-id");
    const error = await browser.$(byTestId("add-error"));
    await error.waitForExist({ timeout: 10_000 });
    const message = await text("add-error");
    assert.match(message, /arXiv id/);
    assert.equal(await browser.execute((s) => document.querySelector(s).children.length, byTestId("add-error")), 0);
    // The paper added before stays selected.
    assert.equal(await text("detail-title"), TITLE);
    await browser.keys("Escape");
  });

  it("follows feeds, showing a refused query and a followed one full of markup as text", async () => {
    // An arXiv category is checked: the refusal quotes the payload, as text.
    await follow("arxiv-category", HOSTILE_QUERY);
    await browser.waitUntil(async () => (await texts("sync-error")).some((t) => t.includes("not an arXiv category")), {
      timeout: 10_000,
      timeoutMsg: "the refused category showed no error",
    });
    const refusal = (await texts("sync-error")).find((t) => t.includes("not an arXiv category"));
    assert.ok(refusal.includes(HOSTILE_QUERY), `the refusal does not quote the query as text: ${refusal}`);
    assert.deepEqual(await texts("feed"), []);

    await follow("hf-search", FEED_QUERY);
    await browser.waitUntil(async () => (await texts("feed")).length === 1, { timeout: 10_000 });
    assert.deepEqual(await texts("sync-error"), [], "a followed feed clears the refusal");
    // A Hugging Face search takes any text: the payload is followed and listed as text.
    await follow("hf-search", HOSTILE_QUERY);
    await browser.waitUntil(async () => (await texts("feed")).length === 2, { timeout: 10_000 });
    assert.deepEqual(await texts("feed-label"), [`HF search ${FEED_QUERY}`, `HF search ${HOSTILE_QUERY}`]);
    assert.equal(await injected(), 0, "a feed query became an element");
    assert.equal(await browser.execute(() => window.__pwned ?? null), null);
  });

  it("syncs the feeds with progress per source and shows the new papers", async () => {
    const before = await total();
    // The sync is quick against local fixtures: record every progress line and any element added.
    await browser.execute(() => {
      window.__progress = [];
      window.__added = 0;
      const feeds = document.querySelector('[data-testid="feeds"]');
      new MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes) if (n instanceof Element && n.matches(":is(img, svg, iframe, script)")) window.__added++;
        }
        const now = feeds.querySelector('[data-testid="sync-progress"] .what')?.textContent;
        if (now && window.__progress.at(-1) !== now) window.__progress.push(now);
      }).observe(feeds, { childList: true, subtree: true, characterData: true });
    });
    await browser.$(byTestId("sync-now")).click();
    await browser.waitUntil(async () => (await text("sync-outcome")) !== null, {
      timeout: 60_000,
      timeoutMsg: "the sync never finished",
    });
    assert.equal(await text("sync-outcome"), `${FEED_NEW} new`);
    assert.deepEqual(await texts("sync-error"), []);
    const progress = await browser.execute(() => window.__progress);
    assert.ok(progress.includes(`${FEED_QUERY}: 8 papers, ${FEED_NEW} new`), `progress: ${JSON.stringify(progress)}`);
    assert.ok(progress.includes(`${HOSTILE_QUERY}: 0 papers, 0 new`), `progress: ${JSON.stringify(progress)}`);
    await browser.waitUntil(async () => (await total()) === before + FEED_NEW, {
      timeout: 10_000,
      timeoutMsg: `the list did not grow by ${FEED_NEW} papers`,
    });
    assert.equal(await browser.execute(() => window.__added), 0, "the sync's progress made elements");
    assert.equal(await injected(), 0);
    assert.equal(await browser.execute(() => window.__pwned ?? null), null);

    await browser.execute(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      document.querySelector('[data-testid="feeds"]').scrollIntoView({ block: "nearest" });
    });
    await screenshot(browser, "feeds.png");
  });

  it("shows a failing source with Retry, and Retry succeeds once the source is back", async () => {
    const before = await total();
    // Every request fails: more than the client's retries for both feeds.
    await fixtures.control("fail_next?n=100&status=500");
    await browser.$(byTestId("sync-now")).click();
    // Retries take seconds: the running sync says which source it is on.
    await browser.waitUntil(async () => (await text("sync-progress"))?.includes(`hf-search ${FEED_QUERY}`), {
      timeout: 10_000,
      timeoutMsg: "the progress never named the source being synced",
    });
    await syncDone("the failing sync never finished");
    const errors = await texts("sync-error");
    const failed = errors.find((t) => t.startsWith(`hf-search ${FEED_QUERY}:`));
    assert.ok(failed, `no error for the failing source: ${JSON.stringify(errors)}`);
    assert.match(failed, /HTTP 500/);
    assert.match(failed, /Retry$/);
    assert.equal(await text("sync-outcome"), "0 new");

    await fixtures.control("reset");
    await browser.$(byTestId("sync-retry")).click();
    await browser.waitUntil(async () => (await texts("sync-error")).length === 0 && (await text("sync-outcome")) !== null, {
      timeout: 60_000,
      timeoutMsg: `Retry did not clear the errors: ${JSON.stringify(await texts("sync-error"))}`,
    });
    assert.equal(await text("sync-outcome"), "0 new");
    assert.equal(await total(), before);
    assert.equal(await browser.execute(() => window.__pwned ?? null), null);
  });
});
