import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { expectModal } from "../../testing/modal";
import ExportDialog from "./ExportDialog.svelte";

describe("ExportDialog", () => {
  it("is a Modal: opens on the chosen format, and Esc closes it", async () => {
    const onclose = vi.fn();
    const onexport = vi.fn();
    render(ExportDialog, { papers: 3, what: "To read", onexport, onclose });
    const dialog = screen.getByTestId("export-dialog");
    expect(screen.getByRole("dialog", { name: "Export 3 papers" })).toBe(dialog);
    expect(document.activeElement).toBe(screen.getByRole("radio", { name: "BibTeX (.bib)" }));
    await expectModal(userEvent.setup(), dialog, onclose);
    expect(onexport).not.toHaveBeenCalled();
  });
});
