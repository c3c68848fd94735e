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

const DARK_QUERY = "(prefers-color-scheme: dark)";
let systemDark: MediaQueryList | null = null;

/** The theme to draw: the system's preference when following it. */
export function resolveTheme(t: Theme, prefersDark: boolean): "light" | "dark" {
  return t === "system" ? (prefersDark ? "dark" : "light") : t;
}

/**
 * Sets `data-theme` on <html> to the theme to draw (the CSS keys off it, so the dark tokens live
 * in one place), follows the system's changes while on "system", and remembers the choice.
 */
export function applyTheme(t: Theme): void {
  const root = document.documentElement;
  systemDark ??= typeof window.matchMedia === "function" ? window.matchMedia(DARK_QUERY) : null;
  const draw = () => (root.dataset.theme = resolveTheme(t, systemDark?.matches ?? false));
  draw();
  if (systemDark) systemDark.onchange = t === "system" ? draw : null;
  try {
    localStorage.setItem(KEY, t);
  } catch {
    // Storage unavailable: the choice lasts for this window.
  }
}
