// Suggestions under the help search box as you type. The form works without this file.
(() => {
  const form = document.querySelector("form.help-search");
  if (!form) return;
  const input = form.querySelector("#help-q");
  const box = form.querySelector("#help-suggestions");
  const list = form.querySelector("#help-suggest-list");
  const status = form.querySelector("#help-suggest-status");
  let timer = null;
  let asked = 0;

  function show(results) {
    list.replaceChildren(...results.map((r) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = r.url;
      link.textContent = r.title;
      const snippet = document.createElement("span");
      snippet.className = "d-block small text-secondary";
      snippet.textContent = r.snippet;
      item.append(link, snippet);
      return item;
    }));
    // The page gives the words in the reader's language ("{count}" is replaced).
    status.textContent = results.length
      ? form.dataset.suggestCount.replace("{count}", results.length)
      : form.dataset.suggestNone;
    box.hidden = results.length === 0;
  }

  async function suggest() {
    const query = input.value.trim();
    if (query.length < 2) { show([]); return; }
    const mine = ++asked;
    try {
      const response = await fetch(`${form.dataset.suggestUrl}?q=${encodeURIComponent(query)}`, {headers: {Accept: "application/json"}});
      if (!response.ok || mine !== asked) return;
      show(await response.json());
    } catch {
      // No suggestions this time; the form still submits.
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") box.hidden = true;
    if (event.key === "ArrowDown" && !box.hidden) {
      event.preventDefault();
      list.querySelector("a")?.focus();
    }
  });
  // Arrow keys move between suggestions; Escape goes back to the box.
  list.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < links.length - 1) links[at + 1].focus();
    else if (event.key === "ArrowUp") (at > 0 ? links[at - 1] : input).focus();
    else if (event.key === "Escape") input.focus();
    else return;
    event.preventDefault();
  });
})();
