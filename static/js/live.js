/* Live cohort view: fetch a fresh cohort picture every few seconds (no JS: a Refresh button). */
(function () {
  "use strict";
  var box = document.getElementById("cohort-live");
  if (!box || !window.fetch || !window.DOMParser) { return; }
  var url = box.getAttribute("data-refresh-url");
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 10;
  var note = document.querySelector("[data-refresh-note]");
  if (note) { note.hidden = false; }
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        // The fragment is our own escaped HTML; parse it and move its nodes in (no innerHTML).
        var parsed = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
        var fresh = parsed.body.firstChild;
        var nodes = [];
        fresh.childNodes.forEach(function (node) { nodes.push(document.importNode(node, true)); });
        box.replaceChildren.apply(box, nodes);
        box.setAttribute("data-refreshed", String(Date.now()));
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  window.setInterval(refresh, seconds * 1000);
})();
