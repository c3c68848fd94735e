// What the reader measures about itself in the window: time from "open" to a painted first
// page, and how long each page takes to render once it is asked for. The e2e suite reads them
// (window.__papershelfReader) into docs/benchmarks.md; nothing is sent anywhere.

export interface ReaderTimings {
  /** ms from the open request to the first page painted, per document opened. */
  firstPage: number[];
  /** ms from a page's render request to its paint (pages scrolled into view). */
  pageRenders: number[];
  /** For each first page: ms from the open request to each step (bytes, engine, parsed, painted). */
  steps: Record<string, number>[];
}

declare global {
  interface Window {
    __papershelfReader?: ReaderTimings;
  }
}

export function timings(): ReaderTimings {
  window.__papershelfReader ??= { firstPage: [], pageRenders: [], steps: [] };
  return window.__papershelfReader;
}
