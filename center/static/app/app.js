// Small progressive enhancements; the pages work without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      // A destructive action asks first (data-confirm holds the question).
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      // Disable a form's submit buttons once it is submitted: no accidental double submission.
      if (form.hasAttribute("hx-post")) return;
      setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; }), 0);
    });
  });
});
