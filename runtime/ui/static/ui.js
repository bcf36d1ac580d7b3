// The web UI: collapsible sections and sortable tables. Plain DOM, no libraries, and the
// pages work without it.
(function () {
  "use strict";

  function setupCollapsible() {
    document.querySelectorAll("h4.collapsible").forEach(function (h) {
      h.addEventListener("click", function () {
        var target = document.getElementById(h.getAttribute("data-target"));
        if (!target) { return; }
        target.classList.toggle("hidden");
        h.classList.toggle("collapsed");
      });
    });
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var sort = cell.getAttribute("data-sort");
    if (sort !== null && sort !== "" && !isNaN(Number(sort))) { return Number(sort); }
    var text = cell.textContent.trim();
    return isNaN(Number(text)) || text === "" ? text.toLowerCase() : Number(text);
  }

  function setupSortable() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      var headers = table.tHead ? table.tHead.rows[0].cells : [];
      Array.prototype.forEach.call(headers, function (th, index) {
        th.addEventListener("click", function () {
          var body = table.tBodies[0];
          if (!body) { return; }
          var ascending = th.getAttribute("data-order") !== "asc";
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = cellValue(a, index), y = cellValue(b, index);
            if (x === y) { return 0; }
            return (x < y ? -1 : 1) * (ascending ? 1 : -1);
          });
          rows.forEach(function (r) { body.appendChild(r); });
          Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("data-order"); });
          th.setAttribute("data-order", ascending ? "asc" : "desc");
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupCollapsible();
    setupSortable();
  });
})();
