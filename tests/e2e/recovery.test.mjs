// A damaged library database in the real window: the app says so in words, offers the newest
// backup that passes its integrity check, and one click restores it (the damaged file is kept).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { CLI, launch, libraryWith, screenshot } from "./support.mjs";

const byTestId = (id) => `[data-testid="${id}"]`;
const PAPERS = 40;

function corpus() {
  const lines = [];
  for (let i = 0; i < PAPERS; i++) {
    lines.push(
      JSON.stringify({
        id: `2401.${String(20000 + i).padStart(5, "0")}`,
        title: `Recoverable paper ${i} on sparse retrieval`,
        abstract: `Paper ${i} of the library that gets damaged.`,
        authors: `Author ${i}`,
        categories: "cs.IR",
        versions: [{ version: "v1", created: "Tue, 2 Jan 2024 10:00:00 GMT" }],
        update_date: "2024-01-02",
      }),
    );
  }
  return lines.join("\n");
}

/** Overwrites the SQLite header, as a disk fault or a stray write would: no longer a database. */
function damage(library) {
  for (const side of ["-wal", "-shm"]) rmSync(path.join(library, `library.sqlite${side}`), { force: true });
  const fd = openSync(path.join(library, "library.sqlite"), "r+");
  writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
  closeSync(fd);
}

describe("A damaged library database", { timeout: 180_000 }, () => {
  let seed;
  let app;
  let browser;

  before(async () => {
    seed = libraryWith(corpus());
    const taken = execFileSync(CLI, ["--library", seed.library, "backup"], { encoding: "utf8" });
    // The daily backup on open may have taken this second's name: then ours has a -N suffix.
    assert.match(taken, /library-\d{8}T\d{6}Z(-\d+)?\.sqlite/, taken);
    damage(seed.library);
    app = await launch({ library: seed.library });
    browser = app.browser;
  });

  after(async () => {
    await app?.stop();
    seed?.remove();
  });

  it("is explained in place of the list, with the newest good backup offered", async () => {
    const panel = await browser.$(byTestId("damaged-library"));
    await panel.waitForDisplayed({ timeout: 30_000 });
    const reason = await browser.$(byTestId("damaged-reason")).getText();
    assert.match(reason, /damaged/, reason);
    const restore = await browser.$(byTestId("restore-newest"));
    await restore.waitForDisplayed({ timeout: 30_000 });
    const offer = await browser.execute(() => document.querySelector(".offer")?.textContent ?? "");
    assert.match(offer, new RegExp(`${PAPERS} papers`), offer);
    assert.equal(await browser.$(byTestId("result-list")).isExisting(), false, "no list over a damaged database");
    await screenshot(browser, "damaged-library.png");
  });

  it("is restored from that backup with one click, keeping the damaged file", async () => {
    await browser.$(byTestId("restore-newest")).click();
    await browser.waitUntil(
      async () => {
        const text = await browser.execute(
          () => document.querySelector('[data-testid="result-summary"]')?.textContent ?? "",
        );
        return text.includes(`${PAPERS} papers`);
      },
      { timeout: 60_000, timeoutMsg: "the restored library never showed its papers" },
    );
    // Search works on the rebuilt index.
    const input = await browser.$(byTestId("search-input"));
    await input.click();
    await input.addValue("Recoverable paper 17");
    await browser.waitUntil(
      async () =>
        (await browser.execute(() => document.querySelector('[data-testid="result-row"]')?.textContent ?? "")).includes(
          "Recoverable paper 17",
        ),
      { timeout: 20_000, timeoutMsg: "the restored paper was not found by search" },
    );
    const kept = readdirSync(seed.library).filter((f) => /^library\.sqlite\.before-restore-[^-]+$/.test(f));
    assert.equal(kept.length, 1, `the damaged file is kept: ${readdirSync(seed.library).join(", ")}`);
  });
});
