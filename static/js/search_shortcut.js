// "/" moves the focus to the search box (the search page's own box, else the one in the header),
// as on GitHub. Not while the user types in a field, and not with a modifier key held. On a
// narrow screen the header box sits in the collapsed menu: the menu opens first.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
    return;
  }
  const target = event.target;
  if (target instanceof HTMLElement
      && (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"))) {
    return;
  }
  const box = document.querySelector("[data-search-box]") || document.getElementById("global-search");
  if (!box) {
    return;
  }
  event.preventDefault();
  const menu = box.closest(".navbar-collapse");
  if (menu && !menu.classList.contains("show") && window.bootstrap) {
    window.bootstrap.Collapse.getOrCreateInstance(menu).show();
  }
  box.focus();
  box.select();
});
