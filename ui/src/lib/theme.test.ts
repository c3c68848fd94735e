import { describe, expect, it } from "vitest";

import { applyTheme, nextTheme, resolveTheme } from "./theme";

describe("theme", () => {
  it("draws the system's preference when following it", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
  });

  it("always sets the theme to draw and remembers the choice", () => {
    applyTheme("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    applyTheme("system");
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(localStorage.getItem("papershelf.theme")).toBe("system");
    expect(nextTheme("dark")).toBe("system");
  });
});
