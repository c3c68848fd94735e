import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { expectModal } from "../../testing/modal";
import type { FileImportReport } from "../../types";
import ImportReport from "./ImportReport.svelte";

const report: FileImportReport = {
  origin: "zotero.bib",
  kind: "bibtex",
  added: 1,
  merged: 0,
  unchanged: 0,
  skipped: 0,
  entries: [{ line: 1, key: "vaswani2017", outcome: "added", id: "1706.03762", title: "Attention Is All You Need" }],
  entriesTruncated: false,
  notices: [],
  resumedAfterLine: null,
  seconds: 0.01,
};

describe("ImportReport", () => {
  it("is a Modal: opens on Done, past the entries' links, and Esc closes it", async () => {
    const onclose = vi.fn();
    const onopen = vi.fn();
    render(ImportReport, { report, onopen, onclose });
    const dialog = screen.getByTestId("import-report");
    expect(screen.getByRole("dialog", { name: "Imported zotero.bib" })).toBe(dialog);
    expect(document.activeElement).toBe(screen.getByTestId("import-report-close"));
    await expectModal(userEvent.setup(), dialog, onclose);
    expect(onopen).not.toHaveBeenCalled();
  });
});
