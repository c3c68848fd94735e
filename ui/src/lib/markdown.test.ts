import { describe, expect, it } from "vitest";

import { isExternalUrl, renderMarkdown } from "./markdown";

describe("renderMarkdown", () => {
  it("renders the Markdown people write in notes", () => {
    const html = renderMarkdown("# Idea\n\n- **bold** and *em*\n- `code`\n\n> quote\n\n[paper](https://arxiv.org/abs/2310.02579)");
    expect(html).toContain("<h1>Idea</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<blockquote>");
    expect(html).toContain('<a href="https://arxiv.org/abs/2310.02579">paper</a>');
  });

  it("drops script, handlers, images, styles and non-http links", () => {
    const hostile = [
      "<script>window.pwned = 1</script>",
      "<img src=x onerror=\"window.pwned = 1\">",
      '<a href="javascript:window.pwned=1">click</a>',
      "[md link](javascript:alert(1))",
      '<div style="position:fixed" onclick="x()">styled</div>',
      "<iframe src=\"https://example.com\"></iframe>",
      "![img](https://example.com/x.png)",
      "<svg><script>1</script></svg>",
    ].join("\n\n");
    const html = renderMarkdown(hostile);
    expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<img|<iframe|style=|<svg/i);
    expect(html).toContain("click");
    expect(html).toContain("styled");
  });
});

describe("isExternalUrl", () => {
  it("accepts only http and https", () => {
    expect(isExternalUrl("https://arxiv.org/abs/1")).toBe(true);
    expect(isExternalUrl("http://example.com")).toBe(true);
    for (const bad of ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "/relative", "tauri://x"]) {
      expect(isExternalUrl(bad)).toBe(false);
    }
  });
});
