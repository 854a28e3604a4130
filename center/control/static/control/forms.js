// Budget-control forms (no inline script, CSP): the application form shows the groups of the chosen type
// only and lists only the quotas that type may use; the claim form adds invoice rows. Without this script
// every group shows under its heading, every quota is listed and the invoice rows given by the page stay.
(function () {
  "use strict";

  function applicationForm(form) {
    const type = form.querySelector("select[name=app_type]");
    const quota = form.querySelector("select[name=quota]");
    if (!type) return;
    function show() {
      const chosen = type.value;
      form.querySelectorAll("fieldset[data-types]").forEach(function (group) {
        group.hidden = group.dataset.types.split(" ").indexOf(chosen) < 0;
      });
      if (!quota) return;
      quota.querySelectorAll("option").forEach(function (option) {
        if (!option.value) return;
        const fits = (option.dataset.types || "").split(" ").indexOf(chosen) >= 0;
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits && option.selected) quota.value = "";
      });
    }
    type.addEventListener("change", show);
    show();
  }

  function invoiceRows(form) {
    const rows = form.querySelector("[data-rows]");
    const template = form.querySelector("template[data-row-template]");
    const button = form.querySelector("[data-add-row]");
    const total = form.querySelector("input[name$=-TOTAL_FORMS]");
    if (!rows || !template || !button || !total) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (index >= 30) return;
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      const added = rows.lastElementChild;
      const label = added.querySelector(".small.fw-semibold");
      if (label) label.textContent = label.textContent.trim() + " " + (index + 1);
      total.value = String(index + 1);
      const first = added.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      applicationForm(form);
      invoiceRows(form);
    });
  });
})();
