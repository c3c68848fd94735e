import type { Snippet } from "./types";

/** A run of snippet text, marked when it matched the query. */
export interface SnippetPart {
  text: string;
  marked: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Moves a byte offset back onto a character boundary (never inside a UTF-8 sequence). */
function toBoundary(bytes: Uint8Array, offset: number): number {
  let i = Math.max(0, Math.min(offset, bytes.length));
  while (i > 0 && i < bytes.length && (bytes[i] & 0xc0) === 0x80) i--;
  return i;
}

/**
 * Splits a snippet into plain and marked runs. Highlight offsets are UTF-8 byte offsets (Rust
 * strings), so the text is sliced as bytes and each piece decoded; JS string indices would drift
 * after the first non-ASCII character. Out-of-range or overlapping ranges are clamped, never thrown.
 * The parts are rendered as text nodes, so the text can never become markup.
 */
export function snippetParts(snippet: Snippet): SnippetPart[] {
  const bytes = encoder.encode(snippet.text);
  const parts: SnippetPart[] = [];
  const push = (from: number, to: number, marked: boolean) => {
    if (to > from) parts.push({ text: decoder.decode(bytes.subarray(from, to)), marked });
  };
  let pos = 0;
  const ranges = [...snippet.highlights].sort((a, b) => a.start - b.start);
  for (const h of ranges) {
    const start = toBoundary(bytes, Math.max(h.start, pos));
    const end = toBoundary(bytes, h.end);
    if (end <= start) continue;
    push(pos, start, false);
    push(start, end, true);
    pos = end;
  }
  push(pos, bytes.length, false);
  return parts;
}
