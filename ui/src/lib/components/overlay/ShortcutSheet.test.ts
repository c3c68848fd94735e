import { fireEvent, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Command } from "../../palette";
import { expectModal } from "../../testing/modal";
import ShortcutSheet from "./ShortcutSheet.svelte";

const commands: Command[] = [
  { id: "read", label: "Mark as read", keys: "r", group: "Triage", run: () => {} },
  { id: "next", label: "Next paper", keys: "j", group: "Navigate", run: () => {} },
];

function open() {
  const onclose = vi.fn();
  render(ShortcutSheet, { commands, onclose });
  return { onclose, dialog: screen.getByTestId("shortcut-sheet") };
}

describe("ShortcutSheet", () => {
  it("is a Modal: opens on its close button, and Esc closes it", async () => {
    const { dialog, onclose } = open();
    expect(screen.getByRole("dialog", { name: "Keyboard shortcuts" })).toBe(dialog);
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Close" }));
    await expectModal(userEvent.setup(), dialog, onclose);
  });

  it("closes on ? again, and on a click anywhere on the sheet", async () => {
    const first = open();
    const page = vi.fn();
    window.addEventListener("keydown", page);
    await userEvent.setup().keyboard("?");
    window.removeEventListener("keydown", page);
    expect(first.onclose).toHaveBeenCalledOnce();
    // The page's own `?` would open the sheet again.
    expect(page).not.toHaveBeenCalled();

    await fireEvent.click(screen.getByText("Mark as read"));
    expect(first.onclose).toHaveBeenCalledTimes(2);
  });
});
