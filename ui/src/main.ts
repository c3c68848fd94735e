import { mount } from "svelte";

import App from "./App.svelte";
import "./app.css";
import { applyTheme, storedTheme } from "./lib/theme";

// The e2e benchmark splits startup here: navigation start -> the bundle loaded and evaluated.
performance.mark?.("bundle-evaluated");

// Before the first paint, so a dark system never flashes the light theme.
applyTheme(storedTheme());

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

const app = mount(App, { target });
performance.mark?.("app-rendered");
export default app;
