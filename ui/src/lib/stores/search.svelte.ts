// The middle pane's state: the query, the sidebar filter and the last answer for them.
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { ListSort, Paper, PaperSummary, Snippet, Status } from "../types";

/** A list row: a search hit (with snippets) or, when browsing, a plain summary. */
export type Row = PaperSummary & { titleSnippet?: Snippet; abstractSnippet?: Snippet };

export interface Filter {
  status: Status | null;
  tag: string | null;
}

/** The query sent to the core: sidebar filters first, so the user's last word stays a prefix. */
export function composeQuery(query: string, filter: Filter): string {
  const parts: string[] = [];
  if (filter.status) parts.push(`status:${filter.status}`);
  if (filter.tag) parts.push(`tag:${filter.tag}`);
  parts.push(query);
  return parts.join(" ");
}

export class SearchView {
  query = $state("");
  filter = $state<Filter>({ status: null, tag: null });
  /** The browsed list's order (a search is ordered by relevance). */
  sort = $state<ListSort>("added");
  rows = $state<Row[]>([]);
  total = $state(0);
  fuzzy = $state(false);
  notices = $state<string[]>([]);
  error = $state<ApiError | null>(null);
  /** True once the first answer (or error) arrived: until then show nothing rather than "no results". */
  loaded = $state(false);
  /** The query the shown rows answer (lags `query` while a request is in flight). */
  answered = $state("");

  /** Counts requests; an answer for anything but the newest one is dropped. */
  #latest = 0;
  readonly limit: number;

  constructor(limit = 100) {
    this.limit = limit;
  }

  get browsing(): boolean {
    return this.answered.trim() === "";
  }

  setQuery(query: string): Promise<void> {
    this.query = query;
    return this.run();
  }

  setSort(sort: ListSort): Promise<void> {
    this.sort = sort;
    return this.run();
  }

  setFilter(filter: Filter): Promise<void> {
    this.filter = filter;
    return this.run();
  }

  /** Asks for the current query and filter; answers to older requests never overwrite newer ones. */
  async run(): Promise<void> {
    const ticket = ++this.#latest;
    const query = this.query;
    const filter = { ...this.filter };
    try {
      if (query.trim() === "") {
        const rows = await api.listPapers({ ...filter, limit: this.limit, sort: this.sort });
        if (ticket !== this.#latest) return;
        this.rows = rows;
        this.total = rows.length;
        this.fuzzy = false;
        this.notices = [];
      } else {
        const res = await api.search(composeQuery(query, filter), { limit: this.limit });
        if (ticket !== this.#latest) return;
        this.rows = res.hits;
        this.total = res.total;
        this.fuzzy = res.fuzzy;
        this.notices = res.notices;
      }
      this.answered = query;
      this.error = null;
    } catch (err) {
      if (ticket !== this.#latest) return;
      this.error = toApiError(err);
    }
    this.loaded = true;
  }

  /** Shows a paper's new tags and status in its row without re-running the query (rows don't jump). */
  patch(paper: Paper): void {
    const row = this.rows.find((r) => r.id === paper.id);
    if (!row) return;
    row.tags = paper.tags;
    row.status = paper.status;
    row.hasNote = paper.note !== null;
  }
}
