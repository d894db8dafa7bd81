// The case browser of report.html: decodes the embedded records (gzip+base64 JSON, layout in case_browser.py),
// filters and pages them, and shows one case with what each candidate wrote. Every text from the results is set
// through textContent, never as markup. State lives in the URL hash, so a link opens the same view.
(function () {
  "use strict";
  var PAGE_SIZE = 50;
  var STAGES = {parsed: 1, schema_valid: 2, right_tools: 4, passed: 8, expects_call: 16};
  var root = document.getElementById("case-browser");
  var source = document.getElementById("case-browser-data");
  if (!root || !source) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var data = null;
  var state = {candidate: "", category: "", error: "", status: "", q: "", page: 0, open: "", with: ""};
  var filtered = [];
  var byCase = {};  // case index -> {candidate index -> record}
  var searchText = [];  // case index -> lower-case id and request

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function decode() {
    var binary = atob(source.textContent.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  function fillSelect(select, names, extra) {
    names.forEach(function (name, i) {
      var option = element("option", name);
      option.value = String(i);
      select.appendChild(option);
    });
    (extra || []).forEach(function (pair) {
      var option = element("option", pair[1]);
      option.value = pair[0];
      select.appendChild(option);
    });
  }

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    Object.keys(state).forEach(function (key) {
      var value = params.get("cb-" + key);
      if (value !== null) { state[key] = key === "page" ? (parseInt(value, 10) || 0) : value; }
    });
  }

  function writeHash() {
    var params = new URLSearchParams();
    Object.keys(state).forEach(function (key) {
      if (state[key] !== "" && state[key] !== 0) { params.set("cb-" + key, String(state[key])); }
    });
    var hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function matches(record) {
    if (state.candidate !== "" && record[1] !== +state.candidate) { return false; }
    if (state.category !== "" && data.cases[record[0]][1] !== +state.category) { return false; }
    if (state.error === "none" && record[3] !== -1) { return false; }
    if (state.error !== "" && state.error !== "none" && record[3] !== +state.error) { return false; }
    var passed = (record[2] & STAGES.passed) !== 0;
    if (state.status === "passed" && !passed) { return false; }
    if (state.status === "failed" && passed) { return false; }
    if (state.q && searchText[record[0]].indexOf(state.q.toLowerCase()) < 0) { return false; }
    return true;
  }

  function mark(record, stage) {
    return (record[2] & STAGES[stage]) ? "✓" : "✗";
  }

  function refresh() {
    filtered = data.records.filter(matches);
    var pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    state.page = Math.min(Math.max(0, state.page), pages - 1);
    var body = $("cb-rows");
    body.textContent = "";
    filtered.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE).forEach(function (record) {
      var row = document.createElement("tr");
      var caseRow = data.cases[record[0]];
      row.dataset.case = caseRow[0];
      row.dataset.candidate = data.candidates[record[1]];
      row.className = (record[2] & STAGES.passed) ? "cb-pass" : "cb-fail";
      if (state.open === caseRow[0]) { row.classList.add("cb-open"); }
      [caseRow[0], data.categories[caseRow[1]], data.candidates[record[1]], mark(record, "parsed"),
       mark(record, "schema_valid"), mark(record, "right_tools"), mark(record, "passed"),
       record[3] >= 0 ? data.errors[record[3]] : ""].forEach(function (text) { row.appendChild(element("td", text)); });
      row.tabIndex = 0;
      row.addEventListener("click", function () { openCase(caseRow[0], data.candidates[record[1]]); });
      row.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { openCase(caseRow[0], data.candidates[record[1]]); }
      });
      body.appendChild(row);
    });
    $("cb-page").textContent = "page " + (state.page + 1) + " of " + pages;
    $("cb-prev").disabled = state.page === 0;
    $("cb-next").disabled = state.page >= pages - 1;
    $("cb-message").textContent = filtered.length.toLocaleString("en") + " of " +
        data.records.length.toLocaleString("en") + " records match";
    root.dataset.matches = String(filtered.length);
    writeHash();
  }

  function openCase(caseId, candidate) {
    state.open = caseId;
    if (candidate && state.with === candidate) { state.with = ""; }
    showDetail(candidate);
    refresh();
  }

  function pretty(value) {
    if (value === null || value === undefined) { return "(not recorded)"; }
    return typeof value === "string" ? value : JSON.stringify(value, null, 2);
  }

  function block(parent, heading, text, className) {
    parent.appendChild(element("h4", heading));
    parent.appendChild(element("pre", text, className));
  }

  function recordPanel(record, candidateName) {
    var panel = element("div", null, "cb-record");
    panel.dataset.candidate = candidateName;
    panel.appendChild(element("h3", candidateName));
    if (!record) {
      panel.appendChild(element("p", "No record for this case.", "cb-hint"));
      return panel;
    }
    var verdicts = element("p", null, "cb-verdicts");
    [["parsed", "parsed"], ["schema_valid", "schema-valid"], ["right_tools", "right tools"], ["passed", "passed"]]
      .forEach(function (pair) {
        var on = (record[2] & STAGES[pair[0]]) !== 0;
        verdicts.appendChild(element("span", (on ? "✓ " : "✗ ") + pair[1], on ? "cb-yes" : "cb-no"));
      });
    if (record[7] !== null) { verdicts.appendChild(element("span", record[7] + " ms", "cb-latency")); }
    panel.appendChild(verdicts);
    if (record[3] >= 0) {
      panel.appendChild(element("p", "error: " + data.errors[record[3]] + (record[4] ? ": " + record[4] : ""),
                                "cb-error"));
    }
    block(panel, "Raw output", record[5] === "" ? "(empty)" : record[5], "cb-output");
    block(panel, "Parsed calls", record[6] === null ? "(could not be parsed)" : pretty(record[6]), "cb-calls");
    return panel;
  }

  function showDetail(candidate) {
    var detail = $("cb-detail");
    detail.textContent = "";
    var index = data.cases.findIndex(function (c) { return c[0] === state.open; });
    if (index < 0) {
      detail.appendChild(element("p", "Open a case from the list to see what each candidate wrote.", "cb-hint"));
      return;
    }
    var caseRow = data.cases[index];
    var records = byCase[index] || {};
    var names = Object.keys(records).map(Number).sort(function (a, b) { return a - b; });
    var first = candidate !== undefined ? data.candidates.indexOf(candidate) :
        (state.candidate !== "" ? +state.candidate : names[0]);
    if (records[first] === undefined) { first = names[0]; }
    detail.dataset.case = caseRow[0];
    detail.appendChild(element("h3", caseRow[0] + " · " + data.categories[caseRow[1]], "cb-case-title"));
    block(detail, "Request", pretty(caseRow[2]), "cb-request");
    block(detail, "Expected calls", data.expected_recorded ? pretty(caseRow[3]) : "(not recorded in this results file)",
          "cb-expected");
    var compare = element("label", "Side by side with ");
    var select = document.createElement("select");
    select.id = "cb-with";
    select.appendChild(element("option", "no other candidate")).value = "";
    names.forEach(function (i) {
      if (i !== first) {
        var option = element("option", data.candidates[i]);
        option.value = data.candidates[i];
        select.appendChild(option);
      }
    });
    select.value = state.with;
    select.addEventListener("change", function () {
      state.with = select.value;
      showDetail(data.candidates[first]);
      writeHash();
    });
    compare.appendChild(select);
    detail.appendChild(compare);
    var panes = element("div", null, "cb-side");
    panes.appendChild(recordPanel(records[first], data.candidates[first]));
    var other = data.candidates.indexOf(state.with);
    if (state.with && other >= 0 && other !== first) {
      panes.classList.add("cb-two");
      panes.appendChild(recordPanel(records[other], state.with));
    }
    detail.appendChild(panes);
  }

  function bind() {
    ["candidate", "category", "error", "status"].forEach(function (key) {
      var select = $("cb-" + key);
      select.value = state[key];
      select.addEventListener("change", function () { state[key] = select.value; state.page = 0; refresh(); });
    });
    var search = $("cb-search");
    search.value = state.q;
    search.addEventListener("input", function () { state.q = search.value; state.page = 0; refresh(); });
    $("cb-prev").addEventListener("click", function () { state.page -= 1; refresh(); });
    $("cb-next").addEventListener("click", function () { state.page += 1; refresh(); });
    $("cb-reset").addEventListener("click", function () {
      Object.keys(state).forEach(function (key) { state[key] = key === "page" ? 0 : ""; });
      ["candidate", "category", "error", "status"].forEach(function (key) { $("cb-" + key).value = ""; });
      search.value = "";
      showDetail();
      refresh();
    });
  }

  function start(decoded) {
    data = decoded;
    fillSelect($("cb-candidate"), data.candidates);
    fillSelect($("cb-category"), data.categories);
    fillSelect($("cb-error"), data.errors, [["none", "no error"]]);
    data.cases.forEach(function (c, i) { searchText[i] = (c[0] + "\n" + (c[2] || "")).toLowerCase(); });
    data.records.forEach(function (record) {
      (byCase[record[0]] = byCase[record[0]] || {})[record[1]] = record;
    });
    readHash();
    bind();
    if (state.open) { showDetail(); }
    refresh();
    root.dataset.ready = "true";
  }

  if (typeof DecompressionStream === "undefined") {
    $("cb-message").textContent = "This browser cannot decompress the embedded cases; open the results file instead.";
    root.dataset.ready = "error";
    return;
  }
  decode().then(start).catch(function (error) {
    $("cb-message").textContent = "The embedded cases could not be read: " + error;
    root.dataset.ready = "error";
  });
})();
