// Test data shaped like the Rust commands' JSON.
import type { BrowseResults, Collection, Paper, SearchHit, Snippet, Stats } from "../types";

/** What a search decides of a `BrowseResults` (the rest is paging and order). */
export type SearchResults = Pick<BrowseResults, "query" | "total" | "hits" | "fuzzy" | "notices">;

const plain = (text: string): Snippet => ({ text, highlights: [] });

export function hit(over: Partial<SearchHit> = {}): SearchHit {
  const title = over.title ?? "Attention Is All You Need";
  return {
    id: "1706.03762",
    arxivId: "1706.03762",
    title,
    authors: ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"],
    authorCount: null,
    organization: null,
    year: 2017,
    published: { year: 2017, month: 6, day: 12 },
    upvotes: 42,
    tags: [],
    status: "inbox",
    hasNote: false,
    hasPdf: false,
    annotations: 0,
    addedAt: "2025-11-23T12:00:00Z",
    score: 1.5,
    titleSnippet: plain(title),
    abstractSnippet: plain("The dominant sequence transduction models are based on recurrent networks."),
    fulltextSnippet: null,
    ...over,
  };
}

export function results(query: string, hits: SearchHit[], over: Partial<SearchResults> = {}): SearchResults {
  return { query, total: hits.length, hits, fuzzy: false, notices: [], ...over };
}

export function paper(over: Partial<Paper> = {}): Paper {
  return {
    id: "1706.03762",
    arxivId: "1706.03762",
    title: "Attention Is All You Need",
    abstract: "The dominant sequence transduction models are based on recurrent networks.",
    authors: ["Ashish Vaswani", "Noam Shazeer"],
    authorCount: null,
    organization: null,
    year: 2017,
    published: { year: 2017, month: 6, day: 12 },
    versions: [],
    doi: null,
    categories: ["cs.CL"],
    journalRef: null,
    comments: null,
    license: null,
    upvotes: 42,
    tags: [],
    collections: [],
    status: "inbox",
    note: null,
    newVersion: false,
    signals: {
      hfComments: null,
      githubRepo: null,
      githubStars: null,
      projectPage: null,
      aiSummary: null,
      aiKeywords: [],
      withdrawn: false,
      venue: null,
      citationCount: null,
      influentialCitationCount: null,
      tldr: null,
      externalIds: {},
    },
    sources: [],
    provenance: [],
    dois: [],
    records: [],
    links: [
      { kind: "arxiv", label: "arXiv", url: "https://arxiv.org/abs/1706.03762" },
      { kind: "pdf", label: "PDF", url: "https://arxiv.org/pdf/1706.03762" },
    ],
    addedAt: "2025-11-23T12:00:00Z",
    modifiedAt: "2025-11-23T12:00:00Z",
    ...over,
  };
}

export function stats(over: Partial<Stats> = {}): Stats {
  return {
    papers: 3,
    byStatus: [
      ["inbox", 2],
      ["to-read", 1],
      ["reading", 0],
      ["read", 0],
      ["archived", 0],
    ],
    tags: 0,
    notes: 0,
    pdfs: 0,
    pdfsWithText: 0,
    pdfPagesWithText: 0,
    annotations: 0,
    indexed: 3,
    schemaVersion: 2,
    libraryDir: "/home/reader/.local/share/papershelf",
    unreadable: [],
    ...over,
  };
}

/** A top-level collection named "Thesis" unless `over` says otherwise (give `path` with `name`). */
export function collection(over: Partial<Collection> = {}): Collection {
  const name = over.name ?? "Thesis";
  return {
    id: 1,
    name,
    path: name,
    parent: null,
    depth: 0,
    count: 0,
    createdAt: "2025-11-23T12:00:00Z",
    ...over,
  };
}
