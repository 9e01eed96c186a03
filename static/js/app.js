/* Progressive enhancements only: every page works without this file. */
(function () {
  "use strict";
  // Move focus to an error summary or notice so screen-reader and keyboard users hear it first.
  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }

  // Copy-link and print buttons (hidden without JavaScript, where they could not work).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-copy"));
      var status = document.querySelector(".copy-status");
      input.select();
      var done = function () { if (status) { status.textContent = status.getAttribute("data-copied-text"); } };
      if (navigator.clipboard) { navigator.clipboard.writeText(input.value).then(done, function () {}); }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Exclusive options ("None", "I don't know"): ticking one clears the others in its group.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox" || !box.checked) { return; }
    var group = document.querySelectorAll('input[type=checkbox][name="' + box.name + '"]');
    group.forEach(function (other) {
      if (other === box) { return; }
      if (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive")) { other.checked = false; }
    });
  });
})();
