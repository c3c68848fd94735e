// Helpers for driving the built app: paths, tauri-driver's lifecycle, a temp library per run.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { remote } from "webdriverio";

export const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const SCREENSHOTS = path.join(ROOT, "docs", "screenshots");
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
/** Built with the custom protocol by scripts/e2e.sh (`cargo build --workspace --bins`). */
export const APP = process.env.PAPERSHELF_APP ?? path.join(TARGET, "debug", "papershelf-app");
const DRIVER_PORT = 4444;
// Each session's tauri-driver process group, where screenshot() finds the app.
const driverGroups = new WeakMap();
const NATIVE_PORT = 4445;

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitForPort(port, driver, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited early (code ${driver.exitCode})`);
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on port ${port} after ${ms} ms`);
}

/**
 * Starts tauri-driver with a fresh library directory in its environment (tauri-driver and
 * WebKitWebDriver pass their environment on to the app) and opens a WebDriver session on the app.
 * `env` adds variables for the app (e.g. `GTK_THEME` for the dark theme). `stop()` ends the
 * session and kills the driver's whole process group, whatever happened.
 */
export async function launch({ env = {}, library: reuse = null } = {}) {
  if (!existsSync(APP)) {
    throw new Error(`${APP} is missing: build it first (scripts/e2e.sh does)`);
  }
  for (const port of [DRIVER_PORT, NATIVE_PORT]) {
    if (await portOpen(port)) throw new Error(`port ${port} is taken: is another tauri-driver running?`);
  }
  // A given library outlives this launch (the caller removes it); a fresh one is removed by stop().
  const library = reuse ?? mkdtempSync(path.join(os.tmpdir(), "papershelf-e2e-"));
  const log = [];
  // The webview keeps its own storage (the theme choice, say) under the XDG directories: give
  // every launch fresh ones, so no earlier run or installed copy of the app leaks into a test.
  const web = mkdtempSync(path.join(os.tmpdir(), "papershelf-e2e-web-"));
  const xdg = {
    XDG_DATA_HOME: path.join(web, "data"),
    XDG_CACHE_HOME: path.join(web, "cache"),
    XDG_CONFIG_HOME: path.join(web, "config"),
  };
  const driver = spawn("tauri-driver", ["--port", String(DRIVER_PORT), "--native-port", String(NATIVE_PORT)], {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "info", ...xdg, ...env, PAPERSHELF_LIBRARY: library },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stop() also reaches WebKitWebDriver and the app.
    detached: true,
  });
  driver.stdout.on("data", (d) => log.push(String(d)));
  driver.stderr.on("data", (d) => log.push(String(d)));

  let browser = null;
  const stop = async () => {
    if (browser) await browser.deleteSession().catch(() => {});
    browser = null;
    if (driver.exitCode === null) {
      try {
        process.kill(-driver.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 300));
      try {
        process.kill(-driver.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    if (!reuse) rmSync(library, { recursive: true, force: true });
  };

  /** Kills the app, WebKitWebDriver and the driver at once (SIGKILL, no goodbye): a crash. */
  const kill = async () => {
    browser = null;
    try {
      process.kill(-driver.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
    await new Promise((r) => setTimeout(r, 300));
  };

  try {
    await waitForPort(DRIVER_PORT, driver);
    // tauri-driver forwards the new session to WebKitWebDriver, which it has only just spawned:
    // on a busy machine that one may not listen yet ("Connection refused"). No app starts in
    // that case, so asking again is safe.
    for (let attempt = 1; ; attempt++) {
      try {
        browser = await remote({
          hostname: "127.0.0.1",
          port: DRIVER_PORT,
          logLevel: "warn",
          connectionRetryCount: 0,
          capabilities: { "tauri:options": { application: APP } },
        });
        break;
      } catch (err) {
        // tauri-driver answers a refused forward by closing the socket (UND_ERR_SOCKET) and
        // logs why a moment later: give its log that moment before reading it.
        await new Promise((r) => setTimeout(r, 300));
        const refused = /Connection refused|ECONNREFUSED/i.test(`${err.message}${log.join("")}`);
        if (!refused || attempt >= 5) throw err;
        log.push(`(session attempt ${attempt} refused; retrying)\n`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n--- tauri-driver output ---\n${log.join("")}`);
  }
  driverGroups.set(browser, driver.pid);
  return { browser, library, log, stop, kill };
}

/**
 * Waits until the facet counts are the current query's. They arrive once typing pauses and can
 * change the facet bar's height, moving the rows below it: a row located before then would be
 * clicked where it used to be.
 */
export function facetsSettled(browser) {
  return browser.waitUntil(
    // Until the counts for the shown answer arrive, the facet bar may still appear or change height.
    () => browser.execute(() => document.querySelector("main.results")?.dataset.facets === "settled"),
    { timeout: 10_000, timeoutMsg: "the facet counts stayed those of an earlier query" },
  );
}

/**
 * Saves a screenshot of the window once it has drawn its current state: two animation frames
 * first, so the frame on screen is the DOM as it is now. The picture comes from the X display
 * (`DISPLAY`, Xvfb under scripts/e2e.sh), not WebDriver: WebKitWebDriver's screenshot hangs
 * with accelerated compositing off, which the app chooses where there is no GPU.
 */
export async function screenshot(browser, name) {
  await browser.executeAsync((done) => {
    const timer = setTimeout(done, 1_000);
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        clearTimeout(timer);
        done();
      }),
    );
  });
  const group = driverGroups.get(browser);
  if (group === undefined) throw new Error("screenshot(): this browser was not opened by launch()");
  captureWindow(appWindow(group), screenshotPath(name));
}

// What an X tool said, for the error when it fails.
function x11(tool, args) {
  try {
    return execFileSync(tool, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
  } catch (err) {
    if (err.code === "ENOENT") {
      throw new Error(`${tool} is missing: screenshots need xdotool and imagemagick (scripts/install-deps.sh)`);
    }
    // xdotool search exits 1 when nothing matched; that is an answer, not a failure.
    if (tool === "xdotool" && err.status === 1 && !err.stderr) return "";
    throw new Error(`${tool} ${args.join(" ")} failed: ${err.stderr || err.message}`);
  }
}

/** The X window of the app that tauri-driver's process group `group` started. */
function appWindow(group) {
  if (!process.env.DISPLAY) throw new Error("no DISPLAY: screenshots are taken from the X display (run under xvfb-run)");
  const name = path.basename(APP).slice(0, 15); // /proc/PID/comm keeps 15 characters
  const pids = readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      // stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces or parentheses, so split after the last ")".
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      return pgrp === group && comm === name;
    } catch {
      return false; // gone meanwhile
    }
  });
  if (pids.length !== 1) throw new Error(`screenshot: expected one ${name} process under tauri-driver, found ${pids.length}`);
  const windows = x11("xdotool", ["search", "--onlyvisible", "--pid", pids[0]]).split(/\s+/).filter(Boolean);
  if (windows.length !== 1) {
    throw new Error(`screenshot: expected one visible window of ${name} (pid ${pids[0]}) on ${process.env.DISPLAY}, found ${windows.length}`);
  }
  return windows[0];
}

/** Writes window `id` as an 8-bit RGB PNG at `file`; throws rather than keep a blank picture. */
function captureWindow(id, file) {
  // No date chunks: the same window gives the same file.
  x11("import", ["-window", id, "-define", "png:exclude-chunk=date,time", `png24:${file}`]);
  const [w, h, spread] = x11("identify", ["-format", "%w %h %[fx:standard_deviation]", file]).trim().split(" ").map(Number);
  // A window that was not drawn (unmapped, covered, or nothing painted) reads back as one colour.
  if (!(w > 0 && h > 0 && spread > 0)) {
    rmSync(file, { force: true });
    throw new Error(`screenshot of window ${id}: a blank ${w}x${h} picture (the window was not drawn on the display)`);
  }
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

/** `papershelf-fixture-server`, built by scripts/e2e.sh. */
export const FIXTURE_SERVER = process.env.PAPERSHELF_FIXTURE_SERVER ?? path.join(TARGET, "debug", "papershelf-fixture-server");

/**
 * Starts the recorded-API server (HF, arXiv and S2 answers from crates/core/tests/fixtures/api)
 * on a free port. Returns its `origin`, `env` (the three `PAPERSHELF_*_URL` variables for
 * `launch`) and `stop()`, which kills it whatever happened. With `control`, the server also
 * answers `/__fixture/…` (fail_next, throttle, reset; see crates/testkit), and `control(route)`
 * calls one, e.g. `control("fail_next?n=8&status=500")`. With `pdfs` (a folder), it is also the
 * PDF host: `GET /pdf/NAME` answers `pdfs/NAME.pdf`, and `env` points `PAPERSHELF_PDF_URL` at it.
 */
export async function startFixtureServer({ ms = 20_000, control = false, pdfs = null } = {}) {
  if (!existsSync(FIXTURE_SERVER)) {
    throw new Error(`${FIXTURE_SERVER} is missing: build it first (scripts/e2e.sh does)`);
  }
  const args = ["--fixtures", path.join(ROOT, "crates", "core", "tests", "fixtures", "api"), "--port", "0"];
  if (control) args.push("--control");
  if (pdfs) args.push("--pdfs", pdfs);
  const server = spawn(FIXTURE_SERVER, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const log = [];
  server.stderr.on("data", (d) => log.push(String(d)));

  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    await new Promise((r) => setTimeout(r, 200));
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  };

  try {
    const origin = await new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`the fixture server said nothing in ${ms} ms`)), ms);
      server.stdout.on("data", (d) => {
        out += String(d);
        log.push(String(d));
        const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      server.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the fixture server exited early (code ${code})`));
      });
      server.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const env = { PAPERSHELF_HF_URL: origin, PAPERSHELF_ARXIV_URL: origin, PAPERSHELF_S2_URL: origin };
    if (pdfs) env.PAPERSHELF_PDF_URL = origin;
    const call = async (route) => {
      if (!control) throw new Error("startFixtureServer({ control: true }) enables the control routes");
      const res = await fetch(`${origin}/__fixture/${route}`);
      if (!res.ok) throw new Error(`/__fixture/${route}: HTTP ${res.status} ${await res.text()}`);
    };
    return { origin, env, log, stop, control: call };
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n--- fixture server output ---\n${log.join("")}`);
  }
}

/** The `papershelf` CLI, built by scripts/e2e.sh: prepares libraries before launch. */
export const CLI = process.env.PAPERSHELF_CLI ?? path.join(TARGET, "debug", "papershelf");

/** A new library directory (removed by the caller) with `jsonl` imported through the CLI. */
export function libraryWith(jsonl) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "papershelf-e2e-lib-"));
  const file = path.join(dir, "seed.jsonl");
  writeFileSync(file, jsonl);
  execFileSync(CLI, ["--library", path.join(dir, "library"), "import", "arxiv-jsonl", file], { stdio: "pipe" });
  return { dir, library: path.join(dir, "library"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * How many papers the demo library holds: the pages embedded in the app
 * (crates/core/data/demo/) imported through the CLI into a scratch library, as the app seeds them.
 */
export function demoPaperCount() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "papershelf-e2e-demo-"));
  try {
    const library = path.join(dir, "library");
    const demo = path.join(ROOT, "crates", "core", "data", "demo");
    const pages = readdirSync(demo)
      .filter((f) => f.endsWith(".txt"))
      .sort()
      .map((f) => path.join(demo, f));
    execFileSync(CLI, ["--library", library, "import", "hf-page", ...pages], { stdio: "pipe" });
    const stats = JSON.parse(execFileSync(CLI, ["--library", library, "stats", "--json"], { encoding: "utf8" }));
    return stats.papers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
