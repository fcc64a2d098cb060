// odoo-pos-cashdrawer admin page. The page works without this script (plain forms);
// it only adds the drawer-command presets, the log tail, and the test buttons.
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

  // Last log lines, shown in the page instead of a JSON tab.
  var tail = document.getElementById("logs-tail");
  var lines = document.getElementById("logs-lines");
  if (tail && lines) {
    tail.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = new URLSearchParams(new FormData(tail)).toString();
      fetch("/logs/tail?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (res) { return res.json(); })
        .then(function (body) {
          lines.hidden = false;
          lines.textContent = body.lines ? body.lines.join("\n") : (body.message || "");
        });
    });
  }

  var purge = document.getElementById("logs-purge");
  var purgeOut = document.getElementById("logs-result");
  if (purge && purgeOut) {
    purge.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!window.confirm(purge.getAttribute("data-confirm"))) return;
      fetch("/logs/purge", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
      }).then(function (res) {
        return res.json().then(function (body) { return { ok: res.ok, body: body }; });
      }).then(function (r) {
        purgeOut.textContent = r.body.message || (r.ok ? "OK" : "Erreur");
        purgeOut.className = r.ok ? "notice" : "alert";
      });
    });
  }

  // Test buttons: POST to the route, show the answer's message beside the button.
  function wireTest(buttonId, outId, url) {
    var button = document.getElementById(buttonId);
    var out = document.getElementById(outId);
    if (!button || !out) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      button.disabled = true;
      out.textContent = "…";
      fetch(url, {
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
  wireTest("test-drawer", "drawer-result", "/config/test-drawer");
  wireTest("test-print", "print-result", "/config/test-print");
})();
