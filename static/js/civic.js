// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk-frontend-6.3.0.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Buttons that only refresh what htmx already keeps up to date (the youth ballot's "Update my total")
// are hidden once htmx is running; without it they stay, and the page works by posting the form.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.htmx) return;
  for (const button of document.querySelectorAll("[data-civic-live-update]")) {
    button.hidden = true;
  }
});
