// Keyboard focus for modal dialogs: Tab and Shift-Tab cycle inside the dialog instead of
// wandering into the page behind it, and closing the dialog gives focus back to where it was
// (the row, the button or the search box the user came from).
import type { Action } from "svelte/action";

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type=hidden])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

/** The elements of `root` that Tab can reach, in document order. */
export function tabbable(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !el.closest("[hidden], [inert]") && el.getAttribute("aria-hidden") !== "true",
  );
}

/**
 * The element focused last outside any modal dialog. A dialog's own `onMount` may focus its
 * input before the action below runs, so the opener is remembered as focus moves, not read
 * when the dialog mounts.
 */
let lastOutside: HTMLElement | null = null;

function outsideDialogs(target: EventTarget | null): target is HTMLElement {
  return target instanceof HTMLElement && !target.closest("[aria-modal='true']");
}

if (typeof document !== "undefined") {
  document.addEventListener(
    "focusin",
    (event) => {
      if (outsideDialogs(event.target)) lastOutside = event.target;
    },
    true,
  );
  // Focus let go to nowhere (blurred): there is nothing to go back to.
  document.addEventListener(
    "focusout",
    (event) => {
      if (outsideDialogs(event.target) && event.relatedTarget === null) lastOutside = null;
    },
    true,
  );
}

/** Keeps Tab inside `node` while it is mounted, and restores the earlier focus when it goes. */
export const trapFocus: Action<HTMLElement> = (node) => {
  const at = document.activeElement;
  const before = at instanceof HTMLElement && at !== document.body && !node.contains(at) ? at : lastOutside;

  function onkeydown(event: KeyboardEvent) {
    if (event.key !== "Tab" || event.defaultPrevented) return;
    const items = tabbable(node);
    if (items.length === 0) {
      event.preventDefault();
      node.focus();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    const at = document.activeElement;
    const inside = at instanceof Node && node.contains(at);
    if (event.shiftKey && (at === first || !inside || at === node)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (at === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  }

  node.addEventListener("keydown", onkeydown);
  return {
    destroy() {
      node.removeEventListener("keydown", onkeydown);
      // Only when focus was in the dialog (or lost with it): never steal it from elsewhere.
      const at = document.activeElement;
      const lost = at === null || at === document.body || node.contains(at);
      if (before && before.isConnected && lost) before.focus({ preventScroll: true });
    },
  };
};
