// Gazetteer picker on the "Add a city" page. The page works without this script (the search is a
// GET form and each suggestion is a link); this adds keyboard navigation between the search box
// and the htmx-loaded suggestions.
(function () {
  "use strict";
  const box = document.querySelector("[data-city-search]");
  const list = document.getElementById("city-suggestions");
  if (!box || !list) {
    return;
  }
  const picks = () => Array.from(list.querySelectorAll("a.list-group-item"));

  box.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && picks().length) {
      event.preventDefault();
      picks()[0].focus();
    }
  });

  list.addEventListener("keydown", (event) => {
    const items = picks();
    const index = items.indexOf(document.activeElement);
    if (index < 0) {
      return;
    }
    if (event.key === "ArrowDown" && index < items.length - 1) {
      event.preventDefault();
      items[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index === 0 ? box : items[index - 1]).focus();
    } else if (event.key === "Escape") {
      box.focus();
    }
  });

  // After a pick the details form is prefilled: put the cursor where a human still has work.
  const region = document.getElementById("id_region");
  if (region && new URLSearchParams(window.location.search).has("geonames_id")) {
    region.focus();
  }
})();
