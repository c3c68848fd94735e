import { afterEach, describe, expect, it } from "vitest";

import { hit } from "../testing/fixtures";
import { clearMocks, mockBackend } from "../testing/mockBackend";
import type { BrowseRequest } from "../types";
import { composeScope, hasClause, hasWords, SearchView, toggleClause } from "./search.svelte";

afterEach(() => clearMocks());

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
  });

  it("writes the sidebar scope into a saved query", () => {
    expect(composeScope(" gnn ", { status: "to-read", tag: "llm" })).toBe("status:to-read tag:llm gnn");
    expect(composeScope("", { status: null, tag: null })).toBe("");
  });
});

describe("SearchView paging", () => {
  const TOTAL = 250;
  function library() {
    return mockBackend({
      browse: (a) => {
        const r = a.request as BrowseRequest;
        const n = Math.max(0, Math.min(r.limit, TOTAL - r.offset));
        const hits = Array.from({ length: n }, (_, i) => hit({ id: `p${r.offset + i}`, title: `Paper ${r.offset + i}` }));
        return { query: r.query, total: TOTAL, offset: r.offset, sort: "added", hits, facets: null, fuzzy: false, notices: [] };
      },
    });
  }

  it("loads the first page, then only the pages a window needs, each once", async () => {
    const { calls } = library();
    const view = new SearchView(100);
    await view.run();
    expect(view.total).toBe(TOTAL);
    expect(view.rows).toHaveLength(TOTAL);
    expect(view.rows[99]?.id).toBe("p99");
    expect(view.rows[100]).toBeUndefined();

    await view.ensure(150, 210);
    await view.ensure(180, 240);
    const offsets = calls.map((c) => (c.args.request as BrowseRequest).offset);
    expect(offsets).toEqual([0, 100, 200]);
    expect(view.rows[249]?.id).toBe("p249");
    expect(view.indexOf("p180")).toBe(180);
    // Only the first page asks for facets.
    expect(calls.map((c) => (c.args.request as BrowseRequest).facets)).toEqual([true, false, false]);
  });

  it("drops pages of an older query", async () => {
    library();
    const view = new SearchView(100);
    await view.run();
    const late = view.ensure(100, 120);
    const fresh = view.setQuery("graph");
    await Promise.all([late, fresh]);
    expect(view.rows[100]).toBeUndefined();
    expect(view.answered).toBe("graph");
  });
});
