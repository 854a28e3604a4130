// The scoring sheet: a live weighted total (Σ weight × score of the non-veto criteria), and the final
// submission asks first (the form's data-confirm) while 保存草稿 does not.
(() => {
  const form = document.getElementById("score-sheet");
  if (!form) return;
  const out = document.getElementById("sheet-total");
  const question = form.dataset.confirm;
  const inputs = Array.from(form.querySelectorAll("input[data-weight]"));
  const locale = document.documentElement.lang || "zh-Hans";
  const fmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function update() {
    let total = 0;
    let filled = 0;
    inputs.forEach((input) => {
      const v = parseFloat(input.value);
      const min = parseFloat(input.min);
      const max = parseFloat(input.max);
      const bad = input.value !== "" && (Number.isNaN(v) || v < min || v > max);
      input.classList.toggle("is-invalid", bad || input.dataset.serverError === "1");
      if (!Number.isNaN(v) && !bad) {
        total += v * parseFloat(input.dataset.weight);
        filled += 1;
      }
    });
    if (out) {
      out.value = fmt.format(total);
      out.textContent = fmt.format(total);
      out.dataset.filled = `${filled}/${inputs.length}`;
    }
  }

  inputs.forEach((input) => {
    input.addEventListener("input", () => {
      input.dataset.serverError = "0";
      update();
    });
  });
  // Which button submits: the draft is saved without a question, the final submission asks.
  form.querySelectorAll("button[name=action]").forEach((button) => {
    button.addEventListener("click", () => {
      if (button.value === "draft") delete form.dataset.confirm;
      else if (question) form.dataset.confirm = question;
    });
  });
  update();
})();
