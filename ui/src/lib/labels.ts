// Names and orders the UI shows for the generated Rust types (./bindings.ts). Each table is a
// `Record` over a generated union, so a variant added in Rust fails `npm run check` until it has
// a label here.
import type { BrowseSort, ErrorCode, Status } from "./bindings";

/** Every status, in reading-flow order. */
export const STATUSES: readonly Status[] = ["inbox", "to-read", "reading", "read", "archived"];

export const STATUS_LABELS: Record<Status, string> = {
  inbox: "Inbox",
  "to-read": "To read",
  reading: "Reading",
  read: "Read",
  archived: "Archived",
};

const ERROR_CODE_SET: Record<ErrorCode, true> = {
  "not-found": true,
  "invalid-input": true,
  busy: true,
  "schema-too-new": true,
  io: true,
  cancelled: true,
  network: true,
  "rate-limited": true,
  corrupt: true,
  internal: true,
};

/** Every `ErrorCode` the shell sends. */
export const ERROR_CODES = Object.keys(ERROR_CODE_SET) as readonly ErrorCode[];

export const SORT_LABELS: Record<BrowseSort, string> = {
  relevance: "Best match",
  added: "Recently added",
  published: "Newest published",
  upvotes: "Most upvoted",
};

/** What `export_papers` writes; the command takes it as a name (`Format::from_name` in Rust). */
export type ExportFormat = "bibtex" | "csl-json" | "ris" | "markdown";

export const EXPORT_LABELS: Record<ExportFormat, string> = {
  bibtex: "BibTeX (.bib)",
  "csl-json": "CSL-JSON (.json)",
  ris: "RIS (.ris)",
  markdown: "Markdown notes (folder)",
};
