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
/* Diary: the browser's time zone in the diary's forms (the server keeps it in an
   HttpOnly cookie), so times are saved and shown in it; a link in an error summary moves focus to its field. */
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (zone && /^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-tz]"), function (input) {
      input.value = zone;
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".error-summary a[data-field]"), function (link) {
    link.addEventListener("click", function (event) {
      var input = document.getElementById(link.getAttribute("data-field"));
      if (!input) { return; }
      event.preventDefault();
      var label = document.querySelector("label[for='" + input.id + "']");
      (label || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  });
}());
