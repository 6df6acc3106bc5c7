/* charley: small niceties. Every page works without this script. */
(function () {
  "use strict";
  // A new answer or a problem with a form: move focus there, so it is read out first.
  var target = document.querySelector("[data-focus]");
  if (target && window.location.hash === "") {
    target.focus();
  }
  // A character count under text boxes that have a limit.
  var areas = document.querySelectorAll("textarea[maxlength]");
  Array.prototype.forEach.call(areas, function (area) {
    var out = document.getElementById(area.id + "-count");
    if (!out) { return; }
    var update = function () {
      out.textContent = area.value.length.toLocaleString("en") + " of " +
        area.maxLength.toLocaleString("en") + " characters";
    };
    area.addEventListener("input", update);
    update();
  });
}());
