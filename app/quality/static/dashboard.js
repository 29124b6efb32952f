// crm-dq data quality dashboard: read-only, no build step, no third-party code.
// The token lives in sessionStorage (gone when the tab closes), never in localStorage.
"use strict";

(function () {
  const TOKEN_KEY = "crmdq.dashboard.token";
  // Relative to /quality/dashboard, so the page also works behind a path prefix.
  const API = new URL("../v1/", window.location.href);
  const HEADLINES = [
    ["score_average", "Average score"],
    ["duplicate", "Duplicate rate"],
    ["email_valid", "Valid emails"],
    ["phone_valid", "Valid phones"],
    ["stale_12m", "Stale 12 months+"],
  ];
  const CHARTS = ["score_average", "duplicate", "email_valid", "phone_valid", "stale_12m"];
  const LABELS = Object.fromEntries(HEADLINES);
  const W = 320, H = 140, PAD = 24;
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";

  class HttpError extends Error {
    constructor(status) { super("HTTP " + status); this.status = status; }
  }

  function token() { return window.sessionStorage.getItem(TOKEN_KEY); }

  function say(text, isError) {
    const el = $("message");
    el.textContent = text || "";
    el.className = isError ? "error" : "";
  }

  function format(value, kind) {
    if (value === null || value === undefined) return "—";
    if (kind === "share") return (value * 100).toFixed(1) + " %";
    if (kind === "average") return value.toFixed(1);
    return String(value);
  }

  function kindOf(metric) {
    if (metric === "score_average") return "average";
    if (metric === "records") return "count";
    return "share";
  }

  async function api(path) {
    const response = await fetch(new URL(path, API), {
      headers: { Authorization: "Bearer " + token(), Accept: "application/json" },
    });
    if (!response.ok) throw new HttpError(response.status);
    return response.json();
  }

  function showLoggedIn(loggedIn) {
    $("login").hidden = loggedIn;
    $("session").hidden = !loggedIn;
    $("dashboard").hidden = !loggedIn;
  }

  async function login(event) {
    event.preventDefault();
    const form = new URLSearchParams({
      grant_type: "password",
      username: $("username").value,
      password: $("password").value,
      totp: $("totp").value,
    });
    say("Logging in…");
    const response = await fetch(new URL("auth/token", API), { method: "POST", body: form });
    $("password").value = "";
    $("totp").value = "";
    if (!response.ok) {
      say(response.status === 429
        ? "Too many attempts: wait a moment, then try again."
        : "Login failed: check your email, password and code.", true);
      return;
    }
    const body = await response.json();
    window.sessionStorage.setItem(TOKEN_KEY, body.access_token);
    showLoggedIn(true);
    await load();
  }

  function logout() {
    window.sessionStorage.removeItem(TOKEN_KEY);
    showLoggedIn(false);
    say("Logged out.");
  }

  async function load() {
    const entity = $("entity").value;
    say("Loading…");
    try {
      const query = "entity=" + encodeURIComponent(entity);
      const [report, trend] = await Promise.all([
        api("quality/report?breakdowns=false&" + query),
        api("quality/trend?" + query + CHARTS.map((m) => "&metric=" + m).join("")),
      ]);
      renderReport(report);
      renderTrend(trend);
      say("");
    } catch (error) {
      if (error.status === 401) {
        window.sessionStorage.removeItem(TOKEN_KEY);
        showLoggedIn(false);
        say("Your session has expired or you are not logged in: please log in again.", true);
      } else if (error.status === 403) {
        say("Your account may not read quality reports (the quality:read scope is needed).",
          true);
      } else {
        say("The report could not be loaded (" + error.message + "). Try again later.", true);
      }
    }
  }

  function figure(metric, label, text, value) {
    const box = document.createElement("div");
    box.className = "figure";
    box.id = "figure-" + metric;
    box.dataset.value = value === null || value === undefined ? "" : String(value);
    const name = document.createElement("div");
    name.className = "label";
    name.textContent = label;
    const number = document.createElement("div");
    number.className = "value";
    number.textContent = text;
    box.append(name, number);
    return box;
  }

  function renderReport(report) {
    $("generated-at").textContent = new Date(report.generated_at).toLocaleString();
    $("records").textContent = String(report.records);
    $("unscored").textContent = String(report.unscored);
    const boxes = HEADLINES.map(([metric, label]) => {
      const value = report.metrics[metric] ? report.metrics[metric].value : null;
      return figure(metric, label, format(value, kindOf(metric)), value);
    });
    const goals = report.goals.length;
    boxes.push(figure("goals_met", "Goals met",
      goals ? report.goals_met + " / " + goals : "no goal set", report.goals_met));
    $("figures").replaceChildren(...boxes);
    const rows = report.goals.map((goal) => {
      const tr = document.createElement("tr");
      const kind = kindOf(goal.metric);
      const cells = [
        goal.metric,
        (goal.direction === "at_least" ? "≥ " : "≤ ") + format(goal.target, kind),
        format(goal.current, kind),
        goal.met === null ? "—" : goal.met ? "yes" : "no",
      ];
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      if (goal.met !== null) tr.lastChild.className = goal.met ? "met-yes" : "met-no";
      return tr;
    });
    $("goals").tBodies[0].replaceChildren(...rows);
  }

  function node(name, attributes, text) {
    const el = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function chart(series) {
    const kind = series.kind;
    const box = document.createElement("figure");
    box.className = "chart";
    box.dataset.metric = series.metric;
    const caption = document.createElement("figcaption");
    caption.textContent = LABELS[series.metric] || series.metric;
    const svg = node("svg", { viewBox: `0 0 ${W} ${H}`, role: "img",
      "aria-label": (LABELS[series.metric] || series.metric) + " over time" });
    const points = series.points.filter((p) => p.value !== null);
    if (points.length === 0) {
      svg.append(node("text", { x: PAD, y: H / 2, class: "empty" }, "No snapshot yet"));
      box.append(caption, svg);
      return box;
    }
    const times = points.map((p) => Date.parse(p.taken_at));
    const values = points.map((p) => p.value);
    if (series.goal) values.push(series.goal.target);
    let low = Math.min(...values), high = Math.max(...values);
    if (low === high) { low -= kind === "share" ? 0.05 : 5; high += kind === "share" ? 0.05 : 5; }
    if (kind === "share") { low = Math.max(0, low); high = Math.min(1, high); }
    if (kind === "average") { low = Math.max(0, low); high = Math.min(100, high); }
    const t0 = Math.min(...times), t1 = Math.max(...times);
    const x = (t) => t1 === t0 ? W / 2 : PAD + (t - t0) / (t1 - t0) * (W - 2 * PAD);
    const y = (v) => H - PAD - (v - low) / (high - low) * (H - 2 * PAD);
    if (series.goal) {
      const gy = y(series.goal.target);
      svg.append(node("line", { x1: PAD, x2: W - PAD, y1: gy, y2: gy, class: "goal" }));
    }
    const coords = points.map((p, i) => `${x(times[i]).toFixed(1)},${y(p.value).toFixed(1)}`);
    svg.append(node("polyline", { points: coords.join(" "), class: "series" }));
    points.forEach((p, i) => {
      const dot = node("circle", { cx: x(times[i]).toFixed(1), cy: y(p.value).toFixed(1),
        r: 3, class: "point", "data-value": p.value, "data-taken-at": p.taken_at });
      dot.append(node("title", {}, new Date(p.taken_at).toLocaleString() + ": "
        + format(p.value, kind)));
      svg.append(dot);
    });
    svg.append(node("text", { x: 2, y: PAD - 8 }, format(high, kind)));
    svg.append(node("text", { x: 2, y: H - 4 }, format(low, kind)));
    svg.append(node("text", { x: W - 2, y: H - 4, "text-anchor": "end" },
      new Date(t1).toLocaleDateString()));
    box.append(caption, svg);
    return box;
  }

  function renderTrend(trend) {
    $("charts").replaceChildren(...trend.series.map(chart));
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login").addEventListener("submit", (event) => {
      login(event).catch(() => say("The service could not be reached.", true));
    });
    $("logout").addEventListener("click", logout);
    $("refresh").addEventListener("click", () => { load(); });
    $("entity").addEventListener("change", () => { load(); });
    if (token()) {
      showLoggedIn(true);
      load();
    } else {
      showLoggedIn(false);
    }
  });
})();
