// Collection paths as the core reads them: names joined by "/", matched part by part with
// case and runs of spaces folded.

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
