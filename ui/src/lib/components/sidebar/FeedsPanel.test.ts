import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import { formatTimestamp } from "../../format";
import { SyncView } from "../../stores/sync.svelte";
import { clearMocks, deferred, mockBackend } from "../../testing/mockBackend";
import type { Failure, Subscription, SyncReport } from "../../types";
import FeedsPanel from "./FeedsPanel.svelte";

afterEach(() => clearMocks());

const feed = (id: number, kind: Subscription["kind"], query: string, lastSyncedAt: string | null = null): Subscription => ({
  id,
  kind,
  query,
  createdAt: "2025-01-01T00:00:00Z",
  lastSyncedAt,
  cursor: null,
});

/** A sync's answer where the arXiv source failed (or, with `error` null, found `added` papers). */
const report = (error: Failure | null, added = 0): SyncReport => ({
  subscriptions: [
    { id: 1, label: "arXiv category cs.LG", pages: 1, notModified: 0, added, updated: 0, unchanged: 0, skipped: [], error },
  ],
  enrichment: null,
  graph: null,
  dryRun: false,
  cancelled: false,
  traffic: {},
});

describe("FeedsPanel", () => {
  it("labels each feed with its kind and query, a space between, as text", () => {
    const sync = new SyncView();
    sync.subscriptions = [
      feed(1, "hf-search", "positional encoding"),
      feed(2, "hf-daily", ""),
      feed(3, "hf-search", "<img src=x onerror=alert(1)>"),
    ];
    const { container } = render(FeedsPanel, { sync });
    expect(screen.getAllByTestId("feed-label").map((l) => l.textContent)).toEqual([
      "HF search positional encoding",
      "HF Daily Papers",
      "HF search <img src=x onerror=alert(1)>",
    ]);
    expect(container.querySelector("img")).toBeNull();
  });

  it("puts the whole kind and query in the tooltip and the row's name, since the label is cut short", () => {
    const long = "sparse autoencoders for mechanistic interpretability of large language models";
    const synced = "2025-12-03T10:02:00Z";
    const sync = new SyncView();
    sync.subscriptions = [
      feed(1, "hf-search", long, synced),
      feed(2, "hf-daily", ""),
      feed(3, "arxiv-query", '"><img src=x onerror=alert(1)>'),
    ];
    const { container } = render(FeedsPanel, { sync });
    expect(screen.getAllByTestId("feed-label").map((l) => l.getAttribute("title"))).toEqual([
      `HF search ${long} · last synced ${formatTimestamp(synced)}`,
      "HF Daily Papers · never synced",
      'arXiv query "><img src=x onerror=alert(1)> · never synced',
    ]);
    expect(screen.getByRole("listitem", { name: `HF search ${long}` })).toBe(screen.getAllByTestId("feed")[0]);
    expect(screen.getByRole("listitem", { name: "HF Daily Papers" })).toBe(screen.getAllByTestId("feed")[1]);
    expect(screen.getByRole("listitem", { name: 'arXiv query "><img src=x onerror=alert(1)>' })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Unfollow HF Daily Papers" })).toBeTruthy();
    // The query stayed an attribute's text: nothing was parsed out of it.
    expect(container.querySelector("img")).toBeNull();
  });

  it("takes a failed source's error down while its Retry runs, and shows it again only if it fails again", async () => {
    const answers = [deferred<SyncReport>(), deferred<SyncReport>(), deferred<SyncReport>()];
    let run = 0;
    mockBackend({
      list_subscriptions: () => [feed(1, "arxiv-category", "cs.LG")],
      sync_now: () => answers[run++].promise,
    });
    const sync = new SyncView();
    await sync.load();
    const user = userEvent.setup();
    render(FeedsPanel, { sync });

    await user.click(screen.getByTestId("sync-now"));
    answers[0].resolve(report({ code: "network", message: "arxiv: HTTP 503" }));
    expect((await screen.findByTestId("sync-error")).textContent).toContain("HTTP 503");

    // Retry: the old error goes at once and the progress shows in its place.
    await user.click(screen.getByTestId("sync-retry"));
    expect(screen.getByTestId("sync-progress")).toBeTruthy();
    expect(screen.queryByTestId("sync-error")).toBeNull();
    answers[1].resolve(report({ code: "network", message: "arxiv: HTTP 502" }));
    const again = await screen.findByTestId("sync-error");
    expect(again.textContent).toContain("HTTP 502");
    expect(again.textContent).not.toContain("HTTP 503");

    // Sync now does the same, and a run that works leaves no error behind.
    await waitFor(() => expect(screen.getByTestId("sync-now")).toBeTruthy());
    await user.click(screen.getByTestId("sync-now"));
    expect(screen.queryByTestId("sync-error")).toBeNull();
    answers[2].resolve(report(null, 3));
    await waitFor(() => expect(screen.getByTestId("sync-outcome").textContent).toContain("3 new"));
    expect(screen.queryByTestId("sync-error")).toBeNull();
  });
});
