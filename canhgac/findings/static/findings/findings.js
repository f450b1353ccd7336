// Findings list: the header checkbox selects or clears every row of the page (CSP: no inline script).
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-page");
  if (!all) return;
  const rows = () => document.querySelectorAll("input.row-select");
  all.addEventListener("change", () => rows().forEach((box) => { box.checked = all.checked; }));
});
