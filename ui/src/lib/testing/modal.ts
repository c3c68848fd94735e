// What every dialog owes the user by being built on `Modal.svelte`, checked the same way for each.
import type { UserEvent } from "@testing-library/user-event";
import { expect, vi, type Mock } from "vitest";

import { tabbable } from "../focus";

/**
 * Checks that `dialog` (already open, `onclose` not called yet) is a modal: marked so, holding
 * focus, Tab and Shift-Tab wrapping inside it, Esc closing it without reaching the page's own
 * keys, and a click on the backdrop closing it.
 */
export async function expectModal(user: UserEvent, dialog: HTMLElement, onclose: Mock): Promise<void> {
  expect(dialog.getAttribute("aria-modal")).toBe("true");
  expect(dialog.contains(document.activeElement)).toBe(true);

  // Something to tab to on either side, as the page behind has.
  const outside = [document.createElement("button"), document.createElement("button")];
  document.body.prepend(outside[0]);
  document.body.append(outside[1]);
  try {
    const items = tabbable(dialog);
    expect(items.length).toBeGreaterThan(0);
    items.at(-1)!.focus();
    await user.tab();
    expect(document.activeElement).toBe(items[0]);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(items.at(-1));
  } finally {
    for (const button of outside) button.remove();
  }

  // Esc from wherever focus is inside (here the last element, not only the first field).
  const page = vi.fn();
  window.addEventListener("keydown", page);
  try {
    await user.keyboard("{Escape}");
  } finally {
    window.removeEventListener("keydown", page);
  }
  expect(onclose).toHaveBeenCalledOnce();
  expect(page).not.toHaveBeenCalled();

  await user.click(dialog.parentElement!);
  expect(onclose).toHaveBeenCalledTimes(2);
}
