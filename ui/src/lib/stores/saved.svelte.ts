// Saved searches in the sidebar: a query (and order) kept under a name.
import * as api from "../api";
import { ApiError, toApiError } from "../api";
import type { BrowseSort, SavedSearch } from "../types";

export class SavedSearches {
  list = $state<SavedSearch[]>([]);
  error = $state<ApiError | null>(null);

  async load(): Promise<void> {
    try {
      this.list = await api.savedSearches();
      this.error = null;
    } catch (err) {
      this.error = toApiError(err);
    }
  }

  /** Saves (or, under the same name, replaces) a search; errors are kept for the sidebar to show. */
  async save(name: string, query: string, sort: BrowseSort | null): Promise<SavedSearch | null> {
    try {
      const saved = await api.saveSearch(name, query, sort);
      await this.load();
      return saved;
    } catch (err) {
      this.error = toApiError(err);
      return null;
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await api.deleteSavedSearch(id);
      await this.load();
    } catch (err) {
      this.error = toApiError(err);
    }
  }
}
