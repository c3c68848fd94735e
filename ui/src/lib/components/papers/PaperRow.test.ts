import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";

import { hit } from "../../testing/fixtures";
import PaperRow from "./PaperRow.svelte";

describe("PaperRow", () => {
  it("shows title, first authors, date, upvotes and the marked snippet", () => {
    const row = hit({
      authors: ["A One", "B Two", "C Three", "D Four", "E Five"],
      titleSnippet: { text: "Attention Is All You Need", highlights: [{ start: 0, end: 9 }] },
    });
    const { container } = render(PaperRow, { row, onselect: () => {} });
    expect(screen.getByTestId("result-title").textContent).toBe("Attention Is All You Need");
    expect(container.querySelector(".title mark")?.textContent).toBe("Attention");
    expect(container.textContent).toContain("A One, B Two, C Three +2");
    expect(container.textContent).toContain("Jun 12, 2017");
    expect(container.textContent).toContain("▲ 42");
  });

  it("falls back to the author count and organisation, and a year-less date", () => {
    const row = hit({ authors: [], authorCount: 7, organization: "Google", published: { year: null, month: 5, day: 22 }, year: null, upvotes: null });
    const { container } = render(PaperRow, { row, onselect: () => {} });
    expect(container.textContent).toContain("7 authors · Google");
    expect(container.textContent).toContain("May 22");
    expect(container.textContent).not.toContain("▲");
  });

  it("badges the status and lists tags as text", () => {
    const row = hit({ status: "to-read", tags: ["<img/src=x/onerror=alert(1)>", "gnn"] });
    const { container } = render(PaperRow, { row, onselect: () => {} });
    expect(screen.getByTestId("status-badge").textContent).toBe("To read");
    expect(screen.getAllByTestId("row-tag").map((t) => t.textContent)).toEqual(["#<img/src=x/onerror=alert(1)>", "#gnn"]);
    expect(container.querySelector("img")).toBeNull();
  });

  it("reports a click with the paper id", async () => {
    const onselect = vi.fn();
    render(PaperRow, { row: hit(), onselect });
    await fireEvent.click(screen.getByTestId("result-row"));
    expect(onselect).toHaveBeenCalledWith("1706.03762");
  });
});
