/* patchserver web UI behaviour. Plain JavaScript, no framework.
 *
 * Every page works without this file: checkboxes, forms, toggles (<details>)
 * and the reorder arrows all submit to the server. The script adds copying
 * to the clipboard, range selection and keyboard use in patch lists,
 * drag-and-drop reordering of bundles, submitter suggestions, confirmation
 * prompts and the comment "addressed" buttons.
 */
(function () {
  "use strict";

  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function flash(text, level) {
    var main = document.getElementById("content");
    var list = main.querySelector(".messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      list.setAttribute("role", "status");
      main.insertBefore(list, main.firstChild);
    }
    var item = document.createElement("li");
    item.className = "message message-" + (level || "info");
    item.textContent = text;
    list.appendChild(item);
    return item;
  }

  /* --- Elements that only make sense with JavaScript ---------------------- */

  function revealScriptOnly() {
    $all("[data-js-only]").forEach(function (el) { el.hidden = false; });
  }

  /* --- Copy to clipboard --------------------------------------------------- */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  function setupCopy() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-copy], [data-copy-target]");
      if (!button) { return; }
      var text = button.getAttribute("data-copy");
      if (text === null) {
        var target = document.querySelector(button.getAttribute("data-copy-target"));
        text = target ? target.value || target.textContent : "";
      }
      copyText(text).then(function () {
        button.classList.add("copied");
        button.setAttribute("title", "Copied");
        setTimeout(function () { button.classList.remove("copied"); }, 1500);
      });
    });
  }

  /* --- Confirmation prompts ------------------------------------------------ */

  function setupConfirm() {
    document.addEventListener("submit", function (event) {
      var message = event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) { event.preventDefault(); }
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-confirm-click]");
      if (button && !window.confirm(button.getAttribute("data-confirm-click"))) {
        event.preventDefault();
      }
    });
  }

  /* --- Patch lists: selection and keyboard --------------------------------- */

  function isTyping(el) {
    return el && (el.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName)) &&
      !(el.tagName === "INPUT" && el.type === "checkbox");
  }

  function setupPatchList(table) {
    var rows = function () { return $all("tbody tr[data-patch-id]", table); };
    var checkAll = $all("[data-check-all]");
    var counter = document.querySelector("[data-selection-count]");
    var lastClicked = null;
    var cursor = -1;

    // The series list selects series ("series_id:N"), the others patches.
    var prefix = table.getAttribute("data-select-prefix") || "patch_id:";
    var boxSelector = 'input[type="checkbox"][name^="' + prefix + '"]';
    function boxOf(row) { return row.querySelector(boxSelector); }

    function refresh() {
      var all = rows();
      var selected = 0;
      all.forEach(function (row) {
        var box = boxOf(row);
        var on = !!(box && box.checked);
        row.classList.toggle("selected", on);
        if (on) { selected += 1; }
      });
      checkAll.forEach(function (box) {
        box.checked = all.length > 0 && selected === all.length;
        box.indeterminate = selected > 0 && selected < all.length;
      });
      if (counter) { counter.textContent = selected ? selected + " selected" : ""; }
    }

    checkAll.forEach(function (box) {
      box.addEventListener("change", function () {
        rows().forEach(function (row) {
          var rowBox = boxOf(row);
          if (rowBox) { rowBox.checked = box.checked; }
        });
        refresh();
      });
    });

    table.addEventListener("click", function (event) {
      var box = event.target.closest(boxSelector);
      var row = event.target.closest("tr[data-patch-id]");
      if (!row) { return; }
      if (box) {
        // Shift-click selects (or clears) every row between two clicks.
        var all = rows();
        if (event.shiftKey && lastClicked && lastClicked !== row) {
          var from = all.indexOf(lastClicked);
          var to = all.indexOf(row);
          var step = from < to ? 1 : -1;
          for (var i = from; i !== to; i += step) {
            var other = boxOf(all[i]);
            if (other) { other.checked = box.checked; }
          }
        }
        lastClicked = row;
        refresh();
      }
      moveCursor(rows().indexOf(row), false);
    });

    function moveCursor(index, focus) {
      var all = rows();
      if (!all.length) { return; }
      index = Math.max(0, Math.min(all.length - 1, index));
      all.forEach(function (row) { row.classList.remove("cursor"); });
      var row = all[index];
      row.classList.add("cursor");
      cursor = index;
      if (focus) {
        row.setAttribute("tabindex", "-1");
        row.focus({ preventScroll: true });
        row.scrollIntoView({ block: "nearest" });
      }
    }

    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(document.activeElement)) { return; }
      var all = rows();
      if (!all.length) { return; }
      var key = event.key;
      var active = document.activeElement;
      // Native behaviour wins on focused controls: Space ticks a checkbox,
      // Enter follows a link.
      if (key === " " && active && active.type === "checkbox") { return; }
      if (key === "Enter" && active && active !== all[cursor] && active !== document.body) { return; }
      if (key === "j" || key === "ArrowDown") {
        if (key === "ArrowDown" && cursor < 0 && document.activeElement !== document.body) { return; }
        moveCursor(cursor + 1, true);
      } else if (key === "k" || key === "ArrowUp") {
        if (key === "ArrowUp" && cursor < 0) { return; }
        moveCursor(cursor - 1, true);
      } else if ((key === "x" || key === " ") && cursor >= 0) {
        var box = boxOf(all[cursor]);
        if (!box) { return; }
        box.checked = !box.checked;
        lastClicked = all[cursor];
        refresh();
      } else if ((key === "o" || key === "Enter") && cursor >= 0) {
        var href = all[cursor].getAttribute("data-href");
        if (href) { window.location.href = href; }
      } else {
        return;
      }
      event.preventDefault();
    });

    refresh();
  }

  /* --- Bundle reorder ------------------------------------------------------ */

  function setupReorder(table) {
    var form = document.getElementById("reorder-form");
    if (!form) { return; }
    var bar = form.querySelector("[data-reorder-bar]");
    var tbody = table.querySelector("tbody");
    var original = $all("tr[data-patch-id]", tbody);
    var dragged = null;

    function changed() {
      var now = $all("tr[data-patch-id]", tbody);
      var dirty = now.some(function (row, i) { return row !== original[i]; });
      bar.hidden = !dirty;
    }

    table.addEventListener("click", function (event) {
      var button = event.target.closest("button.move");
      if (!button) { return; }
      event.preventDefault();
      var row = button.closest("tr");
      if (button.classList.contains("up") && row.previousElementSibling) {
        tbody.insertBefore(row, row.previousElementSibling);
      } else if (button.classList.contains("down") && row.nextElementSibling) {
        tbody.insertBefore(row.nextElementSibling, row);
      }
      button.focus();
      changed();
    });

    original.forEach(function (row) {
      row.setAttribute("draggable", "true");
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.getAttribute("data-patch-id"));
      });
      row.addEventListener("dragend", function () {
        row.classList.remove("dragging");
        $all(".drop-before", tbody).forEach(function (r) { r.classList.remove("drop-before"); });
        dragged = null;
        changed();
      });
      row.addEventListener("dragover", function (event) {
        if (!dragged || dragged === row) { return; }
        event.preventDefault();
        $all(".drop-before", tbody).forEach(function (r) { r.classList.remove("drop-before"); });
        row.classList.add("drop-before");
      });
      row.addEventListener("drop", function (event) {
        if (!dragged || dragged === row) { return; }
        event.preventDefault();
        tbody.insertBefore(dragged, row);
      });
    });

    form.addEventListener("submit", function (event) {
      // The arrows post "move" when scripts are off; here the whole new
      // order goes in one request.
      if (event.submitter && event.submitter.name === "move") { event.preventDefault(); return; }
      $all('input[name="neworder"]', form).forEach(function (input) { input.remove(); });
      $all("tr[data-patch-id]", tbody).forEach(function (row) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "neworder";
        input.value = row.getAttribute("data-patch-id");
        form.appendChild(input);
      });
    });

    form.querySelector("[data-cancel-order]").addEventListener("click", function () {
      original.forEach(function (row) { tbody.appendChild(row); });
      changed();
    });
  }

  /* --- Submitter suggestions ---------------------------------------------- */

  function setupAutocomplete() {
    $all("input[data-autocomplete]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var query = input.value.trim();
        if (query.length < 4 || /^\d+$/.test(query)) { return; }
        timer = setTimeout(function () {
          var url = input.getAttribute("data-autocomplete") + "?l=10&q=" + encodeURIComponent(query);
          fetch(url, { credentials: "same-origin" })
            .then(function (response) { return response.text(); })
            .then(function (body) {
              var people = body ? JSON.parse(body) : [];
              list.textContent = "";
              people.forEach(function (person) {
                var option = document.createElement("option");
                option.value = String(person.pk);
                // Anonymous visitors get names only (no addresses).
                if (person.name && person.email) {
                  option.label = person.name + " <" + person.email + ">";
                } else {
                  option.label = person.name || person.email;
                }
                option.textContent = option.label;
                list.appendChild(option);
              });
            })
            .catch(function () { /* suggestions are optional */ });
        }, 200);
      });
    });
  }

  /* --- Comment "addressed" status --------------------------------------- */

  function setupCommentStatus() {
    var updated = 0;
    var counter = null;
    document.addEventListener("click", function (event) {
      var button = event.target.closest(".comment-status button[data-value]");
      if (!button) { return; }
      var status = button.closest(".comment-status");
      var value = button.getAttribute("data-value");
      fetch(status.getAttribute("data-api"), {
        method: "PATCH",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": cookie("csrftoken")
        },
        body: JSON.stringify({ addressed: value })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) {
            status.setAttribute("data-addressed", value);
            updated += 1;
            if (!counter) { counter = flash("", "success"); }
            counter.textContent = updated + " comment(s) updated";
            return;
          }
          var item = flash("No comments updated", "error");
          Object.keys(body).forEach(function (key) {
            var line = document.createElement("div");
            line.textContent = key + ": " + body[key];
            item.appendChild(line);
          });
        });
      }).catch(function () { flash("No comments updated", "error"); });
    });
  }

  /* --- Start ------------------------------------------------------------- */

  function start() {
    revealScriptOnly();
    setupCopy();
    setupConfirm();
    setupAutocomplete();
    setupCommentStatus();
    var table = document.querySelector("table[data-patch-table]");
    if (table) {
      setupPatchList(table);
      setupReorder(table);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
