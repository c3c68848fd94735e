import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { tick } from "svelte";
import { describe, expect, it, vi } from "vitest";

import { expectModal } from "../../testing/modal";
import NamePrompt from "./NamePrompt.svelte";

describe("NamePrompt", () => {
  it("is a Modal: opens on its field with the name selected, and Esc cancels", async () => {
    const onclose = vi.fn();
    const onsubmit = vi.fn();
    render(NamePrompt, { title: "Rename “gnn”", detail: "Its papers stay in it.", initial: "gnn", onsubmit, onclose });
    const input = screen.getByTestId<HTMLInputElement>("name-prompt-input");
    expect(document.activeElement).toBe(input);
    await tick();
    // Typing replaces the name it starts with.
    expect(input.value).toBe("gnn");
    expect([input.selectionStart, input.selectionEnd]).toEqual([0, 3]);
    await expectModal(userEvent.setup(), screen.getByRole("dialog", { name: "Rename “gnn”" }), onclose);
    expect(onsubmit).not.toHaveBeenCalled();
  });
});
