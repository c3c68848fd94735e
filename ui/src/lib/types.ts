// The JSON shapes the Rust commands return (papershelf-core serde types, camelCase).
// Keep in step with crates/core: model/paper.rs, library.rs, search/mod.rs, error.rs.

/** A work's stable id: the arXiv id without version, or `t-` + 16 hex digits. */
export type PaperId = string;

export type Status = "inbox" | "to-read" | "reading" | "read" | "archived";

/** Every status, in reading-flow order. */
export const STATUSES: readonly Status[] = ["inbox", "to-read", "reading", "read", "archived"];

export const STATUS_LABELS: Record<Status, string> = {
  inbox: "Inbox",
  "to-read": "To read",
  reading: "Reading",
  read: "Read",
  archived: "Archived",
};

/** `papershelf_core::ErrorCode`. */
export type ErrorCode =
  | "not-found"
  | "invalid-input"
  | "busy"
  | "schema-too-new"
  | "io"
  | "cancelled"
  | "network"
  | "rate-limited"
  | "corrupt"
  | "internal";

export const ERROR_CODES: readonly ErrorCode[] = [
  "not-found",
  "invalid-input",
  "busy",
  "schema-too-new",
  "io",
  "cancelled",
  "network",
  "rate-limited",
  "corrupt",
  "internal",
];

/** What a failed command rejects with (`src-tauri/src/error.rs`). */
export interface IpcError {
  code: ErrorCode;
  message: string;
}

/** A date that may lack parts ("May 22" has no year). */
export interface PartialDate {
  year: number | null;
  month: number | null;
  day: number | null;
}

/** A matched range: UTF-8 BYTE offsets `[start, end)` into the snippet text. */
export interface Highlight {
  start: number;
  end: number;
}

export interface Snippet {
  text: string;
  highlights: Highlight[];
}

export interface PaperSummary {
  id: PaperId;
  arxivId: string | null;
  title: string;
  authors: string[];
  authorCount: number | null;
  organization: string | null;
  year: number | null;
  published: PartialDate | null;
  upvotes: number | null;
  tags: string[];
  status: Status;
  hasNote: boolean;
  addedAt: string;
}

export interface SearchHit extends PaperSummary {
  score: number;
  titleSnippet: Snippet;
  abstractSnippet: Snippet;
}

export interface SearchResults {
  query: string;
  total: number;
  hits: SearchHit[];
  /** True when nothing matched exactly and these are one-edit matches. */
  fuzzy: boolean;
  notices: string[];
}

export interface Note {
  body: string;
  updatedAt: string;
}

export interface PaperVersion {
  version: number;
  created: string;
}

export interface SourceRecord {
  source: string;
  origin: string;
  firstSeen: string;
  lastSeen: string;
}

/** The source that supplied a field's current value. */
export interface FieldSource {
  field: string;
  source: string;
  origin: string;
  setAt: string;
}

/** Counts, links and summaries the sources report (`PaperSignals` in the core). */
export interface PaperSignals {
  hfComments: number | null;
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  aiSummary: string | null;
  aiKeywords: string[];
  withdrawn: boolean;
  venue: string | null;
  citationCount: number | null;
  influentialCitationCount: number | null;
  tldr: string | null;
  externalIds: Record<string, string>;
}

/** An outside page of a paper (`PaperLink` in the core); always http(s). */
export interface PaperLink {
  kind: "arxiv" | "pdf" | "hugging-face" | "code" | "project" | "doi";
  label: string;
  url: string;
}

export interface Paper {
  id: PaperId;
  links: PaperLink[];
  arxivId: string | null;
  title: string;
  abstract: string;
  authors: string[];
  authorCount: number | null;
  organization: string | null;
  year: number | null;
  published: PartialDate | null;
  versions: PaperVersion[];
  doi: string | null;
  categories: string[];
  journalRef: string | null;
  comments: string | null;
  license: string | null;
  upvotes: number | null;
  tags: string[];
  /** The collections it is in, by name (sorted case-insensitively). */
  collections: string[];
  status: Status;
  note: Note | null;
  newVersion: boolean;
  signals: PaperSignals;
  sources: SourceRecord[];
  provenance: FieldSource[];
  dois: string[];
  addedAt: string;
  modifiedAt: string;
  /** The interchange-file entries it was imported from, oldest first (several for a preprint
   * and its published version imported under two citation keys). */
  records: ImportedRecord[];
}

/** One entry of an interchange file a paper was imported from (`ImportedRecord` in the core). */
export interface ImportedRecord {
  /** Its key in the file (BibTeX citation key, RIS `ID`, CSL `id`); empty when it had none. */
  key: string;
  /** Its type as the file names it (`inproceedings`, `JOUR`). */
  entryType: string | null;
  /** The file it came from. */
  origin: string;
  format: "bibtex" | "ris" | "csl-json" | "markdown";
  /** It describes the arXiv preprint (arXiv id, no published DOI, no other venue). */
  preprint: boolean;
}

/** What `add_paper` returns (`src-tauri/src/commands/sources.rs`). */
export interface AddedPaper {
  paper: Paper;
  /** False when the paper was already in the library (its record was refreshed). */
  added: boolean;
}

export interface TagCount {
  name: string;
  count: number;
}

/** A named group of papers (`Collection` in the core). Names are unique regardless of case. */
export interface Collection {
  id: number;
  name: string;
  /** Papers in it, not counting trashed ones. */
  count: number;
  createdAt: string;
}

/** What adding papers to (or taking them out of) a collection did (`CollectionChange`). */
export interface CollectionChange {
  collection: Collection;
  changed: number;
  /** The ids, as sent, of the papers that went in (or came out). */
  changedIds: PaperId[];
  /** True when adding created the collection. */
  created: boolean;
}

export interface Stats {
  papers: number;
  /** `[status, count]` pairs in reading-flow order. */
  byStatus: [Status, number][];
  tags: number;
  notes: number;
  indexed: number;
  schemaVersion: number;
  libraryDir: string;
  /** Papers whose stored text could not be read back (`UnreadablePaper` in the core). */
  unreadable: { id: PaperId; title: string; reason: string; skipped: boolean }[];
}

/** How a browsed list is ordered (`ListSort` in the core); a search is ordered by relevance. */
export type ListSort = "added" | "published" | "upvotes";

/** How the list is ordered (`BrowseSort` in the core); relevance needs words to rank by. */
export type BrowseSort = "relevance" | ListSort;

export const SORT_LABELS: Record<BrowseSort, string> = {
  relevance: "Best match",
  added: "Recently added",
  published: "Newest published",
  upvotes: "Most upvoted",
};


/** One call for the list: the query, the sidebar scope, the order and the page (`BrowseRequest`). */
export interface BrowseRequest {
  query: string;
  status: Status | null;
  tag: string | null;
  /** Only papers in the collection with this name (any case). */
  collection: string | null;
  /** `null`: relevance when the query has words, else recently added. */
  sort: BrowseSort | null;
  offset: number;
  limit: number;
  /** Count facets over every match (only the first page needs them). */
  facets: boolean;
}

export interface FacetCount {
  value: string;
  count: number;
}

/** Counts over all matches, per field; each value filters the list when clicked. */
export interface Facets {
  status: FacetCount[];
  tags: FacetCount[];
  years: FacetCount[];
  sources: FacetCount[];
}

export interface BrowseResults {
  query: string;
  total: number;
  /** False when the count stopped early (best matches without facets): more match than `total`. */
  totalExact?: boolean;
  offset: number;
  /** The order actually used. */
  sort: BrowseSort;
  hits: SearchHit[];
  facets: Facets | null;
  fuzzy: boolean;
  notices: string[];
}

/** A query kept under a name (`SavedSearch` in the core). */
export interface SavedSearch {
  id: number;
  name: string;
  query: string;
  sort: BrowseSort | null;
  createdAt: string;
}

/** What an import file can be (`FileKind` in the core). */
export type FileKind = "hf-page" | "arxiv-jsonl" | "bibtex" | "ris" | "csl-json" | "markdown";

export type EntryOutcome = "added" | "merged" | "unchanged" | "skipped";

export interface EntryReport {
  file?: string;
  line: number;
  key: string | null;
  outcome: EntryOutcome;
  id: PaperId | null;
  title: string | null;
  reason?: string;
  notices?: string[];
}

/** What importing one file did (`FileImportReport` in the core). */
export interface FileImportReport {
  origin: string;
  kind: FileKind;
  added: number;
  merged: number;
  unchanged: number;
  skipped: number;
  entries: EntryReport[];
  entriesTruncated: boolean;
  /** Records imported with a field cut to its cap (HF pages, arXiv snapshots), one line each. */
  notices: string[];
  resumedAfterLine: number | null;
  seconds: number;
}

export interface ImportProgress {
  bytesDone: number;
  bytesTotal: number;
  records: number;
}

export type ExportFormat = "bibtex" | "csl-json" | "ris" | "markdown";

export const EXPORT_LABELS: Record<ExportFormat, string> = {
  bibtex: "BibTeX (.bib)",
  "csl-json": "CSL-JSON (.json)",
  ris: "RIS (.ris)",
  markdown: "Markdown notes (folder)",
};

export interface ExportDone {
  path: string;
  papers: number;
}

/** The open mirror's settings and last write (`MirrorStatus` in the core). */
export interface MirrorStatus {
  enabled: boolean;
  dir: string | null;
  lastWritten: string | null;
  papers: number | null;
  lastError: string | null;
  dirty: boolean;
}


/** A followed feed (`Subscription` in the core). */
export type SubscriptionKind = "hf-daily" | "hf-search" | "arxiv-category" | "arxiv-query";

export interface Subscription {
  id: number;
  kind: SubscriptionKind;
  query: string;
  createdAt: string;
  lastSyncedAt: string | null;
  cursor: string | null;
}

/** Progress of a running sync (`SyncEvent` in the core), streamed over a channel. */
export type SyncEvent =
  | { event: "started"; id: number; label: string }
  | { event: "page"; id: number; unit: string; papers: number; added: number; not_modified: boolean }
  | { event: "enriched"; asked: number; total: number }
  | { event: "graph"; paper: string; direction: string; edges: number };

export interface SubscriptionOutcome {
  id: number;
  label: string;
  pages: number;
  notModified: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: string[];
  error: string | null;
}

export interface Traffic {
  requests: number;
  notModified: number;
  bytes: number;
}

export interface SyncReport {
  subscriptions: SubscriptionOutcome[];
  enrichment: { asked: number; found: number; error: string | null } | null;
  graph: { papers: number; pages: number; edges: number; error: string | null } | null;
  dryRun: boolean;
  cancelled: boolean;
  traffic: Record<string, Traffic>;
}

/** One backup of the library database (`papershelf_core::BackupInfo`). */
export interface BackupInfo {
  /** File name inside `backups/`. */
  name: string;
  path: string;
  /** When it was taken, RFC 3339 UTC. */
  takenAt: string;
  bytes: number;
  /** Papers in it; `null` when it cannot be read. */
  papers: number | null;
}

/** The library's backups and the one to offer (`commands/backups.rs`). */
export interface Backups {
  /** Newest first. */
  backups: BackupInfo[];
  /** The newest backup that passes its own integrity check. */
  newestGood: string | null;
}

/** What restoring a backup did (`papershelf_core::RestoreReport`). */
export interface RestoreReport {
  restored: BackupInfo;
  /** Where the damaged file was kept. */
  previousKeptAs: string | null;
  papers: number;
}
