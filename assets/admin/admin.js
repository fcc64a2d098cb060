// odoo-pos-cashdrawer admin page. The page works without this script (plain forms);
// it only adds the drawer-command presets, the log tail, the test buttons and the Odoo
// card's test.
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

  // The Odoo card's test, in two halves. Here, what only the browser knows: does it
  // accept the HTTPS address an Odoo page on https calls (a network error there while
  // plain HTTP answers is an untrusted certificate). Then /config/odoo-check: is the
  // Odoo origin allowed, is a mode on, is the printer ready (asked without a kick).
  var odooTest = document.getElementById("odoo-test");
  var odooOut = document.getElementById("odoo-result");
  var odooOrigin = document.getElementById("odoo-check-origin");
  if (odooTest && odooOut) {
    var probe = function (base) {
      var ctl = new AbortController();
      var timer = setTimeout(function () { ctl.abort(); }, 8000);
      // Cross-origin (another scheme) but the same host name: the service answers it
      // as its own page, so a failure is the connection or its TLS, never CORS.
      return fetch(base + "/status", { mode: "cors", cache: "no-store", credentials: "omit", signal: ctl.signal })
        .then(function () { return true; }, function () { return false; })
        .then(function (ok) { clearTimeout(timer); return ok; });
    };
    // Odoo builds with Local Network Access call the till's LAN address with
    // `targetAddressSpace: "local"` (ignored by browsers without LNA). no-cors: the page's
    // origin is not the LAN address's, so a cors read would fail on CORS alone; an opaque
    // answer is enough to know the request went through, a rejection that the browser
    // blocked it (or the address is unreachable). The card's first LAN address, if any.
    var lanAddress = function () {
      var code = document.querySelector("#odoo-lan code.lan-address");
      var addr = code ? code.textContent.trim() : "";
      return /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(addr) ? addr : "";
    };
    var probeLan = function (addr) {
      var ctl = new AbortController();
      var timer = setTimeout(function () { ctl.abort(); }, 8000);
      return fetch("http://" + addr + "/status", {
        mode: "no-cors", cache: "no-store", credentials: "omit", signal: ctl.signal, targetAddressSpace: "local"
      }).then(function () { return true; }, function () { return false; })
        .then(function (ok) { clearTimeout(timer); return ok; });
    };
    var show = function (lines, d) {
      odooOut.textContent = "";
      var failed = lines.some(function (l) { return l.level === "error"; });
      var summary = document.createElement("p");
      summary.className = "summary " + (failed ? "alert" : "notice");
      summary.textContent = failed ? d.msgProblems : d.msgAllOk;
      odooOut.appendChild(summary);
      lines.forEach(function (l) {
        var p = document.createElement("p");
        p.className = l.level;
        p.setAttribute("data-check", l.check);
        p.textContent = l.message;
        odooOut.appendChild(p);
      });
    };
    odooTest.addEventListener("click", function (event) {
      event.preventDefault();
      var d = odooTest.dataset;
      var origin = odooOrigin ? odooOrigin.value.trim() : "";
      // The certificate names every address of the till: trusting it under the name
      // the page uses is trusting it under the one Odoo uses.
      var host = location.host;
      var https = "https://" + host;
      odooTest.disabled = true;
      odooOut.textContent = "…";
      var lines = [];
      var loopbackOk = false;
      Promise.all([probe(https), probe("http://" + host)]).then(function (r) {
        loopbackOk = r[0] || r[1];
        if (!r[0] && !r[1]) {
          lines.push({ check: "cert", level: "error", message: d.msgUnreachable.replace("{addr}", host) });
        } else if (/^http:\/\//i.test(origin)) {
          lines.push({ check: "cert", level: "ok", message: d.msgCertNotNeeded });
        } else if (r[0]) {
          lines.push({ check: "cert", level: "ok", message: d.msgCertOk.replace("{addr}", https) });
        } else {
          lines.push({ check: "cert", level: "error", message: d.msgCert.replace("{addr}", https) });
        }
        return fetch("/config/odoo-check", {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf, "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ origin: origin }).toString()
        }).then(function (res) { return res.json(); });
      }).then(function (body) {
        if (body.checks) {
          lines = lines.concat(body.checks);
        } else {
          lines.push({ check: "input", level: "error", message: body.message || "Erreur" });
        }
        var lan = lanAddress();
        if (!loopbackOk || !lan) return;
        // A warning, not an error: only Odoo builds that use the LAN address need it.
        return probeLan(lan).then(function (ok) {
          lines.push(ok
            ? { check: "lna", level: "ok", message: d.msgLnaOk.replace("{addr}", lan) }
            : { check: "lna", level: "warn", message: d.msgLnaDenied });
        });
      }).then(function () {
        show(lines, d);
      }).catch(function (e) {
        lines.push({ check: "page", level: "error", message: String(e) });
        show(lines, d);
      }).then(function () { odooTest.disabled = false; });
    });
  }
})();
