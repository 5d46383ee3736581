// activ report: the search box, the sortable tables, and a self-test that the browser
// test runs by opening index.html?selftest. Plain JS, no network.
"use strict";

const cards = Array.from(document.querySelectorAll(".card"));
const rows = Array.from(document.querySelectorAll("#summary-table tbody tr"));
const search = document.getElementById("search");
const count = document.getElementById("match-count");

// Cards and summary rows carry data-search: names, aliases and family, lower case.
function filter(text) {
  const needle = text.trim().toLowerCase();
  let shown = 0;
  for (const el of cards.concat(rows)) {
    const match = needle === "" || el.dataset.search.includes(needle);
    el.hidden = !match;
    if (match && el.classList.contains("card")) shown++;
  }
  count.textContent = needle === "" ? `${cards.length} functions` : `${shown} of ${cards.length} functions`;
  return shown;
}
search.addEventListener("input", () => filter(search.value));
filter(search.value);

// Sort by a column: numbers numerically (cells carry data-value), text alphabetically;
// empty cells last either way.
function sortTable(table, column, descending) {
  const header = table.tHead.rows[0].cells[column];
  const numeric = header.dataset.type === "number";
  const key = (row) => {
    const cell = row.cells[column];
    const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
    return numeric ? (raw === "" ? NaN : Number(raw)) : raw.toLowerCase();
  };
  const body = table.tBodies[0];
  const sorted = Array.from(body.rows).sort((a, b) => {
    const x = key(a), y = key(b);
    const xEmpty = numeric ? Number.isNaN(x) : x === "", yEmpty = numeric ? Number.isNaN(y) : y === "";
    if (xEmpty || yEmpty) return xEmpty - yEmpty;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -order : order;
  });
  for (const row of sorted) body.appendChild(row);
  for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", descending ? "descending" : "ascending");
}
for (const table of document.querySelectorAll("table.sortable")) {
  Array.from(table.tHead.rows[0].cells).forEach((th, column) => {
    th.title = "Sort by this column";
    th.addEventListener("click", () => sortTable(table, column, th.getAttribute("aria-sort") === "ascending"));
  });
}

// index.html?selftest: exercise search and sorting as a user would and record the
// outcome in <body data-selftest="pass ..."> for the headless-browser test to read.
function selfTest() {
  const problems = [];
  const visibleCards = () => cards.filter((c) => !c.hidden);
  search.value = "gelu";
  search.dispatchEvent(new Event("input"));
  const gelu = visibleCards();
  if (gelu.length === 0 || gelu.length >= cards.length) problems.push(`search gelu shows ${gelu.length} of ${cards.length}`);
  if (!gelu.every((c) => c.dataset.search.includes("gelu"))) problems.push("search shows a card without gelu");
  if (rows.filter((r) => !r.hidden).length !== gelu.length) problems.push("summary rows disagree with cards");
  search.value = "";
  search.dispatchEvent(new Event("input"));
  if (visibleCards().length !== cards.length) problems.push("clearing the search does not show every card");

  const table = document.getElementById("summary-table");
  const nameHeader = table.tHead.rows[0].cells[0];
  nameHeader.click();
  nameHeader.click();  // descending
  const names = Array.from(table.tBodies[0].rows, (r) => r.cells[0].textContent.trim().toLowerCase());
  const expected = names.slice().sort().reverse();
  if (names.join("\n") !== expected.join("\n")) problems.push("sorting by name descending is wrong");
  nameHeader.click();  // back to ascending

  document.body.dataset.selftest = problems.length === 0
      ? `pass cards=${cards.length} gelu=${gelu.length}`
      : `fail: ${problems.join("; ")}`;
}
if (new URLSearchParams(location.search).has("selftest")) selfTest();
