// Helpers for driving the built app: paths, tauri-driver's lifecycle, a temp library per run.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { remote } from "webdriverio";

export const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const SCREENSHOTS = path.join(ROOT, "docs", "screenshots");
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
/** `cargo build -p papershelf-app --features custom-protocol` (see scripts/e2e.sh). */
export const APP = process.env.PAPERSHELF_APP ?? path.join(TARGET, "debug", "papershelf-app");
const DRIVER_PORT = 4444;
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
export async function launch({ env = {} } = {}) {
  if (!existsSync(APP)) {
    throw new Error(`${APP} is missing: build it first (scripts/e2e.sh does)`);
  }
  for (const port of [DRIVER_PORT, NATIVE_PORT]) {
    if (await portOpen(port)) throw new Error(`port ${port} is taken: is another tauri-driver running?`);
  }
  const library = mkdtempSync(path.join(os.tmpdir(), "papershelf-e2e-"));
  const log = [];
  const driver = spawn("tauri-driver", ["--port", String(DRIVER_PORT), "--native-port", String(NATIVE_PORT)], {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "info", ...env, PAPERSHELF_LIBRARY: library },
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
    rmSync(library, { recursive: true, force: true });
  };

  try {
    await waitForPort(DRIVER_PORT, driver);
    browser = await remote({
      hostname: "127.0.0.1",
      port: DRIVER_PORT,
      logLevel: "warn",
      connectionRetryCount: 0,
      capabilities: { "tauri:options": { application: APP } },
    });
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n--- tauri-driver output ---\n${log.join("")}`);
  }
  return { browser, library, log, stop };
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}
