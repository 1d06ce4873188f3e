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

// USWDS's file input writes its own words, in English: "Drag files here or choose from folder",
// "2 files selected", "Change files", and what a screen reader hears once files are chosen. A
// page in another language hands over their translations (recipient/_layout.html), and they
// replace the component's words, again each time it rewrites them. The names of the chosen
// files are left as they are.
(function () {
  var source = document.getElementById("cvms-file-input-words");
  if (!source) { return; }
  var words = JSON.parse(source.textContent);
  ["Drag file here or", "Drag files here or"].forEach(function (drag) {
    // the input's accessible name: the two parts of the instructions in one
    words[drag + " choose from folder"] = words[drag] + " " + words["choose from folder"];
  });
  var rules = Object.keys(words).map(function (english) {
    var names = [];
    var pattern = english.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g,
      function (_, name) { names.push(name); return name === "count" ? "(\\d+)" : "([\\s\\S]*)"; });
    return {re: new RegExp("^" + pattern + "$"), names: names, said: words[english]};
  });
  function translated(text) {
    var trimmed = text.trim();
    for (var i = 0; i < rules.length; i++) {
      var match = rules[i].re.exec(trimmed);
      if (match) {
        var said = rules[i].said;
        rules[i].names.forEach(function (name, n) {
          said = said.split("{" + name + "}").join(match[n + 1]);
        });
        return text.replace(trimmed, said);
      }
    }
    return text;
  }
  function localize(component) {
    var walker = document.createTreeWalker(component, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      if (node.parentElement.closest(".usa-file-input__preview")) { continue; }  // a file's name
      var said = translated(node.nodeValue);
      if (said !== node.nodeValue) { node.nodeValue = said; }
    }
    component.querySelectorAll("[aria-label]").forEach(function (element) {
      var label = element.getAttribute("aria-label");
      var saidLabel = translated(label);
      if (saidLabel !== label) { element.setAttribute("aria-label", saidLabel); }
    });
  }
  function start() {
    document.querySelectorAll(".usa-file-input").forEach(function (component) {
      localize(component);
      // what it rewrites is English again, and once translated no longer matches: no loop
      new MutationObserver(function () { localize(component); }).observe(component, {
        childList: true, subtree: true, characterData: true, attributes: true,
        attributeFilter: ["aria-label"]});
    });
  }
  // USWDS builds the component when the document is parsed, in a listener added before this one
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// A field that comes back with what was typed (a refused form) is counted at once: USWDS counts
// only as one types, and said "1000 characters allowed" over a kept reason past its limit, so
// nobody knew how much to cut.
(function () {
  function count() {
    document.querySelectorAll(".usa-character-count__field").forEach(function (field) {
      if (field.value) { field.dispatchEvent(new Event("input", {bubbles: true})); }
    });
  }
  // after USWDS has built the counter (its listener was added before this one)
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", count);
  } else {
    count();
  }
})();
