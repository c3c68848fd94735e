// The sidebar's numbers: papers per status and the tags in use.
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { Stats, Status, TagCount } from "../types";

export class LibraryCounts {
  stats = $state<Stats | null>(null);
  tags = $state<TagCount[]>([]);
  error = $state<ApiError | null>(null);

  #latest = 0;

  async refresh(): Promise<void> {
    const ticket = ++this.#latest;
    try {
      const [stats, tags] = await Promise.all([api.stats(), api.listTags()]);
      if (ticket !== this.#latest) return;
      this.stats = stats;
      this.tags = tags;
      this.error = null;
    } catch (err) {
      if (ticket === this.#latest) this.error = toApiError(err);
    }
  }

  count(status: Status): number {
    return this.stats?.byStatus.find(([s]) => s === status)?.[1] ?? 0;
  }
}
