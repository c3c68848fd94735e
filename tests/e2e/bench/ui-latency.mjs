// Measures the release app in its window: startup to the first list of results, and keystroke
// to rendered results while typing real queries one character at a time. The app records
// `results-rendered` performance measures (request sent on the keystroke -> the frame after the
// rows were drawn) and `first-results` (navigation start -> first list drawn); this script reads
// them, adds the wall time from launching the process, and writes the table into
// docs/benchmarks.md between the "ui-bench" markers. Run it through scripts/ui-bench.sh.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { launch, ROOT } from "../support.mjs";

const library = process.env.BENCH_LIBRARY;
const queriesFile = process.env.BENCH_QUERIES;
const size = Number(process.env.BENCH_SIZE ?? 0);
if (!library || !queriesFile) throw new Error("run through scripts/ui-bench.sh");

const QUERIES = 60;
const byTestId = (id) => `[data-testid="${id}"]`;

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round = (x) => (x === null ? null : Math.round(x * 10) / 10);

const queries = readFileSync(queriesFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((q) => ["term", "prefix", "author", "phrase", "fielded"].includes(q.kind))
  .slice(0, QUERIES);

/** When the newest process running `binary` started, in epoch milliseconds (10 ms resolution). */
function processStartMs(binary) {
  const pid = execFileSync("pgrep", ["-n", "-f", binary]).toString().trim();
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  const hz = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
  const uptimeS = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  return Date.now() - (uptimeS - startTicks / hz) * 1000;
}

async function startup() {
  const started = performance.now();
  const app = await launch({ library });
  const { browser } = app;
  await browser.$(byTestId("result-row")).waitForDisplayed({ timeout: 60_000 });
  const wall = performance.now() - started;
  const seenAt = await browser.execute(() => performance.now());
  // The measure is taken in the frame after the rows are in the DOM, which can come later than
  // WebDriver sees the row.
  await browser.waitUntil(
    () => browser.execute(() => performance.getEntriesByName("first-results").length > 0),
    { timeout: 10_000 },
  );
  const page = await browser.execute(() => {
    const m = performance.getEntriesByName("first-results")[0];
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
    const browse = performance.getEntriesByName("browse-answered")[0];
    return m
      ? {
          inPage: m.duration,
          doneAt: performance.timeOrigin + m.startTime + m.duration,
          // Where the time in the page went: loading the bundle, mounting, the first answer.
          bundle: at("bundle-evaluated"),
          rendered: at("app-rendered"),
          mounted: at("app-mounted"),
          browseSent: browse?.startTime ?? null,
          browseMs: browse?.duration ?? null,
        }
      : null;
  });
  // Process start -> first results drawn: what a user waits for after launching the app.
  const processStart = processStartMs(process.env.PAPERSHELF_APP);
  const fromProcess = page ? page.doneAt - processStart : null;
  // The app logs how long opening the library took (RUST_LOG below).
  const log = app.log.join("").replace(/\x1b\[[0-9;]*m/g, "");
  const ready = /library ready.*?library_ms=(\d+)/.exec(log);
  const breakdown = page && {
    navigation_ms: round(page.doneAt - page.inPage - processStart),
    bundle_ms: round(page.bundle),
    rendered_ms: round(page.rendered),
    mounted_ms: round(page.mounted),
    first_browse_sent_ms: round(page.browseSent),
    first_browse_answer_ms: round(page.browseMs),
    library_open_ms: ready ? Number(ready[1]) : null,
    row_seen_by_webdriver_ms: round(seenAt),
    first_results_ms: round(page.inPage),
    daily_backup_running: log.includes("integrity check and backup started"),
  };
  console.error(`startup: ${Math.round(fromProcess ?? -1)} ms from process start`, JSON.stringify(breakdown));
  return { app, wall, inPage: page?.inPage ?? null, fromProcess, breakdown };
}

const runs = [];
let app;
// The app's own log says how long opening the library took.
process.env.RUST_LOG = process.env.RUST_LOG ?? "info,papershelf_app_lib=debug";
for (let i = 0; i < 3; i++) {
  const s = await startup();
  runs.push(s);
  if (i < 2) await s.app.stop();
  else app = s.app;
}
// BENCH_STARTUP_ONLY=1: the three starts and their breakdown, nothing typed, nothing written.
if (process.env.BENCH_STARTUP_ONLY === "1") {
  await app.stop();
  process.exit(0);
}
const { browser } = app;
const input = await browser.$(byTestId("search-input"));

const latencies = [];
const answers = [];
for (const { q } of queries) {
  await browser.execute(() => {
    performance.clearMeasures("results-rendered");
    performance.clearMeasures("browse-answered");
  });
  await input.click();
  await browser.execute(() => document.querySelector('[data-testid="search-input"]').select());
  await browser.keys(["Backspace"]);
  for (const ch of q) await browser.keys([ch]);
  // Let the last answer land, then collect every answer that was drawn while typing.
  await browser.pause(150);
  const measured = await browser.execute(() => ({
    rendered: performance.getEntriesByName("results-rendered").map((m) => m.duration),
    answered: performance.getEntriesByName("browse-answered").map((m) => m.duration),
  }));
  latencies.push(...measured.rendered);
  answers.push(...measured.answered);
}
await app.stop();

latencies.sort((a, b) => a - b);
answers.sort((a, b) => a - b);
const walls = runs.map((r) => r.wall).sort((a, b) => a - b);
const paints = runs.map((r) => r.inPage).filter((x) => x !== null).sort((a, b) => a - b);
const launches = runs.map((r) => r.fromProcess).filter((x) => x !== null).sort((a, b) => a - b);
const result = {
  size,
  keystrokes: latencies.length,
  p50_ms: round(pct(latencies, 50)),
  p95_ms: round(pct(latencies, 95)),
  max_ms: round(latencies.at(-1) ?? null),
  answer_p50_ms: round(pct(answers, 50)),
  answer_p95_ms: round(pct(answers, 95)),
  startup_from_process_ms: round(launches[Math.floor(launches.length / 2)] ?? null),
  startup_wall_ms: round(walls[1]),
  first_paint_in_page_ms: round(paints[Math.floor(paints.length / 2)] ?? null),
};
console.log(JSON.stringify(result, null, 2));

let commit = "unknown";
try {
  commit = execFileSync("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]).toString().trim();
} catch {
  /* not a checkout */
}
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const section = [
  "<!-- ui-bench:start -->",
  `Measured ${new Date().toISOString().slice(0, 10)} at commit \`${commit}\` on ${os.cpus().length} × ${cpu}, ` +
    `release build under Xvfb, with \`scripts/ui-bench.sh ${size}\`.`,
  "",
  "| Library | Keystrokes measured | Keystroke → rendered p50 | p95 | max | of which the answer (IPC + core) p50 / p95 | Process start → first results (median of 3) | of which in the page | Through WebDriver (wall) |",
  "|---|---|---|---|---|---|---|---|---|",
  `| ${size.toLocaleString("en-US")} papers | ${result.keystrokes} | ${result.p50_ms} ms | ${result.p95_ms} ms | ${result.max_ms} ms | ${result.answer_p50_ms} / ${result.answer_p95_ms} ms | ${result.startup_from_process_ms} ms | ${result.first_paint_in_page_ms} ms | ${result.startup_wall_ms} ms |`,
  "",
  "Keystroke → rendered: from the input event to the frame after the new rows are in the DOM (the",
  "app's `results-rendered` performance measure), for every answer drawn while typing " +
    `${queries.length} queries from \`gen_corpus.py --queries\` one character at a time; the answer`,
  "is the part until the rows arrive over IPC (facet counts follow in a second request once typing",
  "pauses). Startup: from the app process's start (its `/proc` start time) to the first",
  "rows drawn; \"in the page\" counts from the webview's navigation start; the wall time adds",
  "tauri-driver's and WebKitWebDriver's own start-up.",
  "",
  "Each of the three starts, in milliseconds (all but the first column from the webview's navigation start):",
  "",
  "| Start | Process → navigation | Bundle evaluated | App rendered | First request sent | Its answer took | Rows first drawn | Library open (its own thread) | Day's backup running |",
  "|---|---|---|---|---|---|---|---|---|",
  ...runs.map((r, i) => {
    const b = r.breakdown ?? {};
    const ms = (x) => (x === null || x === undefined ? "—" : String(Math.round(x)));
    return `| ${i + 1} | ${ms(b.navigation_ms)} | ${ms(b.bundle_ms)} | ${ms(b.rendered_ms)} | ${ms(b.first_browse_sent_ms)} | ${ms(b.first_browse_answer_ms)} | ${ms(b.first_results_ms)} | ${ms(b.library_open_ms)} | ${b.daily_backup_running ? "yes" : "no"} |`;
  }),
  "<!-- ui-bench:end -->",
].join("\n");
const doc = path.join(ROOT, "docs", "benchmarks.md");
const text = readFileSync(doc, "utf8");
const start = text.indexOf("<!-- ui-bench:start -->");
const end = text.indexOf("<!-- ui-bench:end -->");
const next =
  start >= 0 && end > start
    ? text.slice(0, start) + section + text.slice(end + "<!-- ui-bench:end -->".length)
    : `${text.trimEnd()}\n\n## Desktop app: typing and startup\n\n${section}\n`;
writeFileSync(doc, next);
