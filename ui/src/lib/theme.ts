// Light and dark themes: follow the system unless the user picked one (remembered locally).

export type Theme = "system" | "light" | "dark";

export const THEME_LABELS: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

const KEY = "papershelf.theme";
const ORDER: Theme[] = ["system", "light", "dark"];

export function storedTheme(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return ORDER.includes(t as Theme) ? (t as Theme) : "system";
  } catch {
    return "system";
  }
}

export function nextTheme(t: Theme): Theme {
  return ORDER[(ORDER.indexOf(t) + 1) % ORDER.length];
}

/** Sets `data-theme` on <html> (the CSS keys off it) and remembers the choice. */
export function applyTheme(t: Theme): void {
  const root = document.documentElement;
  if (t === "system") delete root.dataset.theme;
  else root.dataset.theme = t;
  try {
    localStorage.setItem(KEY, t);
  } catch {
    // Storage unavailable: the choice lasts for this window.
  }
}
