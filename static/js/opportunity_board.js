// The opportunity board (templates/partners/opportunities/_board.html): a card may be dragged to
// another column, which submits the card's own "move to" form with that column's stage (htmx
// then swaps the board, or asks for the reason of a win or a loss). The form stays the way to
// move a card with a keyboard, and without this file.
(() => {
  const board = () => document.getElementById("board");
  let dragged = null;

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest ? event.target.closest("[data-card]") : null;
    if (!card || !board() || !board().contains(card)) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragend", () => { dragged = null; });
  document.addEventListener("dragover", (event) => {
    if (dragged && event.target.closest && event.target.closest("[data-stage]")) {
      event.preventDefault();
    }
  });
  document.addEventListener("drop", (event) => {
    const column = event.target.closest ? event.target.closest("[data-stage]") : null;
    if (!dragged || !column) return;
    event.preventDefault();
    const form = dragged.querySelector("form");
    const select = form ? form.querySelector("select[name=stage]") : null;
    const stage = column.dataset.stage;
    if (!select || !select.querySelector(`option[value="${stage}"]`)) return;
    select.value = stage;
    form.requestSubmit();
  });
})();
