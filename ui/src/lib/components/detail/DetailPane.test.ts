import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { PaperView } from "../../stores/paper.svelte";
import { paper } from "../../testing/fixtures";
import type { Paper } from "../../types";
import DetailPane from "./DetailPane.svelte";

function show(p: Paper) {
  const view = new PaperView();
  view.show(p);
  return render(DetailPane, {
    view,
    onopenlink: () => {},
    onopencollection: () => {},
    onaddtocollection: () => {},
    onremovefromcollection: () => {},
  });
}

describe("DetailPane", () => {
  it("lists every record a paper was imported from, the preprint marked", () => {
    show(
      paper({
        records: [
          { key: "smith2022attention", entryType: "misc", origin: "zotero.bib", format: "bibtex", preprint: true },
          { key: "smith2023attention", entryType: "inproceedings", origin: "zotero.bib", format: "bibtex", preprint: false },
          { key: "S1", entryType: "JOUR", origin: "zotero.ris", format: "ris", preprint: false },
        ],
      }),
    );
    const rows = screen.getAllByTestId("detail-record").map((r) => r.textContent?.replace(/\s+/g, " ").trim());
    expect(rows).toEqual([
      "@misc{smith2022attention} (preprint) zotero.bib",
      "@inproceedings{smith2023attention} zotero.bib",
      "RIS JOUR S1 zotero.ris",
    ]);
  });

  it("shows keys and file names as text, never as markup", () => {
    const { container } = show(
      paper({
        records: [
          { key: "<img src=x onerror=alert(1)>", entryType: "misc", origin: "<b>evil</b>.bib", format: "bibtex", preprint: false },
        ],
      }),
    );
    const row = screen.getByTestId("detail-record");
    expect(row.textContent).toContain("@misc{<img src=x onerror=alert(1)>}");
    expect(row.textContent).toContain("<b>evil</b>.bib");
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector(".records b")).toBeNull();
  });

  it("has no Records section for a paper that came from no file", () => {
    show(paper({ records: [] }));
    expect(screen.queryByTestId("detail-records")).toBeNull();
  });
});
