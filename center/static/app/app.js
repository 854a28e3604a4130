// Small progressive enhancements; the pages work without JavaScript.

// A table wider than its box scrolls sideways inside .table-responsive (app.css keeps its first column in view on
// a phone). A box that scrolls is a named region a keyboard can reach (WCAG 2.1.1): tabindex, role, a name taken
// from the table's caption or the nearest heading before it.
function tableRegions(root) {
  root.querySelectorAll("main table.table").forEach((table) => {
    if (table.closest(".table-responsive")) return;
    const wrap = document.createElement("div");
    wrap.className = "table-responsive";
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
  });
  const headings = Array.from(document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6"));
  document.querySelectorAll(".table-responsive").forEach((wrap) => {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (!scrolls) {
      if (wrap.dataset.appRegion) {
        ["tabindex", "role", "aria-label"].forEach((a) => wrap.removeAttribute(a));
        delete wrap.dataset.appRegion;
      }
      return;
    }
    if (wrap.hasAttribute("tabindex")) return;
    const table = wrap.querySelector("table");
    let name = table && table.caption ? table.caption.textContent : "";
    if (!name) {
      const before = headings.filter((h) => h.compareDocumentPosition(wrap) & Node.DOCUMENT_POSITION_FOLLOWING);
      name = before.length ? before[before.length - 1].textContent : document.title;
    }
    wrap.dataset.appRegion = "1";
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", name.replace(/\s+/g, " ").trim());
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      // A destructive action asks first (data-confirm holds the question).
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      // Disable a form's submit buttons once it is submitted: no accidental double submission.
      // An HTMX form (data-hx-post) stays usable: its answer replaces part of the page.
      if (form.hasAttribute("data-hx-post") || form.hasAttribute("hx-post")) return;
      setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; }), 0);
    });
  });
  tableRegions(document);
  let resizing;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => tableRegions(document), 200);
  });
  document.body.addEventListener("htmx:afterSettle", (event) => tableRegions(event.target));
});
