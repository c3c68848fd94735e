import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Command } from "../../palette";
import { expectModal } from "../../testing/modal";
import CommandPalette from "./CommandPalette.svelte";

const commands: Command[] = [
  { id: "read", label: "Mark as read", keys: "r", group: "Triage", run: () => {} },
  { id: "export", label: "Export the list…", group: "App", run: () => {} },
];

describe("CommandPalette", () => {
  it("is a Modal: opens on its field, and Esc closes it from any item, not only the field", async () => {
    const onclose = vi.fn();
    render(CommandPalette, { commands, onclose });
    const dialog = screen.getByTestId("palette");
    expect(screen.getByRole("dialog", { name: "Command palette" })).toBe(dialog);
    expect(document.activeElement).toBe(screen.getByTestId("palette-input"));
    await expectModal(userEvent.setup(), dialog, onclose);
  });
});
