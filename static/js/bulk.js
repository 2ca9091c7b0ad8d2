// A list's bulk form (templates/cityrelations/_bulk_bar.html): "select all on this page" ticks
// every row, the bar says how many rows are selected and shows only the value the chosen action
// needs. Without this file the form still works: every field is shown, and a ticked "select all"
// acts on the whole page.
(() => {
  const form = document.querySelector("[data-bulk-form]");
  if (!form) return;
  const all = form.querySelector("[data-bulk-all]");
  const rows = () => [...form.querySelectorAll("[data-bulk-row]")];
  const bar = form.querySelector("[data-bulk-bar]");
  const counter = form.querySelector("[data-bulk-count]");
  const action = form.querySelector("select[name=action]");
  const needs = JSON.parse(form.dataset.bulkNeeds || "{}");

  const refresh = () => {
    const n = rows().filter((box) => box.checked).length;
    if (counter) counter.textContent = n ? counter.dataset.template.replace("#", n) : "";
    if (bar) bar.classList.toggle("bulk-idle", n === 0);
    if (all) all.checked = n > 0 && n === rows().length;
  };
  const showValue = () => {
    const wanted = needs[action ? action.value : ""] || [];
    form.querySelectorAll("[data-bulk-value]").forEach((box) => {
      box.hidden = !wanted.includes(box.dataset.bulkValue);
    });
  };
  if (all) {
    all.addEventListener("change", () => {
      rows().forEach((box) => { box.checked = all.checked; });
      refresh();
    });
  }
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-bulk-row]")) refresh();
    if (event.target === action) showValue();
  });
  refresh();
  showValue();
})();
