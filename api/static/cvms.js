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

// The English/Español switch on a page with a form: what was typed comes along. The switch is
// a link (the page is asked for again in the other language), so a refused form came back
// empty in the other language. Its fields' values are kept in this tab's sessionStorage as the
// link is followed, put back into the form that posts to the same address on the page that
// follows (within a minute), and forgotten at once. Passwords, files and hidden fields are not
// kept.
(function () {
  var KEY = "cvms-typed-before-language";
  var SKIP = ["hidden", "password", "file", "submit", "button", "reset", "image"];
  function forms() {
    return Array.prototype.slice.call(document.querySelectorAll("form")).filter(function (form) {
      return (form.getAttribute("method") || "").toLowerCase() === "post";
    });
  }
  function kind(field) { return (field.type || field.tagName || "").toLowerCase(); }
  function typed(form) {
    var values = [];
    var choices = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      var type = kind(field);
      if (!field.name || field.disabled || SKIP.indexOf(type) >= 0) { return; }
      if (type === "radio" || type === "checkbox") {
        if (choices.indexOf(field.name) < 0) { choices.push(field.name); }
        if (field.checked) { values.push([field.name, field.value]); }
      } else if (type === "select-multiple") {
        Array.prototype.forEach.call(field.selectedOptions, function (option) {
          values.push([field.name, option.value]);
        });
      } else {
        values.push([field.name, field.value]);
      }
    });
    return {action: form.action, values: values, choices: choices};
  }
  function restore(form, kept) {
    function said(name) {
      return kept.values.filter(function (entry) { return entry[0] === name; })
        .map(function (entry) { return entry[1]; });
    }
    Array.prototype.forEach.call(form.elements, function (field) {
      var type = kind(field);
      if (!field.name || SKIP.indexOf(type) >= 0) { return; }
      var values = said(field.name);
      if (type === "radio" || type === "checkbox") {
        if (kept.choices.indexOf(field.name) >= 0) { field.checked = values.indexOf(field.value) >= 0; }
      } else if (type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) >= 0;
        });
      } else if (values.length) {
        field.value = values[0];
      }
    });
  }
  document.querySelectorAll(".cvms-language-switch a").forEach(function (link) {
    link.addEventListener("click", function () {
      var kept = forms().map(typed).filter(function (form) { return form.values.length; });
      if (!kept.length) { return; }
      try {
        sessionStorage.setItem(KEY, JSON.stringify({at: Date.now(), forms: kept}));
      } catch (error) { /* storage off: the page comes back as the server has it */ }
    });
  });
  var saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    sessionStorage.removeItem(KEY);
  } catch (error) { return; }
  if (!saved || !saved.forms || Date.now() - saved.at > 60000) { return; }
  saved.forms.forEach(function (kept) {
    forms().forEach(function (form) { if (form.action === kept.action) { restore(form, kept); } });
  });
})();
