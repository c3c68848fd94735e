import { afterEach, describe, expect, it } from "vitest";

import { tabbable, trapFocus } from "./focus";

function dialog(html: string): HTMLElement {
  const node = document.createElement("div");
  node.tabIndex = -1;
  node.innerHTML = html;
  document.body.append(node);
  return node;
}

function tab(node: HTMLElement, shiftKey = false): void {
  const event = new KeyboardEvent("keydown", { key: "Tab", shiftKey, bubbles: true, cancelable: true });
  (document.activeElement ?? node).dispatchEvent(event);
  // jsdom has no default Tab action: move like the browser would when nothing prevented it.
  if (!event.defaultPrevented) {
    const items = tabbable(document.body);
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + (shiftKey ? -1 : 1) + items.length) % items.length]?.focus();
  }
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("trapFocus", () => {
  it("cycles Tab and Shift-Tab inside the dialog", () => {
    const outside = document.createElement("button");
    document.body.append(outside);
    const node = dialog(`<button id="a">a</button><input id="b"><button id="c" disabled>c</button><a id="d" href="https://x.org">d</a>`);
    const trap = trapFocus(node)!;
    node.querySelector<HTMLElement>("#d")!.focus();
    tab(node);
    expect(document.activeElement?.id).toBe("a");
    tab(node, true);
    expect(document.activeElement?.id).toBe("d");
    tab(node, true);
    expect(document.activeElement?.id).toBe("b");
    trap.destroy?.();
  });

  it("gives focus back to where it was when the dialog closes", () => {
    const opener = document.createElement("button");
    document.body.append(opener);
    opener.focus();
    const node = dialog(`<button id="a">a</button>`);
    const trap = trapFocus(node)!;
    node.querySelector<HTMLElement>("#a")!.focus();
    trap.destroy?.();
    node.remove();
    expect(document.activeElement).toBe(opener);
  });

  /** Opens a modal whose input takes focus before the action runs (as a component's onMount
   * does), then closes it. */
  function openFocusingItsInputThenClose(): void {
    const node = dialog(`<input id="q">`);
    node.setAttribute("aria-modal", "true");
    node.querySelector<HTMLElement>("#q")!.focus();
    const trap = trapFocus(node)!;
    trap.destroy?.();
    node.remove();
  }

  it("remembers the opener even when the dialog focused its input first", () => {
    const opener = document.createElement("button");
    document.body.append(opener);
    opener.focus();
    openFocusingItsInputThenClose();
    expect(document.activeElement).toBe(opener);
  });

  it("does not bring back a focus the user had let go of before opening", () => {
    const search = document.createElement("input");
    document.body.append(search);
    search.focus();
    search.blur();
    openFocusingItsInputThenClose();
    expect(document.activeElement).not.toBe(search);
  });

  it("leaves focus alone when the user already moved it elsewhere", () => {
    const opener = document.createElement("button");
    const elsewhere = document.createElement("input");
    document.body.append(opener, elsewhere);
    opener.focus();
    const node = dialog(`<button id="a">a</button>`);
    const trap = trapFocus(node)!;
    elsewhere.focus();
    trap.destroy?.();
    expect(document.activeElement).toBe(elsewhere);
  });

  it("keeps focus on a dialog with nothing to tab to", () => {
    const node = dialog(`<p>Only text</p>`);
    const trap = trapFocus(node)!;
    node.focus();
    tab(node);
    expect(document.activeElement).toBe(node);
    trap.destroy?.();
  });
});
