// odoo-pos-cashdrawer admin page. The page works without this script (plain forms);
// it only adds the drawer-command presets and the "open the drawer" test button.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');
  csrf = csrf ? csrf.getAttribute("content") : "";

  document.querySelectorAll("select[data-fill]").forEach(function (select) {
    var target = document.getElementById(select.getAttribute("data-fill"));
    if (!target) return;
    var sync = function () {
      var match = Array.prototype.some.call(select.options, function (o) {
        if (o.value && o.value === target.value.trim().toLowerCase()) { select.value = o.value; return true; }
        return false;
      });
      if (!match) select.value = "";
    };
    sync();
    select.addEventListener("change", function () { if (select.value) target.value = select.value; });
    target.addEventListener("input", sync);
  });

  var button = document.getElementById("test-drawer");
  var out = document.getElementById("drawer-result");
  if (button && out) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      button.disabled = true;
      out.textContent = "…";
      fetch("/config/test-drawer", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
      }).then(function (res) {
        return res.json().then(function (body) { return { ok: res.ok, body: body }; });
      }).then(function (r) {
        out.textContent = r.body.message || (r.ok ? "OK" : "Erreur");
        out.className = r.ok ? "notice" : "alert";
      }).catch(function (e) {
        out.textContent = String(e);
        out.className = "alert";
      }).then(function () { button.disabled = false; });
    });
  }
})();
