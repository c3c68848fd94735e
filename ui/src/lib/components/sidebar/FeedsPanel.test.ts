import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { SyncView } from "../../stores/sync.svelte";
import type { Subscription } from "../../types";
import FeedsPanel from "./FeedsPanel.svelte";

const feed = (id: number, kind: Subscription["kind"], query: string): Subscription => ({
  id,
  kind,
  query,
  createdAt: "2025-01-01T00:00:00Z",
  lastSyncedAt: null,
  cursor: null,
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
});
