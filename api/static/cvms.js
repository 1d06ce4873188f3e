// Move focus to the error summary when a page shows one, so screen readers announce it first;
// else to the message of what was just done ("Your reply was sent."), shown after a redirect:
// a status region present when the page loads is not announced (USWDS alert pattern).
(function () {
  var summary = document.querySelector("[data-error-summary]");
  var flash = document.querySelector("[data-flash]");
  if (summary) {
    summary.focus();
  } else if (flash) {
    flash.setAttribute("tabindex", "-1");
    flash.focus();
  }
})();

// Search-backed site fields: suggestions come from the server as the person types, so a page
// never lists every site in the state.
(function () {
  var fields = document.querySelectorAll("input[data-site-search]");
  Array.prototype.forEach.call(fields, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 || q === asked || / \(NCA\d{6}\)$/.test(q)) { return; }
      timer = setTimeout(function () {
        asked = q;
        fetch(input.getAttribute("data-site-search") + "&q=" + encodeURIComponent(q),
              {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (sites) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            sites.forEach(function (site) {
              var option = document.createElement("option");
              option.value = site.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the field still works: the server resolves a name or PIN */ });
      }, 200);
    });
  });
})();

// A "Print" button (a personal link handed over on paper): the browser's own print dialog.
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();

// A form's one-time key: copied into its field by script, so the browser restores it on Back
// and the form sent again is recognised (api/pages.py request_key_input).
(function () {
  document.querySelectorAll("input[data-request-key]").forEach(function (field) {
    if (!field.value) { field.value = field.getAttribute("data-request-key"); }
  });
})();
