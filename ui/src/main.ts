import { mount } from "svelte";

import App from "./App.svelte";
import "./app.css";
import { applyTheme, storedTheme } from "./lib/theme";

// Before the first paint, so a dark system never flashes the light theme.
applyTheme(storedTheme());

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

export default mount(App, { target });
