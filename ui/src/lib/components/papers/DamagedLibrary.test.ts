import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { clearMocks, mockBackend } from "../../testing/mockBackend";
import type { BackupInfo, RestoreReport } from "../../types";
import DamagedLibrary from "./DamagedLibrary.svelte";

afterEach(() => clearMocks());

const backup = (name: string, takenAt: string, papers: number | null, pdfs = 0, pdfsMissing = 0): BackupInfo => ({
  name,
  path: `/lib/backups/${name}`,
  takenAt,
  bytes: 1 << 20,
  papers,
  includesPdfs: false,
  pdfs: papers === null ? null : pdfs,
  pdfsMissing: papers === null ? null : pdfsMissing,
});
const newest = backup("library-20261203T090000Z.sqlite", "2026-12-03T09:00:00Z", 226);
const broken = backup("library-20261204T090000Z.sqlite", "2026-12-04T09:00:00Z", null);
const older = backup("library-20261201T090000Z.sqlite", "2026-12-01T09:00:00Z", 200);
const MESSAGE = "the library database is damaged (database disk image is malformed); the newest good backup is …";

describe("DamagedLibrary", () => {
  it("says what happened and offers the newest backup that passes its check, not merely the newest", async () => {
    mockBackend({ library_backups: () => ({ backups: [broken, newest, older], newestGood: newest.name }) });
    render(DamagedLibrary, { message: MESSAGE, onrestored: () => {} });
    expect(screen.getByTestId("damaged-reason").textContent).toBe(MESSAGE);
    const button = await screen.findByTestId("restore-newest");
    expect(button.closest(".offer")?.textContent).toContain("226 papers");
    expect(screen.getByText(/Older backups \(2\)/)).toBeTruthy();
  });

  it("says a backup holds the database, not the PDFs, and how many of those are gone", async () => {
    const withPdfs = backup("library-20261205T090000Z.sqlite", "2026-12-05T09:00:00Z", 226, 12, 2);
    mockBackend({ library_backups: () => ({ backups: [withPdfs], newestGood: withPdfs.name }) });
    render(DamagedLibrary, { message: MESSAGE, onrestored: () => {} });
    expect((await screen.findByTestId("backup-summary")).textContent).toContain(
      "database only: 2 of its 12 PDFs are gone",
    );
  });

  it("restores the offered backup by name and reports back", async () => {
    const report: RestoreReport = { restored: newest, previousKeptAs: "/lib/library.sqlite.before-restore-x", papers: 226 };
    const { calls } = mockBackend({
      library_backups: () => ({ backups: [newest], newestGood: newest.name }),
      restore_backup: () => report,
    });
    const onrestored = vi.fn();
    render(DamagedLibrary, { message: MESSAGE, onrestored });
    await userEvent.click(await screen.findByTestId("restore-newest"));
    await waitFor(() => expect(onrestored).toHaveBeenCalledWith(report));
    expect(calls.find((c) => c.cmd === "restore_backup")?.args).toEqual({ name: newest.name });
  });

  it("shows a failed restore and lets it be tried again", async () => {
    mockBackend({
      library_backups: () => ({ backups: [newest], newestGood: newest.name }),
      restore_backup: () => {
        throw { code: "invalid-input", message: "backup fails its integrity check" };
      },
    });
    render(DamagedLibrary, { message: MESSAGE, onrestored: () => {} });
    await userEvent.click(await screen.findByTestId("restore-newest"));
    expect((await screen.findByTestId("restore-error")).textContent).toContain("fails its integrity check");
    expect((screen.getByTestId("restore-newest") as HTMLButtonElement).disabled).toBe(false);
  });

  it("says so when no backup is good, and renders the message as text", async () => {
    mockBackend({ library_backups: () => ({ backups: [], newestGood: null }) });
    const { container } = render(DamagedLibrary, { message: "<img src=x onerror=alert(1)>", onrestored: () => {} });
    expect((await screen.findByTestId("no-good-backup")).textContent).toContain("there are none yet");
    expect(container.querySelector("img")).toBeNull();
    expect(screen.queryByTestId("restore-newest")).toBeNull();
  });
});
