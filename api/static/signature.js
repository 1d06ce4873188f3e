// The signature pad: typed name or drawn signature ("adopt and use").
(function () {
  document.querySelectorAll("[data-signature]").forEach(function (box) {
    var form = box.closest("form");
    var pad = box.querySelector("[data-pad]");
    var image = box.querySelector("[data-image]");
    var ctx = pad.getContext("2d");
    var drawing = false, drawn = false;
    function show() {
      var method = box.querySelector("[data-method]:checked").value;
      box.querySelector("[data-typed]").hidden = method !== "typed";
      box.querySelector("[data-drawn]").hidden = method !== "drawn";
    }
    function point(e) {
      var r = pad.getBoundingClientRect();
      return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
    }
    box.querySelectorAll("[data-method]").forEach(function (r) { r.addEventListener("change", show); });
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#1b1b1b";
    pad.addEventListener("pointerdown", function (e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); pad.setPointerCapture(e.pointerId); });
    pad.addEventListener("pointermove", function (e) { if (!drawing) return; var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; });
    pad.addEventListener("pointerup", function () { drawing = false; });
    box.querySelector("[data-clear]").addEventListener("click", function () { ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; image.value = ""; });
    form.addEventListener("submit", function () { if (drawn) { image.value = pad.toDataURL("image/png"); } });
    if (image.value) {  // a refused form: the drawing comes back on the pad
      var kept = new Image();
      kept.onload = function () { ctx.drawImage(kept, 0, 0, pad.width, pad.height); drawn = true; };
      kept.src = image.value;
    }
    show();
  });
})();
