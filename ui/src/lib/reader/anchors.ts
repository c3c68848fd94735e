// Where annotations sit on a page: PDF points (origin bottom-left, what the library stores) to
// the page's CSS pixels and back, and a quote found again in the text layer.

/** `[x1, y1, x2, y2]` in PDF points, as the library stores rectangles. */
export type PdfRect = [number, number, number, number];

/** The rectangles of a stored annotation, without the `null`s JSON allows for NaN. */
export function storedRects(rects: (number | null)[][]): PdfRect[] {
  return rects.filter((r) => r.length === 4 && r.every((n) => typeof n === "number")) as PdfRect[];
}

/** The parts of a pdf.js `PageViewport` this module uses. */
export interface PageGeometry {
  convertToPdfPoint(x: number, y: number): number[];
  convertToViewportPoint(x: number, y: number): number[];
}

/** A box in the page's CSS pixels, from its top-left corner. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A rectangle in PDF points as a box on the page as it is shown now. */
export function toBox(rect: PdfRect, viewport: PageGeometry): Box {
  const [x1 = 0, y1 = 0] = viewport.convertToViewportPoint(rect[0], rect[1]);
  const [x2 = 0, y2 = 0] = viewport.convertToViewportPoint(rect[2], rect[3]);
  return {
    left: Math.min(x1, x2),
    top: Math.min(y1, y2),
    width: Math.abs(x2 - x1),
    height: Math.abs(y2 - y1),
  };
}

/**
 * The rectangles, in PDF points, of a selection's client rectangles on one page (`page` is the
 * page element's client rectangle). Slivers are dropped and pieces of one line are merged, so a
 * highlight is a handful of rectangles however the text layer splits its spans.
 */
export function toPdfRects(client: Box[], page: Box, viewport: PageGeometry): PdfRect[] {
  const boxes = client
    .map((r) => clip(r, { left: 0, top: 0, width: page.width, height: page.height }, page))
    .filter((r): r is Box => r !== null && r.width >= 1 && r.height >= 1);
  const lines = mergeLines(boxes);
  return lines.map((b) => {
    const [ax, ay] = viewport.convertToPdfPoint(b.left, b.top);
    const [bx, by] = viewport.convertToPdfPoint(b.left + b.width, b.top + b.height);
    return [round(Math.min(ax, bx)), round(Math.min(ay, by)), round(Math.max(ax, bx)), round(Math.max(ay, by))];
  });
}

/** `r` (client coordinates) relative to the page and clipped to it; `null` when outside. */
function clip(r: Box, bounds: Box, page: Box): Box | null {
  const left = Math.max(r.left - page.left, bounds.left);
  const top = Math.max(r.top - page.top, bounds.top);
  const right = Math.min(r.left - page.left + r.width, bounds.width);
  const bottom = Math.min(r.top - page.top + r.height, bounds.height);
  if (right <= left || bottom <= top) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/** Merges boxes that share most of their height and touch or overlap sideways. */
export function mergeLines(boxes: Box[]): Box[] {
  const sorted = [...boxes].sort((a, b) => a.top - b.top || a.left - b.left);
  const out: Box[] = [];
  for (const b of sorted) {
    const same = out.find((o) => {
      const overlap = Math.min(o.top + o.height, b.top + b.height) - Math.max(o.top, b.top);
      const gap = Math.max(b.left - (o.left + o.width), o.left - (b.left + b.width));
      return overlap > 0.5 * Math.min(o.height, b.height) && gap < Math.max(o.height, b.height);
    });
    if (!same) {
      out.push({ ...b });
      continue;
    }
    const right = Math.max(same.left + same.width, b.left + b.width);
    const bottom = Math.max(same.top + same.height, b.top + b.height);
    same.left = Math.min(same.left, b.left);
    same.top = Math.min(same.top, b.top);
    same.width = right - same.left;
    same.height = bottom - same.top;
  }
  return out;
}

/**
 * Text folded for matching a quote against a text layer: compatibility forms (ligatures),
 * lower case, and no white space or hyphens at all (the extractor and pdf.js break lines and
 * split words differently; a quote long enough to highlight is not made ambiguous by this).
 * `at[i]` is the index in `text` of the folded string's `i`-th UTF-16 unit.
 */
export function fold(text: string): { folded: string; at: number[] } {
  let folded = "";
  const at: number[] = [];
  let i = 0;
  for (const ch of text) {
    for (const f of ch.normalize("NFKC").toLowerCase()) {
      if (/[\s\u00ad\u2010\u2011-]/u.test(f)) continue;
      for (let k = 0; k < f.length; k++) {
        folded += f[k];
        at.push(i);
      }
    }
    i += ch.length;
  }
  return { folded, at };
}

/** Where `quote` is in `text` (UTF-16 offsets, end exclusive), matched folded; `null` if absent. */
export function findQuote(text: string, quote: string): { start: number; end: number } | null {
  const q = fold(quote).folded;
  if (!q) return null;
  const { folded, at } = fold(text);
  const i = folded.indexOf(q);
  if (i < 0) return null;
  const last = at[i + q.length - 1]!;
  // The end covers the whole last character (a surrogate pair is two units).
  const end = last + (text.codePointAt(last)! > 0xffff ? 2 : 1);
  return { start: at[i]!, end };
}

/**
 * A DOM range over the text layer `root` covering `quote`, or `null` when the layer does not
 * contain it. The layer's text nodes are read in document order.
 */
export function rangeOfQuote(root: Node, quote: string): Range | null {
  const nodes: Text[] = [];
  const walker = root.ownerDocument!.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  const starts: number[] = [];
  let text = "";
  for (const n of nodes) {
    starts.push(text.length);
    text += n.data;
  }
  const found = findQuote(text, quote);
  if (!found) return null;
  const locate = (offset: number, end: boolean): [Text, number] => {
    let k = 0;
    while (k + 1 < nodes.length && (end ? starts[k + 1]! < offset : starts[k + 1]! <= offset)) k++;
    return [nodes[k]!, offset - starts[k]!];
  };
  const range = root.ownerDocument!.createRange();
  const [sn, so] = locate(found.start, false);
  const [en, eo] = locate(found.end, true);
  range.setStart(sn, so);
  range.setEnd(en, eo);
  return range;
}

/**
 * The strokes of an ink drawing (its `shape`: `{"paths": [[x, y, x, y, …], …]}` in PDF points,
 * as Zotero stores them) as SVG polyline `points` in the page's CSS pixels. Unreadable shapes and
 * odd coordinates are left out: a drawing never breaks the page it is on.
 */
export function inkPolylines(shape: string | null, viewport: PageGeometry): string[] {
  if (!shape) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(shape);
  } catch {
    return [];
  }
  const paths = (parsed as { paths?: unknown })?.paths;
  if (!Array.isArray(paths)) return [];
  const lines: string[] = [];
  for (const path of paths.slice(0, 500)) {
    if (!Array.isArray(path)) continue;
    const points: string[] = [];
    for (let i = 0; i + 1 < path.length && i < 20_000; i += 2) {
      const x = path[i];
      const y = path[i + 1];
      if (typeof x !== "number" || typeof y !== "number" || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      const [vx = 0, vy = 0] = viewport.convertToViewportPoint(x, y);
      points.push(`${round(vx)},${round(vy)}`);
    }
    if (points.length > 1) lines.push(points.join(" "));
  }
  return lines;
}

/** The width of an ink drawing's strokes in PDF points (`shape.width`), 1 when not given. */
export function inkWidth(shape: string | null): number {
  try {
    const w = (JSON.parse(shape ?? "{}") as { width?: unknown }).width;
    return typeof w === "number" && w > 0 && w < 100 ? w : 1;
  } catch {
    return 1;
  }
}
