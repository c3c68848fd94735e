// Markdown for notes: parsed by `marked`, then sanitised by DOMPurify against a small allowlist
// before it reaches the DOM. Notes are the user's own text, but they also hold pasted abstracts
// and titles, so nothing in them may run script, load a resource or style the app.
import DOMPurify from "dompurify";
import { marked } from "marked";

const ALLOWED_TAGS = [
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
  "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "input", "span",
];
const ALLOWED_ATTR = ["href", "title", "type", "checked", "disabled", "start", "align"];

/** Only these link targets survive; everything else (javascript:, data:, file:) is dropped. */
export function isExternalUrl(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * Deepest nesting rendered as Markdown: quotes and lists opening a line, emphasis delimiters
 * and brackets inside a paragraph. marked recurses once per level: its time grows with the
 * cube of a list's depth (a 3,000-level list never finishes and runs the page out of memory),
 * 5,000 quote markers or 5,000 nested emphases overflow its stack, and 256 nested emphases
 * already take tens of milliseconds. Notes also arrive from imported files, so a hostile one
 * must not freeze the app.
 */
export const MAX_NESTING = 32;

/** Longest run of emphasis delimiters (`*`, `_`, `~`) rendered; a few thousand overflow marked. */
export const MAX_DELIMITER_RUN = 256;

/**
 * Longest note rendered as Markdown, in UTF-16 code units. marked's time grows with the text
 * and faster for dense notes (headings and lists: 20-40 ms for 8 KB, 80-290 ms for 32 KB on a
 * busy 2-core machine), and the preview renders on the window's thread, so a longer note is
 * shown as text. This bound also caps what tables, inline HTML, backticks and escapes cost.
 */
export const MAX_MARKDOWN_LENGTH = 32 * 1024;

/**
 * Budget for the sum, over paragraphs, of the squared number of emphasis delimiter runs in the
 * paragraph. marked pairs delimiters within a paragraph by scanning ahead from each one, so a
 * paragraph's cost grows with the square of its runs: 4,000 runs (`a_a_a_…`) take about 100 ms,
 * 50,000 take seconds. The budget is about 50 ms of that work (2,800 runs in one paragraph).
 */
export const MAX_DELIMITER_WORK = 8_000_000;

const LONG_DELIMITER_RUN = new RegExp(`[*_~]{${MAX_DELIMITER_RUN + 1}}`);

/**
 * Why `text` would keep marked busy for more than a moment, or null when it can be rendered.
 *
 * One linear pass over the text bounds what makes marked slow or overflow its stack: length,
 * delimiter runs, nesting of quotes and lists, of emphasis and of brackets. Each bound is far
 * above what people write, so only hostile or damaged notes are shown as text.
 */
export function tooComplexToRender(text: string): string | null {
  if (text.length > MAX_MARKDOWN_LENGTH) {
    return `longer than ${MAX_MARKDOWN_LENGTH / 1024} K characters`;
  }
  if (LONG_DELIMITER_RUN.test(text)) {
    return `a run of more than ${MAX_DELIMITER_RUN} *, _ or ~`;
  }
  let fence: string | null = null;
  let paragraph = new ParagraphScan();
  let work = 0;
  const endParagraph = (): string | null => {
    work += paragraph.runs * paragraph.runs;
    if (paragraph.emphasis.deepest() > MAX_NESTING) return `emphasis nested more than ${MAX_NESTING} deep`;
    if (paragraph.brackets.deepest() > MAX_NESTING) return `brackets nested more than ${MAX_NESTING} deep`;
    if (work > MAX_DELIMITER_WORK) return "too many * or _ in one paragraph";
    paragraph = new ParagraphScan();
    return null;
  };
  for (const line of text.split("\n")) {
    // Code blocks are shown as written: their indentation is code, not nesting, and their
    // delimiters are not emphasis.
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === null) fence = marker[0];
      else if (marker[0] === fence) fence = null;
      const reason = endParagraph();
      if (reason) return reason;
      continue;
    }
    if (fence !== null) continue;
    const { levels, contentStart } = nestingOf(line);
    if (levels > MAX_NESTING) {
      return `nested more than ${MAX_NESTING} levels deep`;
    }
    if (line.trim() === "") {
      const reason = endParagraph();
      if (reason) return reason;
      continue;
    }
    paragraph.scanLine(line, contentStart);
  }
  return endParagraph();
}

const WHITESPACE = /\s/;

/**
 * How deep openers and closers nest, counting only openers that a later closer could match:
 * `*a *a *a x b* b* b*` is three deep, while `~5 ms, ~7 ms, ~9 ms` (openers nobody closes)
 * and `*em* and *em*` are at most one deep.
 */
class Nesting {
  /** +1 opens, -1 closes, 0 does either (`a*b`). */
  private events: number[] = [];
  private closers = 0;

  push(event: number): void {
    this.events.push(event);
    if (event <= 0) this.closers += 1;
  }

  get count(): number {
    return this.events.length;
  }

  deepest(): number {
    let depth = 0;
    let deepest = 0;
    let closersLeft = this.closers;
    for (const event of this.events) {
      if (event > 0 || (event === 0 && depth === 0)) {
        depth += 1;
        if (event === 0) closersLeft -= 1;
      } else {
        depth = Math.max(0, depth - 1);
        closersLeft -= 1;
      }
      deepest = Math.max(deepest, Math.min(depth, closersLeft));
    }
    return deepest;
  }
}

/**
 * Emphasis and bracket nesting of one paragraph, estimated from delimiter flanking as
 * CommonMark does, closely enough: a run followed by a word opens, a run after a word closes.
 */
class ParagraphScan {
  readonly emphasis = new Nesting();
  readonly brackets = new Nesting();

  /** Delimiter runs in the paragraph. */
  get runs(): number {
    return this.emphasis.count;
  }

  scanLine(line: string, from: number): void {
    let i = from;
    while (i < line.length) {
      const c = line[i];
      if (c === "\\") {
        i += 2;
        continue;
      }
      if (c === "[") {
        this.brackets.push(1);
      } else if (c === "]") {
        this.brackets.push(-1);
      } else if (c === "*" || c === "_" || c === "~") {
        let end = i + 1;
        while (end < line.length && line[end] === c) end += 1;
        const opens = !WHITESPACE.test(end === line.length ? " " : line[end]);
        const closes = !WHITESPACE.test(i === 0 ? " " : line[i - 1]);
        if (opens || closes) this.emphasis.push(opens && closes ? 0 : opens ? 1 : -1);
        i = end;
        continue;
      }
      i += 1;
    }
  }
}

/**
 * Quote markers, list markers and indentation (two columns a level) opening a line, and where
 * the line's text starts after them.
 */
function nestingOf(line: string): { levels: number; contentStart: number } {
  let levels = 0;
  let columns = 0;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === " ") columns += 1;
    else if (c === "\t") columns += 4;
    else if (c === ">") levels += 1;
    else if ((c === "*" || c === "+" || c === "-") && /[ \t]/.test(line[i + 1] ?? "")) levels += 1;
    else {
      const ordered = /^\d{1,9}[.)][ \t]/.exec(line.slice(i, i + 12));
      if (!ordered) break;
      levels += 1;
      i += ordered[0].length - 1;
    }
    i += 1;
  }
  return { levels: levels + Math.floor(columns / 2), contentStart: i };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A note marked cannot take, shown as its text with the reason. */
function plainText(text: string, reason: string): string {
  return `<p><em>Shown as plain text: ${escapeHtml(reason)}.</em></p><pre>${escapeHtml(text)}</pre>`;
}

/** Renders a note to sanitised HTML: no script, no event handlers, no images, no styles. */
export function renderMarkdown(text: string): string {
  const reason = tooComplexToRender(text);
  let html: string;
  if (reason) {
    html = plainText(text, reason);
  } else {
    try {
      html = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
    } catch {
      // Whatever else marked cannot parse (its stack runs out) still shows, as text.
      html = plainText(text, "too complex to render as Markdown");
    }
  }
  const clean = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOWED_URI_REGEXP: /^https?:/i,
  });
  return clean;
}
