// The command palette's matching: every action by name, fuzzy (letters in order), best first.

/** One action the palette (and the shortcut sheet) lists. */
export interface Command {
  id: string;
  label: string;
  /** The key that runs it outside the palette, for display (`r`, `Ctrl-K`). */
  keys?: string;
  /** Grouping in the shortcut sheet. */
  group: "Triage" | "Navigate" | "Paper" | "App";
  run: () => void | Promise<void>;
  /** False hides it from the palette (e.g. paper actions with nothing selected). */
  enabled?: boolean;
}

/**
 * Scores `label` against `query`: null when the letters of `query` do not all appear in order;
 * otherwise higher is better (consecutive letters and word starts count most).
 */
export function fuzzyScore(label: string, query: string): number | null {
  const q = query.trim().toLowerCase();
  if (q === "") return 0;
  const l = label.toLowerCase();
  let score = 0;
  let at = 0;
  let prev = -2;
  for (const ch of q) {
    if (ch === " ") continue;
    const found = l.indexOf(ch, at);
    if (found < 0) return null;
    if (found === prev + 1) score += 3;
    if (found === 0 || l[found - 1] === " ") score += 2;
    score += 1;
    prev = found;
    at = found + 1;
  }
  return score - l.length * 0.01;
}

/** The enabled commands matching `query`, best first (ties keep their order). */
export function matchCommands(commands: Command[], query: string): Command[] {
  return commands
    .filter((c) => c.enabled !== false)
    .map((c, i) => ({ c, i, s: fuzzyScore(c.label, query) }))
    .filter((x): x is { c: Command; i: number; s: number } => x.s !== null)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.c);
}
