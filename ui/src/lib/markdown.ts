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

/** Renders a note to sanitised HTML: no script, no event handlers, no images, no styles. */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
  const clean = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOWED_URI_REGEXP: /^https?:/i,
  });
  return clean;
}
