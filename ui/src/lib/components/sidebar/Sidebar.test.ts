import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { LibraryCounts } from "../../stores/counts.svelte";
import { NO_FILTER, type Filter } from "../../stores/search.svelte";
import { collection as col } from "../../testing/fixtures";
import type { Collection } from "../../types";
import Sidebar from "./Sidebar.svelte";

function counts(collections: Collection[] = [col({ count: 2 })]): LibraryCounts {
  const c = new LibraryCounts();
  c.tags = [{ name: "llm", count: 4 }];
  c.collections = collections;
  return c;
}

function sidebar(filter: Filter, onfilter: (f: Filter) => void = () => {}) {
  return render(Sidebar, { counts: counts(), filter, onfilter, oncreate: () => {}, onrename: () => {}, ondelete: () => {} });
}

/**
 * "marked" when an entry is highlighted and says it is current (aria-current or aria-pressed),
 * "plain" when neither, "mixed" when the two disagree.
 */
function mark(el: HTMLElement): "marked" | "plain" | "mixed" {
  const said = el.getAttribute("aria-current") === "true" || el.getAttribute("aria-pressed") === "true";
  const shown = el.classList.contains("active");
  return said && shown ? "marked" : !said && !shown ? "plain" : "mixed";
}

const all = () => screen.getByTestId("status-count-all");
const toRead = () => screen.getByTestId("status-count-to-read");
const tag = () => screen.getByTestId("tag-count");
const collection = () => screen.getByTestId("collection-count");

describe("Sidebar", () => {
  // [All papers, To read, #llm, Thesis]
  const entries = () => [all(), toRead(), tag(), collection()].map(mark);

  it("marks All papers when nothing narrows the list", () => {
    sidebar(NO_FILTER);
    expect(entries()).toEqual(["marked", "plain", "plain", "plain"]);
  });

  it("does not mark All papers while a collection is scoped: the collection is current", () => {
    sidebar({ ...NO_FILTER, collection: "thesis" });
    expect(entries()).toEqual(["plain", "plain", "plain", "marked"]);
  });

  it("does not mark All papers while a tag is scoped: the tag is current", () => {
    sidebar({ ...NO_FILTER, tag: "llm" });
    expect(entries()).toEqual(["plain", "plain", "marked", "plain"]);
  });

  it("marks both a status and a collection when both scope the list", () => {
    sidebar({ status: "to-read", tag: null, collection: "Thesis" });
    expect(entries()).toEqual(["plain", "marked", "plain", "marked"]);
  });

  it("still clears only the status when All papers is clicked under a collection", async () => {
    const onfilter = vi.fn();
    sidebar({ status: "to-read", tag: "llm", collection: "Thesis" }, onfilter);
    await userEvent.setup().click(all());
    expect(onfilter).toHaveBeenCalledWith({ status: null, tag: "llm", collection: "Thesis" });
  });
});

/** A small tree in the core's order: parents first, siblings by name. */
function tree(): Collection[] {
  return [
    col({ id: 1, name: "Reading group", count: 1 }),
    col({ id: 2, name: "Thesis", count: 0 }),
    col({ id: 3, name: "Chapter 2", path: "Thesis/Chapter 2", parent: 2, depth: 1, count: 3 }),
    col({ id: 4, name: "Figures", path: "Thesis/Chapter 2/Figures", parent: 3, depth: 2, count: 1 }),
    col({ id: 5, name: "Chapter 3", path: "Thesis/Chapter 3", parent: 2, depth: 1, count: 0 }),
  ];
}

describe("Sidebar collection tree", () => {
  const rows = () =>
    screen.getAllByTestId("collection-count").map((b) => {
      const li = b.closest("li")!;
      return `${"  ".repeat(Number(li.dataset.depth))}${b.querySelector(".name")!.textContent}`;
    });
  const toggleOf = (path: string) => screen.getByRole("button", { name: new RegExp(`the collections in ${path}$`) });
  const render_ = (filter: Filter = NO_FILTER, onfilter: (f: Filter) => void = () => {}, handlers: Partial<Record<"onrename" | "ondelete", (p: string) => void>> = {}) =>
    render(Sidebar, {
      counts: counts(tree()),
      filter,
      onfilter,
      oncreate: () => {},
      onrename: handlers.onrename ?? (() => {}),
      ondelete: handlers.ondelete ?? (() => {}),
    });

  it("shows children indented under their parents, by their own names", () => {
    render_();
    expect(rows()).toEqual(["Reading group", "Thesis", "  Chapter 2", "    Figures", "  Chapter 3"]);
    // Only collections with children get a chevron, and all start unfolded.
    const toggles = screen.getAllByTestId("collection-toggle");
    expect(toggles).toHaveLength(2);
    expect(toggles.map((t) => t.getAttribute("aria-expanded"))).toEqual(["true", "true"]);
  });

  it("folds a parent's whole subtree away with its chevron and back", async () => {
    const user = userEvent.setup();
    render_();
    await user.click(toggleOf("Thesis"));
    expect(rows()).toEqual(["Reading group", "Thesis"]);
    expect(toggleOf("Thesis").getAttribute("aria-expanded")).toBe("false");
    await user.click(toggleOf("Thesis"));
    expect(rows()).toEqual(["Reading group", "Thesis", "  Chapter 2", "    Figures", "  Chapter 3"]);
    // A folded child stays folded inside an unfolded parent.
    await user.click(toggleOf("Thesis/Chapter 2"));
    expect(rows()).toEqual(["Reading group", "Thesis", "  Chapter 2", "  Chapter 3"]);
  });

  it("selects a nested collection by its path, and marks only it", async () => {
    const onfilter = vi.fn();
    const user = userEvent.setup();
    const { unmount } = render_(NO_FILTER, onfilter);
    await user.click(screen.getAllByTestId("collection-count")[3]);
    expect(onfilter).toHaveBeenCalledWith({ ...NO_FILTER, collection: "Thesis/Chapter 2/Figures" });

    unmount();
    render_({ ...NO_FILTER, collection: "thesis / chapter 2" });
    const marks = screen.getAllByTestId("collection-count").map(mark);
    expect(marks).toEqual(["plain", "plain", "marked", "plain", "plain"]);
  });

  it("unfolds the parents of a collection opened from elsewhere", async () => {
    const user = userEvent.setup();
    const { rerender } = render_();
    await user.click(toggleOf("Thesis"));
    expect(rows()).toEqual(["Reading group", "Thesis"]);
    await rerender({ filter: { ...NO_FILTER, collection: "Thesis/Chapter 2/Figures" } });
    expect(rows()).toEqual(["Reading group", "Thesis", "  Chapter 2", "    Figures", "  Chapter 3"]);
  });

  it("renames and deletes by path", async () => {
    const onrename = vi.fn();
    const ondelete = vi.fn();
    const user = userEvent.setup();
    render_(NO_FILTER, () => {}, { onrename, ondelete });
    await user.click(screen.getByRole("button", { name: "Rename collection Thesis/Chapter 2" }));
    await user.click(screen.getByRole("button", { name: "Delete collection Thesis/Chapter 2/Figures" }));
    expect(onrename).toHaveBeenCalledWith("Thesis/Chapter 2");
    expect(ondelete).toHaveBeenCalledWith("Thesis/Chapter 2/Figures");
  });
});
