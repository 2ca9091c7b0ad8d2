// The searchable picker (cityrelations/core/pickers.py, templates/cityrelations/_picker.html) as
// an ARIA 1.2 combobox: the text box asks the kind's search endpoint as the user types, the
// matches are a listbox (arrow keys, Enter, Escape, or the mouse), the chosen values are chips
// with a remove button, and a live region announces what happened. Without this script the same
// markup works as ticked boxes plus a search resolved when the form is sent.
(function () {
  "use strict";
  const DELAY_MS = 250;
  let serial = 0;

  function enhance(root) {
    const input = root.querySelector("input[type=text]");
    const choices = root.querySelector("[data-picker-choices]");
    const hint = root.querySelector("[data-picker-hint]");
    if (!input || !choices || root.dataset.enhanced) {
      return;
    }
    root.dataset.enhanced = "1";
    serial += 1;
    const multiple = root.hasAttribute("data-multiple");
    const name = root.dataset.name;
    const msg = root.dataset;
    const listId = `picker-list-${serial}`;

    // The chosen values become chips; offered (unticked) boxes are for the no-script form only.
    const chosen = Array.from(choices.querySelectorAll("input:checked"))
      .filter((box) => box.value !== "")
      .map((box) => ({ value: box.value, label: box.dataset.label || box.value }));
    choices.replaceChildren();
    choices.classList.add("picker-chips");
    choices.setAttribute("role", "list");

    input.removeAttribute("name");
    input.value = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    if (hint) {
      hint.textContent = msg.msgHint;
    }

    const list = document.createElement("ul");
    list.id = listId;
    list.className = "picker-list list-group";
    list.setAttribute("role", "listbox");
    const labelFor = document.querySelector(`label[for="${input.id}"]`);
    if (labelFor) {
      labelFor.id = labelFor.id || `${listId}-label`;
      list.setAttribute("aria-labelledby", labelFor.id);
    }
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);

    const status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    root.appendChild(status);

    let options = [];
    let active = -1;
    let timer = null;
    let pending = null;

    const announce = (text) => {
      status.textContent = text;
    };
    const fill = (template, label) => template.replace("{label}", label);

    function chip(item) {
      const li = document.createElement("div");
      li.className = "picker-chip badge text-bg-light border";
      li.setAttribute("role", "listitem");
      li.dataset.value = item.value;
      const text = document.createElement("span");
      text.textContent = item.label;
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = item.value;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn-close btn-close-sm ms-1";
      remove.setAttribute("aria-label", `${msg.msgRemove} ${item.label}`);
      remove.addEventListener("click", () => {
        li.remove();
        announce(fill(msg.msgRemoved, item.label));
        input.focus();
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      li.append(text, hidden, remove);
      return li;
    }

    const chosenValues = () =>
      Array.from(choices.querySelectorAll("input[type=hidden]")).map((box) => box.value);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach((option, i) => {
        option.classList.toggle("active", i === index);
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(item) {
      if (!multiple) {
        choices.replaceChildren();
      }
      if (!chosenValues().includes(item.value)) {
        choices.appendChild(chip(item));
      }
      input.value = "";
      close();
      announce(fill(msg.msgChosen, item.label));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(data) {
      list.replaceChildren();
      options = data.results.map((item, i) => {
        const option = document.createElement("li");
        option.id = `${listId}-${i}`;
        option.className = "list-group-item list-group-item-action";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.label;
        option.addEventListener("mousedown", (event) => event.preventDefault());
        option.addEventListener("click", () => pick(item));
        option.item = item;
        list.appendChild(option);
        return option;
      });
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      active = -1;
      announce(data.status);
    }

    async function search() {
      const text = input.value.trim();
      if (!text) {
        close();
        return;
      }
      const url = new URL(root.dataset.url, window.location.href);
      url.searchParams.set("q", text);
      chosenValues().forEach((value) => url.searchParams.append("exclude", value));
      pending?.abort();
      pending = new AbortController();
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          signal: pending.signal,
          credentials: "same-origin",
        });
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        if (input.value.trim() === text) {
          show(await response.json());
        }
      } catch (error) {
        if (error.name !== "AbortError") {
          close();
          announce(msg.msgFailed);
        }
      }
    }

    chosen.forEach((item) => choices.appendChild(chip(item)));
    // A row created elsewhere on the page (the participant form's new contact) is chosen here.
    root.addEventListener("picker:choose", (event) => pick(event.detail));

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      const open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          search();
        } else {
          highlight(Math.min(active + 1, options.length - 1));
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        // Never send the form from the search box: Enter picks (the first match by default).
        event.preventDefault();
        if (open) {
          pick(options[Math.max(active, 0)].item);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else {
          input.value = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", () => window.setTimeout(close, 150));
  }

  // A small form that creates a row in place (data-inline-contact) and chooses it in the picker
  // whose text box has the id in data-picker-for. Without this script it is a plain post to the
  // contact form's page, which comes back with the new contact chosen.
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("[data-inline-contact]");
    const input = form && document.getElementById(form.dataset.pickerFor);
    const picker = input && input.closest("[data-picker]");
    if (!picker || !picker.dataset.enhanced) {
      return;
    }
    event.preventDefault();
    const errors = form.querySelector("[data-inline-errors]");
    const showErrors = (lines) => {
      errors.replaceChildren(
        ...lines.map((line) => {
          const p = document.createElement("p");
          p.className = "mb-0";
          p.textContent = line;
          return p;
        }),
      );
      errors.classList.remove("d-none");
      errors.focus();
    };
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) {
        showErrors(data.errors || [form.dataset.msgFailed]);
        return;
      }
      errors.classList.add("d-none");
      form.reset();
      picker.dispatchEvent(new CustomEvent("picker:choose", { detail: data }));
      const details = form.closest("details");
      if (details) {
        details.open = false;
      }
      input.focus();
      const status = picker.querySelector("[role=status]");
      if (status) {
        status.textContent = form.dataset.msgCreated.replace("{label}", data.label);
      }
    } catch (error) {
      showErrors([form.dataset.msgFailed]);
    }
  });

  function enhanceAll(scope) {
    scope.querySelectorAll("[data-picker]").forEach(enhance);
  }

  enhanceAll(document);
  // Forms swapped in by htmx (quick-add panels) get their pickers too.
  document.body.addEventListener("htmx:afterSwap", (event) => enhanceAll(event.target));
  window.cityPickers = { enhanceAll };
})();
