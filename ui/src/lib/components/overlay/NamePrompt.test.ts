import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { expectModal } from "../../testing/modal";
import NamePrompt from "./NamePrompt.svelte";

describe("NamePrompt", () => {
  it("is a Modal: opens on its field, and Esc cancels", async () => {
    const onclose = vi.fn();
    const onsubmit = vi.fn();
    render(NamePrompt, { title: "Rename “gnn”", detail: "Its papers stay in it.", initial: "gnn", onsubmit, onclose });
    const input = screen.getByTestId<HTMLInputElement>("name-prompt-input");
    expect(document.activeElement).toBe(input);
    await expectModal(userEvent.setup(), screen.getByRole("dialog", { name: "Rename “gnn”" }), onclose);
    expect(onsubmit).not.toHaveBeenCalled();
  });
});
