// The story editor's toolbar (templates/newsletters/_story_editor.html): bold, italic, link and
// list write the few HTML tags the newsletter keeps around the selected text, so what staff type
// stays plain text with blank lines between paragraphs. Without this script the toolbar stays
// hidden and the textarea works alone.
(function () {
  "use strict";

  function wrap(textarea, before, after, placeholder) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const selected = textarea.value.slice(start, end) || placeholder;
    textarea.setRangeText(before + selected + after, start, end, "end");
    return [start + before.length, start + before.length + selected.length];
  }

  function link(textarea) {
    // The address goes between the quotes: the caret is left there for the user to type it.
    const start = textarea.selectionStart;
    const text = textarea.value.slice(start, textarea.selectionEnd) || textarea.dataset.linkText;
    textarea.setRangeText('<a href="">' + text + "</a>", start, textarea.selectionEnd, "end");
    const caret = start + '<a href="'.length;
    return [caret, caret];
  }

  function list(textarea) {
    // The selected lines (or the caret's line) become the items of a list, set apart from the
    // paragraphs around it by blank lines.
    const value = textarea.value;
    const start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    let end = value.indexOf("\n", Math.max(textarea.selectionEnd - 1, start));
    if (end === -1) end = value.length;
    const items = value.slice(start, end).split("\n").map((line) => line.trim()).filter(Boolean);
    const markup = "<ul>\n" + items.map((item) => "<li>" + item + "</li>").join("\n") + "\n</ul>";
    const before = start === 0 || value.slice(0, start).endsWith("\n\n") ? "" : "\n";
    const after = value.slice(end).startsWith("\n\n") ? "" : "\n\n";
    textarea.setRangeText(before + markup + after, start, end, "end");
    const caret = start + before.length + markup.length + after.length;
    return [caret, caret];
  }

  const formats = {
    bold: (textarea) => wrap(textarea, "<strong>", "</strong>", ""),
    italic: (textarea) => wrap(textarea, "<em>", "</em>", ""),
    link: link,
    list: list,
  };

  document.querySelectorAll("[data-story-toolbar]").forEach((toolbar) => {
    const textarea = document.getElementById(toolbar.getAttribute("aria-controls"));
    if (!textarea) return;
    textarea.dataset.linkText = toolbar.querySelector('[data-format="link"]').textContent.trim();
    toolbar.hidden = false;
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-format]");
      if (!button) return;
      const [from, to] = formats[button.dataset.format](textarea);
      textarea.focus();
      textarea.setSelectionRange(from, to);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
