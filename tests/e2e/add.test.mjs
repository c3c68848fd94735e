// "Add paper" in the built app, against the recorded-API fixture server (no network): add by
// arXiv URL, see it selected; an invalid id shows its error as text. Saves docs/screenshots/add.png.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { launch, screenshot, startFixtureServer } from "./support.mjs";

// The recorded arXiv answer for a single unknown id is empty, so the app falls back to Hugging
// Face's recorded paper (crates/core/tests/fixtures/api/hf/paper-2310.02579.json).
const URL_INPUT = "https://arxiv.org/abs/2310.02579";
const TITLE = "On the Stability of Expressive Positional Encodings for Graph Neural Networks";

const byTestId = (id) => `[data-testid="${id}"]`;

describe("Adding a paper by arXiv id", { timeout: 180_000 }, () => {
  let fixtures;
  let app;
  let browser;

  before(async () => {
    fixtures = await startFixtureServer();
    app = await launch({ env: fixtures.env });
    browser = app.browser;
  });

  after(async () => {
    await app?.stop();
    await fixtures?.stop();
  });

  const text = (id) => browser.execute((s) => document.querySelector(s)?.textContent?.trim() ?? null, byTestId(id));

  async function submit(input) {
    const field = await browser.$(byTestId("add-input"));
    await field.waitForDisplayed({ timeout: 10_000 });
    await field.setValue(input);
    await browser.keys("Enter");
  }

  it("adds the paper from the sources and selects it", async () => {
    await browser.$(byTestId("search-input")).waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(async () => (await browser.$$(byTestId("result-row"))).length > 0, {
      timeout: 30_000,
      timeoutMsg: "the demo library never showed up",
    });
    await browser.$(byTestId("add-toggle")).click();
    await submit(URL_INPUT);
    await browser.waitUntil(async () => (await text("detail-title")) === TITLE, {
      timeout: 30_000,
      timeoutMsg: `"${TITLE}" was never selected; add-error: ${await text("add-error")}`,
    });
    const status = await text("add-status");
    assert.ok(["Added to Inbox", "Already in your library"].includes(status), `status was "${status}"`);
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
  });
});
