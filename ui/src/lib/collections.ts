// Collection paths as the core reads them: names joined by "/", matched part by part with
// case and runs of spaces folded.

import type { Collection } from "./types";

/** A path folded the way the core matches it (`" Thesis / Chapter  2"` → `"thesis/chapter 2"`). */
export function pathKey(path: string): string {
  return path
    .split("/")
    .map((part) => part.trim().split(/\s+/).filter(Boolean).join(" ").toLowerCase())
    .join("/");
}

/** True when `a` and `b` name the same collection. */
export function samePath(a: string | null, b: string): boolean {
  return a !== null && pathKey(a) === pathKey(b);
}

/** True when `path` is `top` or a collection under it. */
export function isWithin(path: string | null, top: string): boolean {
  if (path === null) return false;
  const p = pathKey(path);
  const t = pathKey(top);
  return p === t || p.startsWith(`${t}/`);
}

/**
 * Where `path` went when the collection `from` (it or one of its parents) was renamed or moved
 * to `to`; `path` itself when it is not within `from`.
 */
export function rebase(path: string, from: string, to: string): string {
  if (!isWithin(path, from)) return path;
  const depth = pathKey(from).split("/").length;
  return [to, ...path.split("/").slice(depth)].join("/");
}

/**
 * The collections to show in the sidebar, in the tree order the core lists them, leaving out
 * those under a collapsed collection.
 */
export function visibleTree(collections: Collection[], collapsed: ReadonlySet<number>): Collection[] {
  const hidden = new Set<number>();
  const shown: Collection[] = [];
  for (const c of collections) {
    // The core lists parents first, so a parent's fate is known before its children's.
    if (c.parent !== null && (collapsed.has(c.parent) || hidden.has(c.parent))) {
      hidden.add(c.id);
    } else {
      shown.push(c);
    }
  }
  return shown;
}

/** The ids of the collections that have children. */
export function parentsOf(collections: Collection[]): Set<number> {
  return new Set(collections.flatMap((c) => (c.parent === null ? [] : [c.parent])));
}
