// The reader's states around pdf.js (pdf.js itself runs in the e2e suite: Node cannot load it):
// no PDF yet, a download with Cancel, an encrypted file's password prompt, a file pdf.js cannot
// show, and a newer arXiv version offered without moving the highlights.
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { loadEngine, openDocument } from "../../reader/engine";
import { clearMocks, deferred, mockBackend } from "../../testing/mockBackend";
import { paper } from "../../testing/fixtures";
import type { PdfFile } from "../../types";
import Reader from "./Reader.svelte";

vi.mock("../../reader/engine", () => ({
  loadEngine: vi.fn(),
  openDocument: vi.fn(),
  warmEngine: vi.fn(),
}));

const file = (over: Partial<PdfFile> = {}): PdfFile => ({
  sha256: "ab".repeat(32),
  path: "/lib/pdfs/ab.pdf",
  size: 1000,
  version: 1,
  origin: "https://arxiv.org/pdf/1706.03762v1",
  addedAt: "2026-12-01T00:00:00Z",
  ...over,
});

const v1v2 = paper({
  versions: [
    { version: 1, created: "Mon, 12 Jun 2017 17:57:34 GMT" },
    { version: 2, created: "Mon, 19 Jun 2017 16:49:45 GMT" },
  ],
});

beforeEach(() => {
  vi.mocked(loadEngine).mockResolvedValue({ lib: {}, viewer: {} } as Awaited<ReturnType<typeof loadEngine>>);
});
afterEach(() => clearMocks());

describe("Reader", () => {
  it("offers to fetch or attach when the paper has no PDF and no arXiv id", async () => {
    mockBackend({ paper_pdfs: () => [] });
    render(Reader, { paper: paper({ arxivId: null }), onclose: () => {} });
    const box = await screen.findByTestId("reader-no-pdf");
    expect(box.textContent).toContain("no PDF in the library yet");
    expect(screen.queryByText("Fetch from arXiv")).toBeNull();
    expect(screen.getByText("Attach a PDF…")).toBeTruthy();
  });

  it("fetches an arXiv paper's PDF at once, and Cancel stores nothing", async () => {
    const download = deferred<never>();
    const { calls } = mockBackend({
      paper_pdfs: () => [],
      fetch_pdf: () => download.promise,
      cancel_pdf_fetch: () => true,
    });
    render(Reader, { paper: paper(), onclose: () => {} });
    expect((await screen.findByTestId("reader-fetching")).textContent).toContain("Fetching the PDF");
    expect(calls.find((c) => c.cmd === "fetch_pdf")?.args.id).toBe("1706.03762");
    await userEvent.click(screen.getByTestId("reader-cancel-fetch"));
    expect(calls.some((c) => c.cmd === "cancel_pdf_fetch")).toBe(true);
  });

  it("says a cancelled or failed download plainly", async () => {
    mockBackend({
      paper_pdfs: () => [],
      fetch_pdf: () => {
        throw { code: "cancelled", message: "cancelled" };
      },
    });
    render(Reader, { paper: paper(), onclose: () => {} });
    expect((await screen.findByTestId("reader-no-pdf")).textContent).toContain("Download cancelled; nothing was stored.");
  });

  it("asks for an encrypted PDF's password, hands it to pdf.js only, and stays closed without it", async () => {
    const seen: (string | null)[] = [];
    vi.mocked(openDocument).mockImplementation(async (_bytes, askPassword) => {
      seen.push(await askPassword(false));
      seen.push(await askPassword(true));
      throw { kind: "password-cancelled" };
    });
    const { calls } = mockBackend({
      paper_pdfs: () => [file()],
      reading_position: () => null,
      list_annotations: () => [],
      pdf_bytes: () => new ArrayBuffer(8),
    });
    render(Reader, { paper: paper(), onclose: () => {} });
    await screen.findByTestId("reader-password");
    await userEvent.type(screen.getByLabelText("Password"), "wrong horse");
    await userEvent.click(screen.getByText("Open"));
    expect((await screen.findByTestId("reader-password")).textContent).toContain("did not open it");
    await userEvent.click(screen.getByText("Cancel"));
    expect((await screen.findByTestId("reader-failed")).textContent).toContain("encrypted");
    expect(seen).toEqual(["wrong horse", null]);
    // The password never went to the backend.
    expect(JSON.stringify(calls)).not.toContain("wrong horse");
  });

  it("shows a PDF pdf.js cannot read with a way out to the system viewer", async () => {
    vi.mocked(openDocument).mockRejectedValue({ kind: "unreadable", message: "Invalid PDF structure." });
    const { calls } = mockBackend({
      paper_pdfs: () => [file()],
      reading_position: () => null,
      list_annotations: () => [],
      pdf_bytes: () => new ArrayBuffer(8),
      open_pdf_externally: () => null,
    });
    render(Reader, { paper: paper(), onclose: () => {} });
    expect((await screen.findByTestId("reader-failed")).textContent).toContain("cannot be shown: Invalid PDF structure.");
    await userEvent.click(screen.getByText("Open in the system viewer"));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "open_pdf_externally")?.args).toEqual({ id: "1706.03762", sha256: "ab".repeat(32) }),
    );
  });

  it("opens the file the highlights are on and offers the newer version beside it", async () => {
    vi.mocked(openDocument).mockRejectedValue({ kind: "unreadable", message: "stop here" });
    const { calls } = mockBackend({
      paper_pdfs: () => [file()],
      reading_position: () => null,
      list_annotations: () => [],
      pdf_bytes: () => new ArrayBuffer(8),
    });
    render(Reader, { paper: v1v2, onclose: () => {} });
    expect((await screen.findByTestId("reader-newer")).textContent).toContain("arXiv has v2; you are reading v1");
    expect(calls.find((c) => c.cmd === "pdf_bytes")?.args).toEqual({ id: "1706.03762", sha256: "ab".repeat(32) });
  });

  it("goes back to the list with Esc", async () => {
    mockBackend({ paper_pdfs: () => [] });
    const onclose = vi.fn();
    render(Reader, { paper: paper({ arxivId: null }), onclose });
    await screen.findByTestId("reader-no-pdf");
    await userEvent.click(screen.getByTestId("reader-back"));
    expect(onclose).toHaveBeenCalledTimes(1);
  });
});
