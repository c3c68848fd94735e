// The middle pane's state: the query, the sidebar scope, the order, and the answer for them,
// fetched page by page as the virtual list scrolls (the whole library can be 100k+ papers).
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { BrowseSort, Facets, PageSnippet, Paper, PaperSummary, Snippet, Status } from "../types";

/** A list row: a paper with the snippets of the query that found it. */
export type Row = PaperSummary & {
  titleSnippet?: Snippet;
  abstractSnippet?: Snippet;
  /** The PDF page the words were found on, when they were found only inside the PDF. */
  fulltextSnippet?: PageSnippet | null;
};

export interface Filter {
  status: Status | null;
  tag: string | null;
  /** A collection's name. */
  collection: string | null;
}

/** The sidebar scope that shows the whole library. */
export const NO_FILTER: Filter = { status: null, tag: null, collection: null };

/**
 * The query with the sidebar scope written into it (`status:to-read tag:llm in:"Thesis" diffusion`).
 * Collection names never hold `"`, so quoting keeps a name with spaces one clause.
 */
export function composeScope(query: string, filter: Filter): string {
  const parts: string[] = [];
  if (filter.status) parts.push(`status:${filter.status}`);
  if (filter.tag) parts.push(`tag:${filter.tag}`);
  if (filter.collection) parts.push(`in:"${filter.collection}"`);
  if (query.trim()) parts.push(query.trim());
  return parts.join(" ");
}

/** Rows fetched per request: about two screens, so the answer to a keystroke is small and quick. */
export const PAGE_SIZE = 30;

/**
 * Facet counts are asked for once typing pauses this long. Counting every match is the slow half
 * of an answer, and the core answers one request at a time: counts for a prefix the user is still
 * typing would only hold up the rows of the next keystroke.
 */
export const FACETS_DELAY_MS = 120;

/** A facet value as a query clause (`tag:llm`, `year:2023`, `source:hf`, `status:read`). */
export function facetClause(field: keyof Facets, value: string): string {
  const name = { status: "status", tags: "tag", years: "year", sources: "source" }[field];
  return `${name}:${value}`;
}

/** Splits a query into its clauses, keeping quoted phrases whole. */
function clauses(query: string): string[] {
  return query.match(/-?\w+:"[^"]*"?|-?"[^"]*"?|\S+/g) ?? [];
}

/** True when `query` holds `clause` (case-insensitive), e.g. after a facet click. */
export function hasClause(query: string, clause: string): boolean {
  const want = clause.toLowerCase();
  return clauses(query).some((c) => c.toLowerCase() === want);
}

/** Adds `clause` to `query`, or takes it out when it is there: a facet click toggles. */
export function toggleClause(query: string, clause: string): string {
  const want = clause.toLowerCase();
  const parts = clauses(query);
  const kept = parts.filter((c) => c.toLowerCase() !== want);
  // Added clauses go first so the user's last typed word stays the prefix being completed.
  const next = kept.length === parts.length ? [clause, ...parts] : kept;
  const ended = /\s$/.test(query) && next.length > 0 ? " " : "";
  return next.join(" ") + ended;
}

/** True when a query names a collection (`in:`, `collection:`), so membership changes its answer. */
export function namesCollection(query: string): boolean {
  return clauses(query).some((c) => /^-?(in|collections?):/i.test(c));
}

/** True when a query has words to rank by (not only field filters such as `tag:x`). */
export function hasWords(query: string): boolean {
  return clauses(query).some(
    (c) => !c.startsWith("-") && !/^(tag|tags|status|year|source|in|collection|collections):/i.test(c),
  );
}

export class SearchView {
  query = $state("");
  filter = $state<Filter>(NO_FILTER);
  /** The order asked for; `null` lets the core choose (relevance for words, else newest added). */
  sort = $state<BrowseSort | null>(null);
  /** The order the shown rows are in. */
  effectiveSort = $state<BrowseSort>("added");
  /** Every row of the answer by position; positions not fetched yet are `undefined`. */
  rows = $state.raw<(Row | undefined)[]>([]);
  total = $state(0);
  /** False while `total` is a lower bound (the core stops counting early); facets count all. */
  totalExact = $state(true);
  facets = $state.raw<Facets | null>(null);
  /** True while the shown facet counts belong to an earlier answer (typing has not paused yet). */
  facetsStale = $state(false);
  /** True from an answer until its facet counts arrive (or fail): the bar may still appear or change. */
  facetsPending = $state(false);
  fuzzy = $state(false);
  notices = $state<string[]>([]);
  error = $state<ApiError | null>(null);
  /** True once the first answer (or error) arrived: until then show nothing rather than "no results". */
  loaded = $state(false);
  /** The query the shown rows answer (lags `query` while a request is in flight). */
  answered = $state("");
  /** Bumped with every new answer, so the list can scroll back to the top. */
  generation = $state(0);

  /** Counts requests; an answer for anything but the newest one is dropped. */
  #latest = 0;
  /** Pages asked for in the current generation (so scrolling never asks twice). */
  #pending = new Set<number>();
  /** The facet request waiting for typing to pause. */
  #facetTimer: ReturnType<typeof setTimeout> | undefined;
  readonly limit: number;

  constructor(limit = PAGE_SIZE) {
    this.limit = limit;
  }

  get browsing(): boolean {
    return !hasWords(this.answered);
  }

  /** The rows fetched so far, in order (for keyboard moves and lookups). */
  get loadedRows(): Row[] {
    return this.rows.filter((r): r is Row => r !== undefined);
  }

  rowById(id: string): Row | undefined {
    return this.rows.find((r) => r?.id === id);
  }

  indexOf(id: string): number {
    return this.rows.findIndex((r) => r?.id === id);
  }

  setQuery(query: string): Promise<void> {
    this.query = query;
    return this.run();
  }

  setSort(sort: BrowseSort | null): Promise<void> {
    this.sort = sort;
    return this.run();
  }

  setFilter(filter: Filter): Promise<void> {
    this.filter = filter;
    return this.run();
  }

  /** Runs a saved search: its query and order, over the whole library. */
  open(query: string, sort: BrowseSort | null): Promise<void> {
    this.query = query;
    this.sort = sort;
    this.filter = NO_FILTER;
    return this.run();
  }

  #request(offset: number, facets: boolean) {
    // "Best match" only means something with words; without them the core's default applies.
    const sort = this.sort === "relevance" && !hasWords(this.query) ? null : this.sort;
    return {
      query: this.query,
      status: this.filter.status,
      tag: this.filter.tag,
      collection: this.filter.collection,
      sort,
      offset,
      limit: this.limit,
      facets,
    };
  }

  /**
   * Asks for the first page of the current query, then, once typing pauses, its facet counts
   * (the rows are drawn first). Older answers never overwrite newer ones.
   */
  async run(): Promise<void> {
    const ticket = ++this.#latest;
    clearTimeout(this.#facetTimer);
    const started = performance.now();
    const request = this.#request(0, false);
    try {
      const res = await api.browse(request);
      if (ticket !== this.#latest) return;
      measure("browse-answered", started);
      const rows = new Array<Row | undefined>(res.total);
      res.hits.forEach((hit, i) => (rows[i] = hit));
      this.#pending = new Set([0]);
      this.rows = rows;
      this.total = res.total;
      this.totalExact = res.totalExact !== false;
      this.fuzzy = res.fuzzy;
      this.notices = res.notices;
      this.effectiveSort = res.sort;
      this.answered = request.query;
      this.error = null;
      this.generation++;
      markRendered(started);
      this.facetsStale = this.facets !== null;
      this.facetsPending = true;
      this.#facetTimer = setTimeout(() => void this.#facets(ticket), FACETS_DELAY_MS);
    } catch (err) {
      if (ticket !== this.#latest) return;
      this.error = toApiError(err);
    }
    this.loaded = true;
  }

  async #facets(ticket: number): Promise<void> {
    if (ticket !== this.#latest) return;
    try {
      const res = await api.browse({ ...this.#request(0, true), limit: 1 });
      if (ticket !== this.#latest) return;
      this.facets = res.facets;
      this.facetsStale = false;
      this.facetsPending = false;
      if (!this.totalExact && res.total >= this.total) {
        // The facet request counted every match: the list grows to all of them.
        const rows = this.rows.slice();
        rows.length = res.total;
        this.rows = rows;
        this.total = res.total;
        this.totalExact = true;
      }
    } catch {
      // The list is shown; facets are a help, and the next keystroke asks again.
      if (ticket === this.#latest) this.facetsPending = false;
    }
  }

  /** Makes sure rows `from..to` are fetched (the virtual list calls this as it scrolls). */
  async ensure(from: number, to: number): Promise<void> {
    const ticket = this.#latest;
    const first = Math.floor(Math.max(0, from) / this.limit);
    const last = Math.floor(Math.min(this.total - 1, to) / this.limit);
    const wanted: number[] = [];
    for (let page = first; page <= last; page++) {
      if (!this.#pending.has(page)) wanted.push(page);
    }
    await Promise.all(
      wanted.map(async (page) => {
        this.#pending.add(page);
        try {
          const res = await api.browse(this.#request(page * this.limit, false));
          if (ticket !== this.#latest) return;
          const rows = this.rows.slice();
          res.hits.forEach((hit, i) => (rows[page * this.limit + i] = hit));
          this.rows = rows;
        } catch (err) {
          if (ticket !== this.#latest) return;
          this.#pending.delete(page);
          this.error = toApiError(err);
        }
      }),
    );
  }

  /** Shows a paper's new tags and status in its row without re-running the query (rows don't jump). */
  patch(paper: Paper): void {
    const at = this.indexOf(paper.id);
    if (at < 0) return;
    const rows = this.rows.slice();
    rows[at] = { ...rows[at]!, tags: paper.tags, status: paper.status, hasNote: paper.note !== null };
    this.rows = rows;
  }
}

/** A performance measure from `started` to now (diagnostics for the e2e benchmark). */
function measure(name: string, started: number): void {
  try {
    performance.measure(name, { start: started, end: performance.now() });
  } catch {
    // Measures are diagnostics; a webview without them still works.
  }
}

/**
 * Records "keystroke to rendered results" for the answer just applied: the time from the request
 * to the frame after the DOM update. The e2e benchmark reads these performance measures.
 */
function markRendered(started: number): void {
  if (typeof requestAnimationFrame !== "function" || typeof performance.measure !== "function") return;
  requestAnimationFrame(() => {
    try {
      performance.measure("results-rendered", { start: started, end: performance.now() });
      if (performance.getEntriesByName("first-results").length === 0) {
        performance.measure("first-results", { start: 0, end: performance.now() });
      }
    } catch {
      // Measures are diagnostics; a webview without them still works.
    }
  });
}
