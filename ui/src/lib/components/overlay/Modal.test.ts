import { fireEvent, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { createRawSnippet } from "svelte";
import { describe, expect, it, vi } from "vitest";

import { expectModal } from "../../testing/modal";
import Modal from "./Modal.svelte";

/** Three things to tab through; the snippet has to be one element. */
const content = createRawSnippet(() => ({
  render: () => `<div><button id="first">First</button><input id="middle" aria-label="Middle" /><button id="last">Last</button></div>`,
}));

function open(props: Partial<Parameters<typeof Modal>[1]> = {}) {
  const onclose = vi.fn();
  const view = render(Modal, { props: { label: "Test dialog", testid: "modal", onclose, children: content, ...props } });
  return { ...view, onclose, dialog: screen.getByTestId("modal") };
}

describe("Modal", () => {
  it("is a named modal dialog that takes focus, keeps Tab inside, and closes on Esc or the backdrop", async () => {
    const { dialog, onclose } = open();
    expect(screen.getByRole("dialog", { name: "Test dialog" })).toBe(dialog);
    expect(document.activeElement?.id).toBe("first");
    await expectModal(userEvent.setup(), dialog, onclose);
  });

  it("focuses what initialFocus names, and the panel itself when nothing in it takes focus", () => {
    const named = open({ initialFocus: "#middle" });
    expect(document.activeElement?.id).toBe("middle");
    named.unmount();
    const empty = createRawSnippet(() => ({ render: () => "<p>Only text</p>" }));
    const { dialog } = open({ children: empty });
    expect(document.activeElement).toBe(dialog);
  });

  it("closes on nothing when a click lands inside the panel", async () => {
    const { onclose } = open();
    await fireEvent.click(screen.getByText("Last"));
    await fireEvent.click(screen.getByRole("textbox"));
    expect(onclose).not.toHaveBeenCalled();
  });

  it("stays open on Esc and the backdrop while not dismissible", async () => {
    const { dialog, onclose } = open({ dismissible: false });
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await fireEvent.click(dialog.parentElement!);
    expect(onclose).not.toHaveBeenCalled();
  });

  it("lets the content's own keys run first, and keep Esc for themselves", async () => {
    const onkeydown = vi.fn((event: KeyboardEvent) => event.preventDefault());
    const { onclose } = open({ onkeydown });
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(onkeydown).toHaveBeenCalledOnce();
    expect(onclose).not.toHaveBeenCalled();
  });

  it("gives focus back to what opened it when it closes", () => {
    const opener = document.createElement("button");
    document.body.append(opener);
    opener.focus();
    const { unmount } = open();
    expect(document.activeElement?.id).toBe("first");
    unmount();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
