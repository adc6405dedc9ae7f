// briefgen editor: the forms of /edit.
//
// The server renders each form from the schema (every field a .field
// element with data-key and data-widget).  This script reads the form back
// as the record's data, asks the server to check it (and to build the
// preview from it, unsaved) as the user types, shows each problem at the
// field it concerns, and saves.  Lists can be added to, reordered (buttons,
// or dragging) and emptied.  Every value is set as text or as a form
// control's value, never as markup.
"use strict";

(function () {
  const token = () => document.querySelector('meta[name="briefgen-token"]').content;
  const $ = (root, sel) => root.querySelector(sel);
  const $$ = (root, sel) => Array.from(root.querySelectorAll(sel));
  const data = (() => {
    const el = document.getElementById("editor-data");
    return el ? JSON.parse(el.textContent) : { facts: [], tagFiles: {}, snapshots: [], digests: {} };
  })();

  // ------------------------------------------------------------ the form's shape
  function owner(el) {
    return el.parentElement ? el.parentElement.closest(".field, [data-fields]") : null;
  }
  function children(container) {
    return $$(container, ".field").filter((f) => owner(f) === container);
  }
  function itemsOf(list) {
    return children(list).filter((f) => f.hasAttribute("data-item"));
  }
  function control(f) {
    return $$(f, "[data-value]").find((c) => c.closest(".field") === f);
  }

  function valueOf(f) {
    const widget = f.dataset.widget;
    if (widget === "group") {
      const out = {};
      let any = false;
      children(f).forEach((c) => {
        const v = valueOf(c);
        out[c.dataset.key] = v;
        if (v !== null && v !== false) any = true;
      });
      return any ? out : null;
    }
    if (widget === "map") {
      const out = {};
      itemsOf(f).forEach((item) => {
        const v = valueOf(item);
        if (item.dataset.mapKey && v !== null) out[item.dataset.mapKey] = v;
      });
      return Object.keys(out).length ? out : null;
    }
    if (widget === "list") {
      const items = itemsOf(f).map(valueOf).filter((v) => v !== null);
      return items;
    }
    const c = control(f);
    if (!c) return null;
    if (widget === "checkbox") return c.checked;
    if (widget === "number") return c.value === "" ? null : Number(c.value);
    const v = c.value.trim();
    return v === "" ? null : v;
  }

  function collect(record) {
    const root = $(record, "[data-fields]");
    const out = {};
    children(root).forEach((c) => (out[c.dataset.key] = valueOf(c)));
    return out;
  }

  // Paths ("cite[0].quote") and the ids made from them, after any change of shape.
  function relabel(record) {
    const prefix = record.hasAttribute("data-dialog") ? "r-" : "f-";
    const walk = (container, path) => {
      children(container).forEach((f) => {
        let p;
        if (f.hasAttribute("data-map-key")) {
          p = `${path}.${f.dataset.mapKey}`;
        } else if (f.hasAttribute("data-item")) {
          const n = itemsOf(container).indexOf(f);
          p = `${path}[${n}]`;
          const number = $(f, ":scope > legend .n");
          if (number) number.textContent = String(n + 1);
        } else {
          p = path ? `${path}.${f.dataset.key}` : f.dataset.key;
        }
        f.dataset.path = p;
        const id = prefix + p.replace(/\[/g, "-").replace(/\]/g, "").replace(/\./g, "-");
        const err = $$(f, "[data-err]").find((e) => e.closest(".field") === f);
        const help = $$(f, ".help").find((e) => e.closest(".field") === f);
        if (err) err.id = id + "-err";
        if (help) help.id = id + "-help";
        if (f.dataset.widget === "group" || f.dataset.widget === "list" || f.dataset.widget === "map") {
          f.id = id;
          walk(f, p);
        } else {
          const c = control(f);
          if (c) {
            c.id = id;
            c.setAttribute("aria-describedby", [err && err.id, help && help.id].filter(Boolean).join(" "));
          }
          const label = $$(f, "label").find((l) => l.closest(".field") === f && !l.closest(".picker"));
          if (label) label.htmlFor = id;
        }
      });
    };
    walk($(record, "[data-fields]"), "");
  }

  // ------------------------------------------------------------ lists
  function addItem(list, value, label) {
    const template = $$(list, "template[data-new-item]").find((t) => owner(t) === list || t.parentElement === list);
    const fresh = template.content.firstElementChild.cloneNode(true);
    $(list, "[data-items]").appendChild(fresh);
    if (value !== undefined) {
      const c = control(fresh);
      c.value = value;
      const chip = $(fresh, "[data-fact-label]");
      if (chip) {
        chip.textContent = value + (label ? ": " : "");
        if (label) {
          const claim = document.createElement("span");
          claim.className = "claim";
          claim.textContent = label.length > 110 ? label.slice(0, 107) + "…" : label;
          chip.appendChild(claim);
        }
      }
    }
    return fresh;
  }

  function move(item, by) {
    const sibling = by < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) return;
    if (by < 0) sibling.before(item);
    else sibling.after(item);
  }

  // ------------------------------------------------------------ talking to the server
  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Briefgen-Token": token() },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch (e) {
      answer = { error: `the server answered ${response.status}` };
    }
    answer.status = response.status;
    return answer;
  }

  // What the server is asked: the record's fields now, and as the form
  // first showed them (so that a field the form did not change keeps what
  // the file says, even if someone changed it meanwhile).
  function change(record, extra) {
    return Object.assign({
      kind: record.dataset.kind,
      id: record.dataset.id || null,
      file: record.dataset.file,
      digest: record.dataset.digest,
      data: collect(record),
      base: record.base || null,
    }, extra || {});
  }

  // ------------------------------------------------------------ problems
  function find(record, path) {
    let p = path;
    while (p) {
      const el = $$(record, "[data-path]").find((e) => e.dataset.path === p);
      if (el) return el;
      p = p.includes(".") || p.includes("[") ? p.replace(/(\.[^.[\]]+|\[\d+\])$/, "") : "";
    }
    return null;
  }

  function show(record, answer) {
    $$(record, "[data-err]").forEach((e) => (e.textContent = ""));
    $$(record, ".invalid").forEach((e) => e.classList.remove("invalid"));
    $$(record, "[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
    const summary = $(record, ".summary");
    summary.textContent = "";
    summary.className = "summary";
    if (answer.error) {
      summary.classList.add("bad");
      summary.textContent = answer.error;
      return;
    }
    const placed = new Set();
    const atFields = [];
    Object.entries(answer.fields || {}).forEach(([path, found]) => {
      const el = path ? find(record, path) : null;
      if (!el) return;
      found.forEach((p) => placed.add(p.text));
      const err = $$(el, "[data-err]").find((e) => e.closest(".field") === el);
      if (err) err.textContent = found.map((p) => (p.existing ? "Already so before this change: " : p.severity === "error" ? "" : "Warning: ") + p.message + ` (${p.where})`).join(" ");
      el.classList.add("invalid");
      const c = control(el);
      if (c && found.some((p) => p.severity === "error")) c.setAttribute("aria-invalid", "true");
      const fold = el.closest("details");
      if (fold) fold.open = true;
      atFields.push([el, found]);
    });
    const existing = answer.existing || [];
    const errors = (answer.problems || []).filter((p) => p.severity === "error");
    const warnings = (answer.problems || []).filter((p) => p.severity !== "error");
    const heading = document.createElement("p");
    heading.className = "title";
    if (errors.length) {
      summary.classList.add("bad");
      heading.textContent = `${errors.length} problem${errors.length === 1 ? "" : "s"} to fix before this can be saved`;
    } else {
      summary.classList.add("good");
      heading.textContent = warnings.length ? `Checks pass, with ${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : "Checks pass: no problems";
    }
    summary.appendChild(heading);
    const list = document.createElement("ul");
    [...errors, ...warnings].forEach((p) => {
      const li = document.createElement("li");
      const at = atFields.find(([, found]) => found.some((q) => q.text === p.text));
      if (at) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "link";
        b.textContent = (p.severity === "error" ? "" : "Warning: ") + p.message;
        b.addEventListener("click", () => {
          const c = control(at[0]) || $(at[0], "[data-value], button, input, select, textarea");
          if (c) c.focus();
        });
        li.appendChild(b);
      } else {
        li.textContent = (p.severity === "error" ? "" : "Warning: ") + p.message + " ";
        const code = document.createElement("code");
        code.textContent = p.where;
        li.appendChild(code);
      }
      list.appendChild(li);
    });
    if (list.children.length) summary.appendChild(list);
    if (existing.length) {
      const note = document.createElement("p");
      note.className = "existing";
      note.textContent = `Already in the workspace before this change (${existing.length}; they do not stop saving, but the documents cannot be built until they are fixed):`;
      summary.appendChild(note);
      const older = document.createElement("ul");
      existing.forEach((p) => {
        const li = document.createElement("li");
        li.textContent = p.message + " ";
        const code = document.createElement("code");
        code.textContent = p.where;
        li.appendChild(code);
        older.appendChild(li);
      });
      summary.appendChild(older);
    }
  }

  // ------------------------------------------------------------ one record's form
  function setUp(record) {
    const isMain = !record.hasAttribute("data-dialog");
    const state = $(record, "[data-state]");
    let dirty = false;
    let timer = null;
    let asked = 0;

    const frameBox = document.querySelector("[data-draft-frame]");
    const unsaved = document.querySelector("[data-unsaved]");
    const briefPick = document.querySelector("[data-draft-brief]");

    function previewStem() {
      if (!isMain) return null;
      if (record.dataset.kind === "brief") return (collect(record).id || record.dataset.id || null);
      return briefPick ? briefPick.value : null;
    }

    function showDraft(src) {
      if (!frameBox || !src) return;
      $$(frameBox, "iframe.loading").forEach((f) => f.remove()); // already out of date
      const old = $(frameBox, "iframe");
      const fresh = document.createElement("iframe");
      fresh.title = "Preview of the brief with your changes (not saved)";
      fresh.setAttribute("sandbox", "allow-same-origin");
      fresh.className = old ? "loading" : "";
      fresh.addEventListener("load", () => {
        try {
          if (old && old.contentWindow) fresh.contentWindow.scrollTo(old.contentWindow.scrollX, old.contentWindow.scrollY);
        } catch (e) { /* nothing to keep */ }
        fresh.className = "";
        $$(frameBox, "iframe").forEach((f) => f !== fresh && f.remove());
      }, { once: true });
      fresh.src = src;
      $$(frameBox, ".empty").forEach((e) => e.remove());
      frameBox.appendChild(fresh);
    }

    async function check() {
      const n = ++asked;
      const answer = await post("/_/edit/check", change(record, { preview: previewStem() }));
      if (n !== asked) return; // a newer check is on its way
      if (answer.status === 409 && answer.conflict) return conflict(answer);
      show(record, answer);
      if (answer.draft) showDraft(answer.draft);
      if (isMain && unsaved && dirty) {
        const stale = !answer.draft;
        unsaved.querySelector("[data-unsaved-text]").textContent = stale
          ? "the preview still shows the last version that checked: fix the problems to see your change."
          : "the preview shows your changes, not yet saved.";
        if (frameBox) frameBox.classList.toggle("behind", stale);
      }
      document.body.dataset.checks = String(Number(document.body.dataset.checks || 0) + 1);
    }

    function edited() {
      dirty = true;
      if (state) state.textContent = "Unsaved changes";
      if (unsaved && isMain) unsaved.hidden = false;
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    }

    function conflict(answer) {
      const panel = document.querySelector("[data-conflict]");
      if (!panel || !isMain) {
        show(record, { error: "The file changed on disk since this form was opened; nothing was saved." });
        return;
      }
      $(panel, "[data-disk]").textContent = answer.conflict.disk;
      $(panel, "[data-mine]").textContent = answer.conflict.mine;
      const both = answer.conflict.both || [];
      $(panel, "[data-both]").textContent = both.length
        ? `Changed both on disk and by you: ${both.join(", ")}. Saving yours keeps your ${both.length === 1 ? "value" : "values"} there, and every other change on disk.`
        : "This record is no longer in the file as it was.";
      panel.dataset.digest = answer.conflict.digest;
      panel.hidden = false;
      if (state) state.textContent = "Not saved: the file changed on disk";
      panel.scrollIntoView({ block: "nearest" });
      $(panel, "h2").setAttribute("tabindex", "-1");
      $(panel, "h2").focus();
    }

    async function save() {
      clearTimeout(timer);
      if (state) state.textContent = "Saving…";
      const answer = await post("/_/edit/save", change(record));
      if (answer.status === 409 && answer.conflict) return conflict(answer);
      show(record, answer);
      if (!answer.saved) {
        if (state) state.textContent = "Not saved: fix the problems marked in the form";
        const first = $(record, ".invalid [data-value], .invalid button");
        if (first) first.focus();
        return null;
      }
      dirty = false;
      record.dataset.digest = answer.digest;
      record.base = collect(record);
      if (state) state.textContent = "Saved" + (answer.note ? ` (${answer.note})` : "");
      if (unsaved && isMain) unsaved.hidden = true;
      const panel = document.querySelector("[data-conflict]");
      if (panel && isMain) panel.hidden = true;
      if (!record.dataset.id || record.dataset.id !== answer.id) {
        record.dataset.id = answer.id;
        if (isMain) history.replaceState(null, "", `/edit/${record.dataset.kind}/${answer.id}`);
      }
      const target = $(record, "[data-target-file]");
      if (target) target.disabled = true;
      document.querySelectorAll("[data-record]").forEach((other) => {
        if (other !== record && other.dataset.file === record.dataset.file) other.dataset.digest = answer.digest;
      });
      document.body.dataset.saves = String(Number(document.body.dataset.saves || 0) + 1);
      return answer;
    }

    record.addEventListener("input", (e) => {
      if (e.target.closest("[data-picker-search]") || e.target.matches("[data-picker-search]")) return;
      edited();
    });
    record.addEventListener("change", (e) => {
      if (e.target.matches("[data-target-file]")) {
        record.dataset.file = e.target.value;
        record.dataset.digest = (data.digests || {})[e.target.value] || record.dataset.digest;
        record.dataset.fileChosen = "yes";
      }
      if (e.target.matches("[data-picker-search]")) return;
      if (e.target.closest('[data-key="tags"]') && data.tagFiles && !record.dataset.fileChosen) {
        const tags = collect(record).tags || [];
        const target = $(record, "[data-target-file]");
        const file = tags.length && data.tagFiles[tags[0]];
        if (target && file && target.value !== file && [...target.options].some((o) => o.value === file)) {
          target.value = file;
          const said = $(record, "[data-target-note]");
          if (said) said.textContent = `Changed to where the facts tagged '${tags[0]}' are.`;
          record.dataset.file = file;
          record.dataset.digest = (data.digests || {})[file] || record.dataset.digest;
        }
      }
      edited();
    });

    record.addEventListener("click", async (e) => {
      const b = e.target.closest("button");
      if (!b || !record.contains(b)) return;
      const item = b.closest("[data-item]");
      if (b.matches("[data-add]")) {
        const list = b.closest('.field[data-widget="list"]');
        const fresh = addItem(list);
        relabel(record);
        const first = $(fresh, "[data-value], input, select, textarea");
        if (first) first.focus();
        edited();
      } else if (b.matches("[data-add-lang]")) {
        const map = b.closest('.field[data-widget="map"]');
        const input = $(map, "[data-lang-code]");
        const lang = input.value.trim();
        const err = $$(map, "[data-err]").find((e) => e.closest(".field") === map);
        if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang) || itemsOf(map).some((i) => i.dataset.mapKey === lang)) {
          err.textContent = lang ? `'${lang}' is not a language code not used yet here (such as es, fr or es-419).` : "Type a language code first (such as es).";
          input.focus();
          return;
        }
        err.textContent = "";
        const fresh = addItem(map);
        fresh.dataset.mapKey = lang;
        $(fresh, "[data-lang-label]").textContent = lang;
        input.value = "";
        relabel(record);
        const first = $(fresh, "textarea, input[type=text]");
        if (first) first.focus();
        edited();
      } else if (b.matches("[data-remove]") && item) {
        const next = item.nextElementSibling || item.previousElementSibling;
        const list = owner(item);
        item.remove();
        relabel(record);
        const focus = next ? $(next, "[data-remove]") : $(list, "[data-add], [data-picker-search]");
        if (focus) focus.focus();
        edited();
      } else if ((b.matches("[data-up]") || b.matches("[data-down]")) && item) {
        move(item, b.matches("[data-up]") ? -1 : 1);
        relabel(record);
        b.focus();
        edited();
      } else if (b.matches("[data-save]")) {
        const answer = await save();
        if (answer && !isMain) record.dispatchEvent(new CustomEvent("briefgen:saved", { detail: answer }));
      } else if (b.matches("[data-delete]")) {
        if (!confirm(`Delete this ${record.dataset.kind}? It is removed from its file.`)) return;
        const answer = await post("/_/edit/delete", change(record));
        if (answer.saved) location.href = `/edit?deleted=${encodeURIComponent(record.dataset.kind + " '" + record.dataset.id + "'")}`;
        else if (answer.status === 409 && answer.conflict) conflict(answer);
        else {
          show(record, answer);
          if (state) state.textContent = "Not deleted";
        }
      } else if (b.matches("[data-pick-quote]")) {
        pickQuote(b.closest('.field[data-widget="group"]'), edited);
      } else if (b.matches("[data-new-ref]")) {
        newReference(b.closest(".field").querySelector("[data-ref-select]"));
      } else if (b.matches("[data-pick]")) {
        const list = b.closest('.field[data-widget="list"]');
        addItem(list, b.dataset.pick, b.dataset.label);
        relabel(record);
        const search = $(list, "[data-picker-search]");
        search.value = "";
        $(list, "[data-picker-results]").textContent = "";
        search.focus();
        edited();
      }
    });

    // Dragging an item by its legend or row reorders it within its list.
    let dragged = null;
    record.addEventListener("dragstart", (e) => {
      dragged = e.target.closest && e.target.closest("[data-item]");
      if (dragged) e.dataTransfer.effectAllowed = "move";
    });
    record.addEventListener("dragover", (e) => {
      const over = e.target.closest && e.target.closest("[data-item]");
      if (!dragged || !over || over === dragged || over.parentElement !== dragged.parentElement) return;
      e.preventDefault();
      const box = over.getBoundingClientRect();
      if (e.clientY < box.top + box.height / 2) over.before(dragged);
      else over.after(dragged);
    });
    record.addEventListener("dragend", () => {
      if (!dragged) return;
      dragged = null;
      relabel(record);
      edited();
    });
    const draggable = () => $$(record, "[data-item]").forEach((i) => i.setAttribute("draggable", "true"));
    new MutationObserver(draggable).observe(record, { childList: true, subtree: true });
    draggable();

    record.addEventListener("input", (e) => {
      const search = e.target.closest("[data-picker-search]");
      if (search) pickerResults(search);
    });
    // In the fact picker: Enter adds the first fact found, the arrows move
    // through those found, Escape clears the search.
    record.addEventListener("keydown", (e) => {
      const picker = e.target.closest("[data-fact-picker]");
      if (!picker) return;
      const buttons = $$(picker, "[data-pick]");
      const at = buttons.indexOf(e.target);
      if (e.key === "Enter" && e.target.matches("[data-picker-search]")) {
        e.preventDefault();
        if (buttons[0]) buttons[0].click();
      } else if (e.key === "ArrowDown" && buttons.length) {
        e.preventDefault();
        buttons[Math.min(at + 1, buttons.length - 1)].focus();
      } else if (e.key === "ArrowUp" && at >= 0) {
        e.preventDefault();
        (at === 0 ? $(picker, "[data-picker-search]") : buttons[at - 1]).focus();
      } else if (e.key === "Escape") {
        const search = $(picker, "[data-picker-search]");
        search.value = "";
        $(picker, "[data-picker-results]").textContent = "";
        search.focus();
      }
    });

    if (isMain) {
      if (briefPick) briefPick.addEventListener("change", () => check());
      const panel = document.querySelector("[data-conflict]");
      if (panel) {
        $(panel, "[data-overwrite]").addEventListener("click", () => {
          record.dataset.digest = panel.dataset.digest;
          save();
        });
      }
      window.addEventListener("beforeunload", (e) => {
        if (dirty) e.preventDefault();
      });
      relabel(record);
      record.base = collect(record);
      if (record.dataset.id) check(); // a new record is checked once something is typed
      document.addEventListener("keydown", (e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === "s") {
          e.preventDefault();
          save();
        }
      });
    } else {
      relabel(record);
      record.base = collect(record);
    }
    return { check };
  }

  // ------------------------------------------------------------ the fact picker
  function pickerResults(search) {
    const list = search.closest('.field[data-widget="list"]');
    const results = $(list, "[data-picker-results]");
    results.textContent = "";
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return;
    const taken = new Set(itemsOf(list).map((i) => control(i).value));
    const found = data.facts.filter((f) => {
      const text = `${f.id} ${f.label} ${f.tags.join(" ")}`.toLowerCase();
      return !taken.has(f.id) && words.every((w) => text.includes(w));
    }).slice(0, 8);
    if (!found.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No fact matches.";
      results.appendChild(li);
    }
    found.forEach((f) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.pick = f.id;
      b.dataset.label = f.label;
      const claim = document.createElement("span");
      claim.className = "claim";
      claim.textContent = f.label;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = `${f.id} · priority ${f.priority} · ${f.status} · ${f.tags.join(", ")}`;
      b.append("Add: ", claim, meta);
      li.appendChild(b);
      results.appendChild(li);
    });
  }

  // ------------------------------------------------------------ quotes from the snapshot
  async function pickQuote(citation, edited) {
    const dialog = document.querySelector("[data-quote-dialog]");
    const refField = children(citation).find((f) => f.dataset.key === "ref");
    const ref = refField && control(refField).value;
    const quoteField = children(citation).find((f) => f.dataset.key === "quote");
    const err = $(quoteField, "[data-err]");
    if (!ref) {
      err.textContent = "Choose the reference first: the quote is picked from its stored text.";
      return;
    }
    if (!(data.snapshots || []).includes(ref)) {
      err.textContent = `Reference '${ref}' has no stored snapshot to pick from: type the quote, or give the reference a snapshot.`;
      return;
    }
    const response = await fetch(`/_/snapshot/${encodeURIComponent(ref)}`, { credentials: "same-origin" });
    const answer = await response.json();
    if (!response.ok) {
      err.textContent = answer.error || "The snapshot cannot be read.";
      return;
    }
    const text = $(dialog, "[data-snapshot]");
    text.value = answer.text;
    $(dialog, "[data-quote-ref]").textContent = ref;
    $(dialog, "[data-quote-err]").textContent = "";
    dialog.showModal();
    text.focus();
    text.setSelectionRange(0, 0);
    const use = $(dialog, "[data-use-quote]");
    const close = $(dialog, "[data-close]");
    const done = () => {
      use.removeEventListener("click", onUse);
      close.removeEventListener("click", onClose);
    };
    const onClose = () => {
      done();
      dialog.close();
    };
    const onUse = () => {
      const chosen = passage(text, answer.points);
      if (!chosen) {
        $(dialog, "[data-quote-err]").textContent = "Select some words of the source first.";
        return;
      }
      control(quoteField).value = chosen.quote;
      const locatorField = children(citation).find((f) => f.dataset.key === "locator");
      if (chosen.locator && locatorField) control(locatorField).value = chosen.locator;
      done();
      dialog.close();
      control(quoteField).focus();
      edited();
    };
    use.addEventListener("click", onUse);
    close.addEventListener("click", onClose);
    dialog.addEventListener("close", done, { once: true }); // Escape closes it too
  }

  // The words selected in a snapshot's text, without a trailing point
  // number ("[2]"), and the point they belong to: {quote, locator}, or null.
  function passage(text, points) {
    let end = text.selectionEnd;
    let chosen = text.value.slice(text.selectionStart, end);
    const marker = chosen.match(/\s*\[\d+\][\s.]*$/);
    if (marker) {
      end -= marker[0].length;
      chosen = chosen.slice(0, chosen.length - marker[0].length);
    }
    chosen = chosen.trim();
    if (!chosen) return null;
    const point = (points || []).find(([at]) => at >= end);
    return { quote: chosen, locator: point ? point[1] : "" };
  }

  // On a reference's page: a new fact citing the words selected in its stored text.
  function setUpSnapshot(panel) {
    const text = $(panel, "[data-snapshot]");
    const points = JSON.parse(panel.dataset.points || "[]");
    $(panel, "[data-new-fact]").addEventListener("click", () => {
      const chosen = passage(text, points);
      if (!chosen) {
        $(panel, "[data-err]").textContent = "Select some words of the source first.";
        return;
      }
      const query = new URLSearchParams({ ref: panel.dataset.ref, quote: chosen.quote, locator: chosen.locator });
      location.href = `/edit/new/fact?${query}`;
    });
  }

  // ------------------------------------------------------------ a new reference, from a citation
  function newReference(select) {
    const dialog = document.querySelector("[data-ref-dialog]");
    const record = $(dialog, "[data-record]");
    dialog.showModal();
    const first = $(record, "[data-value]");
    if (first) first.focus();
    const onSaved = (e) => {
      const id = e.detail.id;
      const label = (collect(record).title || id);
      document.querySelectorAll("[data-ref-select]").forEach((s) => {
        if (![...s.options].some((o) => o.value === id)) s.add(new Option(`${id}: ${label}`, id));
      });
      select.value = id;
      if (collect(record).snapshot) data.snapshots.push(id);
      record.removeEventListener("briefgen:saved", onSaved);
      dialog.close();
      select.focus();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    };
    record.addEventListener("briefgen:saved", onSaved);
    $(dialog, "[data-close]").onclick = () => dialog.close();
    dialog.addEventListener("close", () => record.removeEventListener("briefgen:saved", onSaved), { once: true });
  }

  // ------------------------------------------------------------ the list of records
  function setUpFilter(input) {
    input.addEventListener("input", () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      $$(document, "[data-filter-text]").forEach((row) => {
        row.hidden = !words.every((w) => row.dataset.filterText.includes(w));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    $$(document, "[data-record]").forEach(setUp);
    $$(document, "[data-snapshot-panel]").forEach(setUpSnapshot);
    document.body.dataset.ready = "yes";
    const done = $(document, "[data-done]");
    if (done) done.focus();
    const filter = $(document, "[data-record-filter]");
    if (filter) setUpFilter(filter);
  });
})();
