import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { clearMocks, deferred, mockBackend, settled } from "../../testing/mockBackend";
import { Files } from "../../stores/files.svelte";
import type { ZoteroReport } from "../../types";
import ZoteroImport from "./ZoteroImport.svelte";

const report: ZoteroReport = {
  dataDir: "/home/u/Zotero",
  library: "user",
  schemaVersion: 123,
  dryRun: false,
  items: [
    { zoteroKey: "AAAA2222", title: "Attention Is All You Need", outcome: "added", id: "1706.03762", reason: null, notices: [] },
    { zoteroKey: "BBBB3333", title: "", outcome: "skipped", id: null, reason: "it has no title", notices: [] },
    {
      zoteroKey: "CCCC4444",
      title: "<img src=x onerror=alert(1)>",
      outcome: "merged",
      id: "t-1",
      reason: null,
      notices: ["file missing from Zotero's storage: a.pdf"],
    },
  ],
  added: 1,
  merged: 1,
  unchanged: 0,
  skipped: 1,
  pdfsCopied: 2,
  filesMissing: 1,
  annotations: 7,
  annotationsWithoutPdf: 1,
  linkedFiles: 0,
  snapshots: 0,
  standaloneNotes: 1,
  collections: 3,
  seconds: 0.4,
};

describe("ZoteroImport", () => {
  afterEach(() => clearMocks());

  it("imports from Zotero's own folder with progress, then shows the report", async () => {
    const answer = deferred<ZoteroReport>();
    const { calls } = mockBackend({
      zotero_data_dir: () => "/home/u/Zotero",
      import_zotero: () => answer.promise,
    });
    const changed = vi.fn();
    const files = new Files(changed);
    await files.openZotero();
    const onopen = vi.fn();
    render(ZoteroImport, { files, onopen });
    expect(screen.getByTestId("zotero-dir").textContent).toBe("/home/u/Zotero");
    const user = userEvent.setup();
    await user.click(screen.getByTestId("zotero-start"));
    expect(screen.getByTestId("zotero-progress")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "import_zotero")?.args).toMatchObject({ fromDefault: true, dryRun: false });
    answer.resolve(report);
    await settled();
    expect(changed).toHaveBeenCalled();
    const counts = screen.getByTestId("zotero-counts").textContent ?? "";
    expect(counts).toContain("1 added");
    expect(counts).toContain("1 skipped");
    expect(screen.getByTestId("zotero-file-counts").textContent).toContain("7 highlights and notes, 1 without their PDF");
    // Skipped items first, then those with notices; titles are text, never HTML.
    const rows = screen.getAllByTestId("zotero-entry");
    expect(rows.map((r) => r.dataset.outcome)).toEqual(["skipped", "merged", "added"]);
    expect(rows[1]!.querySelector("img")).toBeNull();
    expect(rows[1]!.textContent).toContain("<img src=x onerror=alert(1)>");
    await user.click(screen.getByRole("button", { name: "Attention Is All You Need" }));
    expect(onopen).toHaveBeenCalledWith("1706.03762");
  });

  it("asks for the folder when Zotero's is not found, and a dry run changes nothing", async () => {
    const { calls } = mockBackend({
      zotero_data_dir: () => null,
      import_zotero: () => ({ ...report, dryRun: true }),
    });
    const changed = vi.fn();
    const files = new Files(changed);
    await files.openZotero();
    render(ZoteroImport, { files, onopen: vi.fn() });
    expect(screen.queryByTestId("zotero-start")).toBeNull();
    const user = userEvent.setup();
    await user.click(screen.getByTestId("zotero-dry-run"));
    await user.click(screen.getByTestId("zotero-choose"));
    await settled();
    expect(calls.find((c) => c.cmd === "import_zotero")?.args).toMatchObject({ fromDefault: false, dryRun: true });
    expect(changed).not.toHaveBeenCalled();
    expect(screen.getByRole("dialog").textContent).toContain("dry run: nothing changed");
  });

  it("cancels, and says nothing was written", async () => {
    let reject!: (e: unknown) => void;
    const running = new Promise<ZoteroReport>((_, r) => (reject = r));
    const { calls } = mockBackend({
      zotero_data_dir: () => "/z",
      import_zotero: () => running,
      cancel_zotero_import: () => {
        reject({ code: "cancelled", message: "cancelled" });
        return true;
      },
    });
    const files = new Files(vi.fn());
    await files.openZotero();
    render(ZoteroImport, { files, onopen: vi.fn() });
    const user = userEvent.setup();
    await user.click(screen.getByTestId("zotero-start"));
    await user.click(screen.getByTestId("zotero-cancel"));
    await settled();
    expect(calls.some((c) => c.cmd === "cancel_zotero_import")).toBe(true);
    expect(screen.getByTestId("zotero-error").textContent).toBe("Import cancelled; nothing was written.");
  });
});
