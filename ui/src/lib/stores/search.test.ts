import { afterEach, describe, expect, it, vi } from "vitest";

import { hit } from "../testing/fixtures";
import { clearMocks, mockBackend } from "../testing/mockBackend";
import type { BrowseRequest } from "../types";
import {
  composeScope,
  FACETS_DELAY_MS,
  hasClause,
  hasWords,
  namesCollection,
  NO_FILTER,
  PAGE_SIZE,
  SearchView,
  toggleClause,
} from "./search.svelte";

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

/** Fakes only the facet timer's clock (`setTimeout`), so a test decides when typing has paused. */
const fakeTimeouts = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });

describe("query clauses", () => {
  it("toggles a facet clause in and out, keeping the typed last word last", () => {
    expect(toggleClause("diffus", "tag:llm")).toBe("tag:llm diffus");
    expect(toggleClause("tag:llm diffus", "tag:llm")).toBe("diffus");
    expect(toggleClause("", "year:2023")).toBe("year:2023");
    expect(toggleClause("graph ", "source:hf")).toBe("source:hf graph ");
    expect(toggleClause('"graph neural" TAG:LLM', "tag:llm")).toBe('"graph neural"');
  });

  it("knows filters from words", () => {
    expect(hasWords("tag:llm year:2023")).toBe(false);
    expect(hasWords("tag:llm -old")).toBe(false);
    expect(hasWords("tag:llm graph")).toBe(true);
    expect(hasClause('title:"a b" year:2020', "YEAR:2020")).toBe(true);
    expect(hasWords('in:"Reading group" -collection:old')).toBe(false);
    expect(namesCollection('gnn -in:"Reading group"')).toBe(true);
    expect(namesCollection("gnn tag:in")).toBe(false);
  });

  it("writes the sidebar scope into a saved query", () => {
    expect(composeScope(" gnn ", { status: "to-read", tag: "llm", collection: null })).toBe("status:to-read tag:llm gnn");
    expect(composeScope("", NO_FILTER)).toBe("");
    // A collection name with spaces stays one clause.
    expect(composeScope("gnn", { ...NO_FILTER, collection: "Reading group" })).toBe('in:"Reading group" gnn');
  });
});

describe("SearchView paging", () => {
  // Two and a half pages of the default page size.
  const P = PAGE_SIZE;
  const TOTAL = 2 * P + P / 2;
  function library() {
    return mockBackend({
      browse: (a) => {
        const r = a.request as Required<BrowseRequest>;
        const n = Math.max(0, Math.min(r.limit, TOTAL - r.offset));
        const hits = Array.from({ length: n }, (_, i) => hit({ id: `p${r.offset + i}`, title: `Paper ${r.offset + i}` }));
        return { query: r.query, total: TOTAL, totalExact: true, offset: r.offset, sort: "added", hits, facets: null, fuzzy: false, notices: [] };
      },
    });
  }

  it("loads the first page, then only the pages a window needs, each once", async () => {
    const { calls } = library();
    const view = new SearchView();
    await view.run();
    expect(view.total).toBe(TOTAL);
    expect(view.rows).toHaveLength(TOTAL);
    expect(view.rows[P - 1]?.id).toBe(`p${P - 1}`);
    expect(view.rows[P]).toBeUndefined();

    // A window across the second and third pages, then one inside them: each page asked once.
    await view.ensure(P + P / 2, 2 * P + P / 10);
    await view.ensure(P + (4 * P) / 5, 2 * P + (2 * P) / 5);
    const pages = calls.map((c) => c.args.request as Required<BrowseRequest>).filter((r) => !r.facets);
    expect(pages.map((r) => r.offset)).toEqual([0, P, 2 * P]);
    expect(pages.every((r) => r.limit === P)).toBe(true);
    expect(view.rows[TOTAL - 1]?.id).toBe(`p${TOTAL - 1}`);
    expect(view.indexOf(`p${P + (4 * P) / 5}`)).toBe(P + (4 * P) / 5);
    // Facets are asked for once, after the first page, and without a page of rows.
    await vi.waitFor(() => expect(calls.filter((c) => (c.args.request as Required<BrowseRequest>).facets)).toHaveLength(1));
    const facets = calls.map((c) => c.args.request as Required<BrowseRequest>).filter((r) => r.facets);
    expect(facets[0].limit).toBe(1);
  });

  it("asks for facet counts only once typing pauses, for the last query", async () => {
    fakeTimeouts();
    const { calls } = library();
    const view = new SearchView();
    for (const q of ["g", "gr", "gra", "grap"]) await view.setQuery(q);
    const facetCalls = () => calls.filter((c) => (c.args.request as Required<BrowseRequest>).facets);
    expect(facetCalls()).toHaveLength(0);
    // No counts shown yet, but some on their way: the bar is about to appear.
    expect(view.facetsPending).toBe(true);
    // One request waits for the pause: each keystroke cancelled the one before.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(FACETS_DELAY_MS - 1);
    expect(facetCalls()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(view.facetsPending).toBe(false));
    // Nothing is left to fire, so no other facet request can follow.
    expect(vi.getTimerCount()).toBe(0);
    expect(facetCalls().map((c) => (c.args.request as Required<BrowseRequest>).query)).toEqual(["grap"]);
    expect(calls.filter((c) => !(c.args.request as Required<BrowseRequest>).facets)).toHaveLength(4);
  });

  it("shows a lower bound while the core stops counting, then every match once facets count them", async () => {
    mockBackend({
      browse: (a) => {
        const r = a.request as Required<BrowseRequest>;
        const hits = Array.from({ length: Math.min(r.limit, 3) }, (_, i) => hit({ id: `p${i}`, title: `Paper ${i}` }));
        return r.facets
          ? { query: r.query, total: 25_000, totalExact: true, offset: 0, sort: "relevance", hits, facets: { status: [], tags: [], years: [], sources: [] }, fuzzy: false, notices: [] }
          : { query: r.query, total: 10_000, totalExact: false, offset: 0, sort: "relevance", hits, facets: null, fuzzy: false, notices: [] };
      },
    });
    fakeTimeouts();
    const view = new SearchView();
    view.query = "learning";
    await view.run();
    expect(view.total).toBe(10_000);
    expect(view.totalExact).toBe(false);
    await vi.advanceTimersByTimeAsync(FACETS_DELAY_MS);
    await vi.waitFor(() => expect(view.facetsPending).toBe(false));
    expect(view.total).toBe(25_000);
    expect(view.totalExact).toBe(true);
    expect(view.rows).toHaveLength(25_000);
    expect(view.rows[0]?.id).toBe("p0");
  });

  it("drops pages of an older query", async () => {
    library();
    const view = new SearchView();
    await view.run();
    const late = view.ensure(P, P + P / 5);
    const fresh = view.setQuery("graph");
    await Promise.all([late, fresh]);
    expect(view.rows[P]).toBeUndefined();
    expect(view.answered).toBe("graph");
  });
});
