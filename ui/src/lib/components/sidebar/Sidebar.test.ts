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
