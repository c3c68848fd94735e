import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { expectModal } from "../../testing/modal";
import TagPrompt from "./TagPrompt.svelte";

describe("TagPrompt", () => {
  it("is a Modal: opens on its field, and Esc cancels without tagging", async () => {
    const onclose = vi.fn();
    const onsubmit = vi.fn();
    render(TagPrompt, { count: 2, known: ["gnn"], onsubmit, onclose });
    expect(document.activeElement).toBe(screen.getByTestId("tag-prompt-input"));
    await expectModal(userEvent.setup(), screen.getByRole("dialog", { name: "Tag papers" }), onclose);
    expect(onsubmit).not.toHaveBeenCalled();
  });
});
