import type { PaperSummary, PartialDate } from "./types";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Oct 4, 2023`, `May 22` (the source gave no year: we never invent one), `Mar 2021`, `2021`. */
export function formatDate(published: PartialDate | null, year: number | null = null): string {
  const y = published?.year ?? year;
  const m = published?.month ? MONTHS[published.month - 1] : undefined;
  const d = published?.day;
  if (m && d) return y ? `${m} ${d}, ${y}` : `${m} ${d}`;
  if (m) return y ? `${m} ${y}` : m;
  return y ? String(y) : "";
}

type Byline = Pick<PaperSummary, "authors" | "authorCount" | "organization">;

/** The first authors ("A, B, C +4"), else "7 authors", plus the organisation when named. */
export function byline(p: Byline, shown = 3): string {
  const parts: string[] = [];
  if (p.authors.length > 0) {
    const first = p.authors.slice(0, shown).join(", ");
    const more = p.authors.length - shown;
    parts.push(more > 0 ? `${first} +${more}` : first);
  } else if (p.authorCount) {
    parts.push(`${p.authorCount} ${p.authorCount === 1 ? "author" : "authors"}`);
  }
  if (p.organization) parts.push(p.organization);
  return parts.join(" · ");
}

/** `1,204` */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `Nov 23, 2025, 14:05` from an RFC 3339 timestamp (local time). */
export function formatTimestamp(rfc3339: string): string {
  const t = new Date(rfc3339);
  if (Number.isNaN(t.getTime())) return rfc3339;
  return t.toLocaleString("en-US", {
    month: "short",
    day: "numeric",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });
}
