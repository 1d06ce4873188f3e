// Live progress of a recipient upload: polls its small JSON summary until it is finished.
(function () {
  var box = document.getElementById("upload-progress");
  if (!box || box.hasAttribute("data-finished")) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = document.getElementById("upload-bar");
  function show(p) {
    bar.value = p.percent;
    bar.textContent = p.percent + "%";
    ["validated", "stored", "invited", "to_invite"].forEach(function (name) {
      var el = box.querySelector('[data-field="' + name + '"]');
      if (el) { el.textContent = Number(p[name]).toLocaleString("en-US"); }
    });
    if (p.finished) {  // no automatic reload: the page changes only when its reader asks
      document.getElementById("upload-finished").hidden = false;
      var leave = document.getElementById("upload-leave");
      if (leave) { leave.hidden = true; }
      return;
    }
    window.setTimeout(poll, 1000);
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) { if (p) { show(p); } else { window.setTimeout(poll, 3000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
