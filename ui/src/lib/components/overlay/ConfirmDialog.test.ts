import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { expectModal } from "../../testing/modal";
import ConfirmDialog from "./ConfirmDialog.svelte";

describe("ConfirmDialog", () => {
  it("is a Modal: opens on its confirming button, and Esc cancels without confirming", async () => {
    const onclose = vi.fn();
    const onconfirm = vi.fn();
    render(ConfirmDialog, { title: "Delete “gnn”?", detail: "The papers stay.", confirm: "Delete", onconfirm, onclose });
    const dialog = screen.getByRole("alertdialog", { name: "Delete “gnn”?", description: "The papers stay." });
    expect(document.activeElement).toBe(screen.getByTestId("confirm-button"));
    await expectModal(userEvent.setup(), dialog, onclose);
    expect(onconfirm).not.toHaveBeenCalled();
  });
});
