// The highlight colours the reader offers (the same names and values the CLI's --color takes)
// and how pages are shown in the dark.

export const COLORS = [
  { name: "yellow", hex: "#ffd400" },
  { name: "red", hex: "#ff6666" },
  { name: "green", hex: "#5fb236" },
  { name: "blue", hex: "#2ea8e5" },
  { name: "purple", hex: "#a28ae5" },
  { name: "magenta", hex: "#e56eee" },
  { name: "orange", hex: "#f19837" },
  { name: "gray", hex: "#aaaaaa" },
] as const;

/** Pages as printed, dimmed, or inverted. */
export type PageMode = "normal" | "dim" | "invert";

export const PAGE_MODES: Record<PageMode, string> = {
  normal: "Page: as printed",
  dim: "Page: dimmed",
  invert: "Page: inverted",
};

export function nextPageMode(mode: PageMode): PageMode {
  return mode === "normal" ? "dim" : mode === "dim" ? "invert" : "normal";
}

export function storedPageMode(): PageMode {
  const v = typeof localStorage === "undefined" ? null : localStorage.getItem("papershelf.reader.page");
  return v === "dim" || v === "invert" ? v : "normal";
}

/** The name of a stored colour, or the colour itself when it is not one the reader offers. */
export function colorName(hex: string): string {
  return COLORS.find((c) => c.hex === hex.toLowerCase())?.name ?? hex;
}
