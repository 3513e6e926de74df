// Keeps in-page updates (htmx swaps) fluent for keyboard and screen-reader users,
// and fills in what the browser knows. Loaded on every page; no inline script
// anywhere (the CSP is script-src 'self'). Every page works without it.
(function () {
  "use strict";

  // One polite live region for the whole page. A swapped fragment is never a live
  // region itself: that would read a whole list out after every change.
  var live = null;
  function liveRegion() {
    if (!live) {
      live = document.createElement("div");
      live.id = "announcer";
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    return live;
  }
  var timer = null;
  function announce(message) {
    var region = liveRegion();
    // Emptied first, so that the same words twice in a row are read twice.
    region.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(function () { region.textContent = message; }, 100);
  }

  // The server names what an update did in an HX-Trigger "announce" event, sent
  // when the response arrives; it is read out once the new HTML has settled.
  var pending = null;
  document.addEventListener("announce", function (event) {
    pending = event.detail && event.detail.message;
  });

  // Focus stays where the member is working: on the same control when the swap
  // brought it back (same id), else on the control at the same place in its
  // group (the next tag's remove button), else on the swapped part's fallback.
  var saved = null;
  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    if (!active || active === document.body) { saved = null; return; }
    var group = active.getAttribute("data-focus-group");
    saved = {
      element: active,
      id: active.id,
      group: group,
      index: group ? Array.prototype.indexOf.call(
        document.querySelectorAll('[data-focus-group="' + group + '"]'), active) : -1,
    };
  });

  function restoreFocus(settled) {
    if (!saved) return;
    var mark = saved;
    saved = null;
    var active = document.activeElement;
    if (document.contains(mark.element) && active === mark.element) return;
    if (active && active !== document.body && document.contains(active)) return;
    var target = mark.id ? document.getElementById(mark.id) : null;
    if (!target && mark.group) {
      var peers = document.querySelectorAll('[data-focus-group="' + mark.group + '"]');
      if (peers.length) target = peers[Math.min(mark.index, peers.length - 1)];
    }
    if (!target && settled && settled.closest) {
      var holder = settled.closest("[data-focus-fallback]");
      if (holder) target = document.querySelector(holder.getAttribute("data-focus-fallback"));
    }
    if (target) target.focus();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    restoreFocus(event.detail && event.detail.elt);
    if (pending) {
      announce(pending);
      pending = null;
    }
  });

  // A list of checkboxes filtered as the member types (the directory's interests):
  // chips that do not match are hidden, categories with a match open, and the
  // number found is announced, not the list.
  function setUpListFilter(input) {
    var list = document.querySelector(input.getAttribute("data-filter-list"));
    if (!list) return;
    input.closest("[hidden]") && input.closest("[hidden]").removeAttribute("hidden");
    // The filter box is not part of the search: its changes must not submit it.
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    var wasOpen = new Map();
    var delay = null;
    input.addEventListener("input", function (event) {
      event.stopPropagation();
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var found = 0;
      list.querySelectorAll("details").forEach(function (group) {
        if (!wasOpen.has(group)) wasOpen.set(group, group.open);
        var shown = 0;
        group.querySelectorAll("[data-terms]").forEach(function (chip) {
          var terms = chip.getAttribute("data-terms").toLowerCase();
          var match = words.every(function (word) {
            return (" " + terms).indexOf(" " + word) !== -1;
          });
          chip.hidden = !match;
          if (match) shown += 1;
        });
        found += shown;
        group.hidden = shown === 0;
        group.open = words.length ? shown > 0 : wasOpen.get(group);
      });
      if (!words.length) wasOpen = new Map();
      clearTimeout(delay);
      delay = setTimeout(function () {
        announce(words.length
          ? (found === 1 ? "1 interest" : found + " interests") + " in the list"
          : "All interests shown");
      }, 300);
    });
  }

  // Onboarding: the member's time zone and country, guessed from the browser
  // when the profile has none yet; the member sees them and can change them.
  function guessTimeZone(select) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (zone && select.querySelector('option[value="' + zone + '"]')) select.value = zone;
  }

  function setUp() {
    document.querySelectorAll("[data-filter-list]").forEach(setUpListFilter);
    document.querySelectorAll("select[data-guess-time-zone]").forEach(guessTimeZone);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
