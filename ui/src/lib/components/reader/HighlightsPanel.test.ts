import { fireEvent, render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Annotation } from "../../types";
import HighlightsPanel from "./HighlightsPanel.svelte";

const annotation = (over: Partial<Annotation> = {}): Annotation => ({
  id: "0b8f2a52-8a3c-4f7e-9f0e-3d2c1b0a9f8e",
  paperId: "1706.03762",
  pdfSha256: "ab".repeat(32),
  kind: "highlight",
  page: 3,
  pageLabel: "iii",
  color: "#ffd400",
  rects: [[72, 700, 300, 712]],
  quote: "<img src=x onerror=alert(1)> attention is all",
  quotePrefix: null,
  quoteSuffix: null,
  quoteOffset: null,
  shape: null,
  comment: "",
  created: "2026-12-07T10:00:00Z",
  updated: "2026-12-07T10:00:00Z",
  ...over,
});

function setup(list: Annotation[]) {
  const handlers = { onfocus: vi.fn(), onchange: vi.fn(), ondelete: vi.fn(), onaddtonote: vi.fn() };
  render(HighlightsPanel, { annotations: list, ...handlers });
  return handlers;
}

describe("HighlightsPanel", () => {
  it("names the kinds made in other readers", () => {
    setup([
      annotation({ id: "a", kind: "underline", color: "#2ea8e5" }),
      annotation({ id: "b", kind: "ink", page: 4, pageLabel: null, quote: null }),
      annotation({ id: "c", kind: "image", page: 5, pageLabel: null, quote: null }),
      annotation({ id: "d", kind: "text", page: 6, pageLabel: null, quote: null, comment: "typed on the page" }),
    ]);
    const labels = screen.getAllByTestId("highlight-item").map((i) => i.querySelector(".where")?.textContent);
    expect(labels).toEqual(["p. 3 (iii) · underline, blue", "p. 4 · drawing", "p. 5 · image area", "p. 6 · text box"]);
  });

  it("lists each highlight with its page, label and colour, its quote as text", () => {
    setup([annotation()]);
    const item = screen.getByTestId("highlight-item");
    expect(item.textContent).toContain("p. 3 (iii) · yellow");
    expect(item.textContent).toContain("<img src=x onerror=alert(1)> attention is all");
    expect(item.querySelector("img")).toBeNull();
  });

  it("goes to a highlight, recolours and deletes it", async () => {
    const h = setup([annotation()]);
    await userEvent.click(screen.getByTitle("Go to it"));
    expect(h.onfocus).toHaveBeenCalledWith(annotation().id);
    await userEvent.click(screen.getByLabelText("Make it green"));
    expect(h.onchange).toHaveBeenCalledWith(annotation().id, { color: "#5fb236" });
    await userEvent.click(screen.getByTestId("highlight-delete"));
    expect(h.ondelete).toHaveBeenCalledWith(annotation().id);
  });

  it("saves a comment once typing pauses, and at once when the field is left", async () => {
    vi.useFakeTimers();
    try {
      const h = setup([annotation()]);
      const field = screen.getByTestId("highlight-comment");
      await fireEvent.input(field, { target: { value: "key" } });
      await fireEvent.input(field, { target: { value: "key idea" } });
      expect(h.onchange).not.toHaveBeenCalled();
      vi.advanceTimersByTime(900);
      expect(h.onchange).toHaveBeenCalledTimes(1);
      expect(h.onchange).toHaveBeenCalledWith(annotation().id, { comment: "key idea" });
      await fireEvent.input(field, { target: { value: "key idea, again" } });
      await fireEvent.blur(field);
      expect(h.onchange).toHaveBeenLastCalledWith(annotation().id, { comment: "key idea, again" });
      vi.advanceTimersByTime(900);
      expect(h.onchange).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("offers Add to note only when there is something to add, and says what is elsewhere", () => {
    render(HighlightsPanel, { annotations: [], elsewhere: 2, onfocus: vi.fn(), onchange: vi.fn(), ondelete: vi.fn(), onaddtonote: vi.fn() });
    expect((screen.getByTestId("add-to-note") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/2 more on another version/)).toBeTruthy();
  });
});
