// Tag completion: which known tags fit what is being typed.

/** The tag being typed: the text after the last comma, trimmed, without a leading `#`. */
export function typedPart(draft: string): string {
  return draft.slice(draft.lastIndexOf(",") + 1).trim().replace(/^#/, "").toLowerCase();
}

/** `draft` with the tag being typed replaced by `tag` (earlier comma-separated tags kept). */
export function completeDraft(draft: string, tag: string): string {
  const cut = draft.lastIndexOf(",");
  return cut < 0 ? tag : `${draft.slice(0, cut + 1)} ${tag}`;
}

/**
 * Known tags for `typed`: those starting with it first, then those containing it, each in the
 * order given (most used first); tags the paper already has are left out.
 */
export function suggestTags(known: readonly string[], typed: string, has: readonly string[], max = 6): string[] {
  const t = typed.trim().toLowerCase();
  if (t === "") return [];
  const taken = new Set(has.map((h) => h.toLowerCase()));
  const free = known.filter((k) => !taken.has(k.toLowerCase()) && k.toLowerCase() !== t);
  const starts = free.filter((k) => k.toLowerCase().startsWith(t));
  const inside = free.filter((k) => !k.toLowerCase().startsWith(t) && k.toLowerCase().includes(t));
  return [...starts, ...inside].slice(0, max);
}
