// Renders /openapi.json. Text from the document is set with textContent only (never
// parsed as HTML); `code` spans and **bold** are the only markup understood.
"use strict";

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children || []) node.append(c);
  return node;
}

function inline(text) {
  const out = [];
  const re = /(`[^`]+`|\*\*[^*]+\*\*)/g;
  let last = 0, m;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0];
    out.push(t[0] === "`" ? el("code", {}, [t.slice(1, -1)]) : el("strong", {}, [t.slice(2, -2)]));
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function prose(text) {
  const box = el("div");
  for (const para of (text || "").split(/\n\n+/)) {
    const lines = para.split("\n");
    if (lines.every((l) => l.startsWith("- "))) {
      box.append(el("ul", {}, lines.map((l) => el("li", {}, inline(l.slice(2))))));
    } else {
      box.append(el("p", {}, inline(para)));
    }
  }
  return box;
}

function schemaText(doc, schema, depth) {
  if (!schema) return "";
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop();
    const target = (doc.components && doc.components.schemas || {})[name];
    return depth > 2 || !target ? name : name + " " + schemaText(doc, target, depth + 1);
  }
  if (schema.type === "object" && schema.properties) {
    const req = new Set(schema.required || []);
    const pad = "  ".repeat(depth + 1);
    const fields = Object.entries(schema.properties).map(([k, v]) => {
      const note = v.description ? "  // " + v.description.replace(/\s+/g, " ") : "";
      return pad + k + (req.has(k) ? "" : "?") + ": " + schemaText(doc, v, depth + 1) + note;
    });
    return "{\n" + fields.join("\n") + "\n" + "  ".repeat(depth) + "}";
  }
  if (schema.type === "array") return schemaText(doc, schema.items, depth) + "[]";
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (schema.oneOf) return schema.oneOf.map((s) => schemaText(doc, s, depth)).join(" | ");
  return schema.type || "any";
}

function operation(doc, path, method, op) {
  const level = op["x-access-level"] || "?";
  const box = el("section", { class: "op", id: method + path });
  box.append(el("h3", {}, [
    el("span", { class: "method " + method }, [method]),
    el("code", {}, [path]),
    el("span", { class: "level " + level }, [level]),
    op.summary || "",
  ]));
  box.append(prose(op.description));
  if (op.parameters && op.parameters.length) {
    const rows = op.parameters.map((p) => el("tr", {}, [
      el("td", {}, [el("code", {}, [p.name])]),
      el("td", {}, [p.in + (p.required ? ", required" : "")]),
      el("td", {}, [schemaText(doc, p.schema, 0)]),
      el("td", {}, inline(p.description || "")),
    ]));
    box.append(el("table", {}, [el("tr", {}, ["Parameter", "In", "Type", "Meaning"].map((h) => el("th", {}, [h]))), ...rows]));
  }
  if (op.requestBody) {
    const [type, media] = Object.entries(op.requestBody.content || {})[0] || ["", {}];
    box.append(el("p", {}, [el("strong", {}, ["Body "]), el("code", {}, [type]), " ", ...inline(op.requestBody.description || "")]));
    if (media.schema && media.schema.$ref) box.append(el("pre", {}, [schemaText(doc, media.schema, 0)]));
  }
  const rows = Object.entries(op.responses || {}).map(([code, r]) => {
    const cell = el("td", {}, inline(r.description || ""));
    for (const [type, media] of Object.entries(r.content || {})) {
      cell.append(el("div", {}, [el("code", {}, [type])]));
      if (media.schema && media.schema.$ref) cell.append(el("pre", {}, [schemaText(doc, media.schema, 0)]));
      if (media.example !== undefined) {
        const ex = typeof media.example === "string" ? media.example : JSON.stringify(media.example, null, 2);
        cell.append(el("pre", {}, ["Example: " + ex]));
      }
    }
    return el("tr", {}, [el("td", {}, [code]), cell]);
  });
  box.append(el("table", {}, [el("tr", {}, [el("th", {}, ["Status"]), el("th", {}, ["Answer"])]), ...rows]));
  return box;
}

function render(doc) {
  const main = document.getElementById("api");
  main.textContent = "";
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version + " — API reference";
  main.append(prose(doc.info.description));
  const byTag = new Map((doc.tags || []).map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ["get", "post", "put", "delete", "patch", "head", "options"]) {
      if (!item[method]) continue;
      const tag = (item[method].tags || ["other"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, item[method]]);
    }
  }
  const toc = document.getElementById("toc");
  for (const [tag, ops] of byTag) {
    if (!ops.length) continue;
    const info = (doc.tags || []).find((t) => t.name === tag);
    toc.append(el("a", { href: "#tag-" + tag }, [tag]));
    main.append(el("h2", { id: "tag-" + tag }, [tag]));
    if (info && info.description) main.append(prose(info.description));
    for (const [path, method, op] of ops) main.append(operation(doc, path, method, op));
  }
}

fetch("/openapi.json")
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
  .then(render)
  .catch((e) => {
    const main = document.getElementById("api");
    main.textContent = "";
    main.append(el("p", { class: "error" }, ["Could not load /openapi.json: " + e.message]));
  });
