import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

import { pdfjsAssets } from "./pdfjs-assets.js";

// The Tauri window loads `dist/` in production and this dev server (fixed port, see
// tauri.conf.json `devUrl`) in development. Vitest runs with mode "test".
export default defineConfig(({ mode }) => ({
  plugins: [svelte(), pdfjsAssets()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
  // Svelte 5 ships separate server and browser builds; components under test need the browser one.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
    // Unmounts rendered components after each test.
    setupFiles: ["@testing-library/svelte/vitest", "./src/lib/testing/setup.ts"],
  },
}));
