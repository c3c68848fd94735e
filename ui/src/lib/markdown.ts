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
 * Deepest nesting of quotes and lists rendered as Markdown. marked recurses once per level:
 * its time grows with the cube of a list's depth (a 3,000-level list never finishes and runs
 * the page out of memory) and 5,000 quote markers overflow its stack. Notes also arrive from
 * imported files, so a hostile one must not freeze the app.
 */
export const MAX_NESTING = 32;

/** Longest run of emphasis delimiters (`*`, `_`) rendered; a few thousand overflow marked. */
export const MAX_DELIMITER_RUN = 256;

const LONG_DELIMITER_RUN = new RegExp(`[*_]{${MAX_DELIMITER_RUN + 1}}`);

/** Why `text` is too deep for marked, or null when it can be rendered. */
export function tooDeepToRender(text: string): string | null {
  if (LONG_DELIMITER_RUN.test(text)) {
    return `a run of more than ${MAX_DELIMITER_RUN} * or _`;
  }
  let fence: string | null = null;
  for (const line of text.split("\n")) {
    // Code blocks are shown as written: their indentation is code, not nesting.
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === null) fence = marker[0];
      else if (marker[0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    if (nestingOf(line) > MAX_NESTING) {
      return `nested more than ${MAX_NESTING} levels deep`;
    }
  }
  return null;
}

/** Quote markers, list markers and indentation (two columns a level) opening a line. */
function nestingOf(line: string): number {
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
      const ordered = /^\d{1,9}[.)][ \t]/.exec(line.slice(i));
      if (!ordered) break;
      levels += 1;
      i += ordered[0].length - 1;
    }
    i += 1;
  }
  return levels + Math.floor(columns / 2);
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
  const reason = tooDeepToRender(text);
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
