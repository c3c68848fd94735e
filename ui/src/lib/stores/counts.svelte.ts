// The sidebar's numbers: papers per status, the tags in use and the collections.
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { Collection, Stats, Status, TagCount } from "../types";

export class LibraryCounts {
  stats = $state<Stats | null>(null);
  tags = $state<TagCount[]>([]);
  collections = $state<Collection[]>([]);
  error = $state<ApiError | null>(null);

  #latest = 0;

  async refresh(): Promise<void> {
    const ticket = ++this.#latest;
    try {
      const [stats, tags, collections] = await Promise.all([api.stats(), api.listTags(), api.listCollections()]);
      if (ticket !== this.#latest) return;
      this.stats = stats;
      this.tags = tags;
      this.collections = collections;
      this.error = null;
    } catch (err) {
      if (ticket === this.#latest) this.error = toApiError(err);
    }
  }

  count(status: Status): number {
    return this.stats?.byStatus.find(([s]) => s === status)?.[1] ?? 0;
  }
}
