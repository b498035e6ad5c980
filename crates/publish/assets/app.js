// digindex report / dashboard. Reads the model, config and map shapes from
// the JSON script tags of the page; no request leaves the page unless the
// config names an API (digindex serve), which is then on the same origin.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const M = JSON.parse($("model").textContent);
  const C = JSON.parse($("config").textContent);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids.flat(Infinity)) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
    return e;
  };
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  };
  // a label cut to n characters, with an ellipsis (the full text goes in a title)
  const fit = (t, n) => (t.length > n ? t.slice(0, n - 1) + "…" : t);
  const fmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const fmt3 = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 3 });
  const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? "–" : fmt.format(x));
  const fs = (x) => (x === null || x === undefined || Number.isNaN(x) ? "–" : fmt3.format(x));
  // provenance of a value: M.values[code] holds value, year, flag and detail per unit
  const ESTIMATE = ["older", "interpolated", "imputed"];
  const cell = (code, k) => {
    const v = (M.values || {})[code];
    // no value as used is recorded: show none rather than the source's
    // total under the unit the index uses
    if (!v) return { value: null, year: null, flag: null, detail: "" };
    return { value: v.value[k], year: v.year[k], flag: v.flag[k], detail: v.detail[k] || "", below: v.below ? v.below[k] : null };
  };
  const FLAG_TEXT = { observed: "observed", older: "older own value", interpolated: "interpolated", imputed: "estimated from a group",
    corrected: "corrected", censored: "below the source's threshold", excluded: "excluded (source error)", missing: "no value" };
  // a value as shown: a censored one as "< bound"
  const shownValue = (c) => (c.flag === "censored" && c.below !== null && c.below !== undefined ? `< ${fs(c.below)}` : fs(c.value));
  // a table head row of column labels
  const headRow = (labels) => el("thead", {}, el("tr", {}, labels.map((h) => el("th", { scope: "col", text: h }))));
  const restsOnEstimates = (k) => { const e = (M.estimated || [])[k]; return e && e.rests_on_estimates ? e : null; };
  // the ranking's marker: how many of a unit's values are estimates, strong
  // when more than a third are (its score rests on them)
  const estimateMarker = (k) => {
    const e = (M.estimated || [])[k];
    if (!e || !e.estimated) return null;
    const title = `${e.estimated} of its ${e.of} values are estimates (older own values, interpolations, group estimates); the profile lists each with its year and flag`;
    return e.rests_on_estimates
      ? el("span", { class: "est", title, "data-estimates": e.estimated }, ` estimates ${e.estimated}/${e.of}`)
      : el("span", { class: "est-some", title, "data-estimates": e.estimated }, ` ~${e.estimated}`);
  };

  // ---- the model
  const units = M.units;
  const nodes = M.nodes;
  const byCode = Object.fromEntries(nodes.map((n) => [n.code, n]));
  const target = M.target;
  const topLevel = byCode[target] ? byCode[target].level : 1;
  const pillars = nodes.filter((n) => n.parent === target);
  const indicators = nodes.filter((n) => n.level === 1);
  const unitIndex = Object.fromEntries(units.map((u, i) => [u.code, i]));
  const intervals = Object.fromEntries((M.intervals || []).map((i) => [i.unit, i]));
  const regions = M.regions || [];
  const nominal = { scores: M.scores, ranks: M.ranks };
  let current = nominal;
  // a series (M.progress): every year's scores, ranks and rank intervals of
  // the index and its aggregates; the reference (last) year has every node
  const P = M.progress || null;
  const YEARS = P ? P.years : [];
  const FIRST = YEARS.length ? YEARS[0] : null, LAST = YEARS.length ? YEARS[YEARS.length - 1] : null;
  const yearAt = (y) => YEARS.indexOf(y);
  const views = {};
  const yearView = (y) => {
    if (!P || y === LAST) return nominal;
    const t = yearAt(y);
    const pick = (m) => Object.fromEntries(Object.entries(m).map(([c, v]) => [c, v[t]]));
    return (views[y] ??= { scores: pick(P.scores), ranks: pick(P.ranks) });
  };
  // the series' units: the model's units first (same positions), then those
  // ranked only in earlier years
  const PU = P ? P.units : units;
  const pIndex = Object.fromEntries(PU.map((u, i) => [u.code, i]));
  const shownUnits = () => (P && S.year !== LAST ? PU : units);
  // a unit's index score per year (null where not ranked)
  const series = (code, k) => (P && P.scores[code] ? YEARS.map((y, t) => ({ y, v: P.scores[code][t][k] })) : []);

  // ---- state
  const S = { region: "", search: "", sort: "rank", dir: 1, unit: null, mapVar: target, year: LAST, pcode: target, psort: "change", pdir: -1, compare: [], tab: "ranking" };
  // the rank interval of a unit in the year shown
  const intervalOf = (code) => {
    if (!P || S.year === LAST) return intervals[code];
    const t = yearAt(S.year), k = pIndex[code];
    const lo = (P.low[target] || [])[t], hi = (P.high[target] || [])[t];
    return lo && hi && lo[k] !== null && hi[k] !== null ? { q05: lo[k], q95: hi[k], median: null } : undefined;
  };
  function yearSelect(onchange, where) {
    if (!P) return null;
    const s = el("select", { "aria-label": "Year", id: where + "-year", onchange: (e) => {
      S.year = Number(e.target.value);
      queueMicrotask(remember);
      current = yearView(S.year);
      if (C.api) {
        // re-weighting is of the latest year: back to the recipe's weights, and
        // an answer still on its way is dropped
        clearTimeout(pending);
        sent++;
        for (const n of weighted) weights[n.code] = n.weight;
        if ($("movers")) $("movers").textContent = "";
      }
      onchange();
    } }, [...YEARS].reverse().map((y) => el("option", { value: y, text: y === LAST ? `${y} (latest)` : String(y) })));
    s.value = S.year;
    return el("label", {}, "Year", s);
  }
  // a small line of the index score over the years, for the ranking
  function sparkline(k) {
    const pts = series(target, k).filter((p) => p.v !== null && p.v !== undefined);
    if (pts.length < 2) return el("span", { class: "muted", text: "–" });
    const all = YEARS.flatMap((y, t) => P.scores[target][t]).filter((v) => v !== null);
    const lo = Math.min(...all), hi = Math.max(...all);
    const X = (y) => 2 + ((y - FIRST) / (LAST - FIRST || 1)) * 76, Y = (v) => 18 - ((v - lo) / (hi - lo || 1)) * 16;
    const svg = svgEl("svg", { viewBox: "0 0 80 20", width: 80, height: 20, class: "spark", "aria-hidden": "true" });
    svg.append(svgEl("polyline", { points: pts.map((p) => `${X(p.y)},${Y(p.v)}`).join(" "), fill: "none", stroke: "#2f5d8a", "stroke-width": 1.5 }));
    const sel = pts.find((p) => p.y === S.year);
    if (sel) svg.append(svgEl("circle", { cx: X(sel.y), cy: Y(sel.v), r: 2.2, fill: "#1d1d1f" }));
    const title = svgEl("title", {}); title.textContent = pts.map((p) => `${p.y} ${f1(p.v)}`).join(", "); svg.append(title);
    return svg;
  }
  // score change of the index since the first year, for the year shown
  const changeSince = (code, k) => {
    if (!P || !P.scores[code]) return null;
    const a = P.scores[code][0][k], b = P.scores[code][yearAt(S.year)][k];
    return a === null || b === null || b === undefined ? null : b - a;
  };
  const signed = (x) => (x === null || x === undefined ? "–" : (x > 0 ? "+" : x < 0 ? "−" : "±") + f1(Math.abs(x)));
  const inRegion = (code) => {
    if (!S.region) return true;
    const r = regions.find((r) => r.id === S.region);
    return !r || r.members.includes(code);
  };
  const score = (code, k) => { const v = current.scores[code]; return v ? v[k] : null; };
  // how many units a code ranks
  const rankedCount = (code) => units.filter((_, j) => rank(code, j) !== null && rank(code, j) !== undefined).length;
  const rank = (code, k) => { const v = current.ranks[code]; return v ? v[k] : null; };

  // viridis, colour-blind safe and readable in grey
  const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
  const colour = (t) => {
    if (t === null || Number.isNaN(t)) return null;
    const x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
    const a = VIRIDIS[i], b = VIRIDIS[i + 1], f = x - i;
    const c = (s, o) => parseInt(s.slice(o, o + 2), 16);
    const mix = (o) => Math.round(c(a, o) + (c(b, o) - c(a, o)) * f).toString(16).padStart(2, "0");
    return "#" + mix(1) + mix(3) + mix(5);
  };

  // ---- header and tabs
  $("title").textContent = M.title;
  $("subtitle").textContent = `${units.length} units · ${indicators.length} indicators · ${pillars.length} ${pillars.length === 1 ? "pillar" : "pillars"}` +
    (M.intervals ? " · rank intervals from the uncertainty analysis" : "");
  $("footer").textContent = `Made with ${M.generator}. Every number here is recomputed from the recipe and data named under Method.`;
  const TABS = [["ranking", "Ranking"], ["map", "Map"], ["profile", "Country profile"], ["compare", "Compare"], ...(P ? [["progress", "Progress"]] : []), ["method", "Method"], ["claims", "Claims"], ["downloads", "Downloads"]];
  const tabs = $("tabs");
  const renderers = {};
  function show(id, focus) {
    for (const [t] of TABS) {
      const b = $("tab-" + t), p = $(t);
      const on = t === id;
      b.setAttribute("aria-selected", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;
      p.hidden = !on;
    }
    S.tab = id;
    renderers[id]();
    if (focus) $("tab-" + id).focus();
    remember();
  }
  // the address holds the view: tab, unit, region, year, map variable, the
  // units compared and any weights changed (#compare?units=IRN,TUR&region=apt)
  function address() {
    const q = [];
    if (S.region) q.push("region=" + encodeURIComponent(S.region));
    if (P && S.year !== LAST) q.push("year=" + S.year);
    if (S.tab === "map" && S.mapVar !== target) q.push("var=" + encodeURIComponent(S.mapVar));
    if (S.tab === "compare" && S.compare.length) q.push("units=" + S.compare.map(encodeURIComponent).join(","));
    const changed = C.api ? weighted.filter((n) => weights[n.code] !== n.weight) : [];
    if (changed.length) q.push("w=" + changed.map((n) => `${encodeURIComponent(n.code)}:${weights[n.code]}`).join(","));
    return "#" + S.tab + (S.tab === "profile" && S.unit ? "/" + S.unit : "") + (q.length ? "?" + q.join("&") : "");
  }
  function remember() {
    if (history.replaceState) history.replaceState(null, "", address());
  }
  TABS.forEach(([id, label], i) => {
    tabs.append(el("button", {
      role: "tab", id: "tab-" + id, "aria-controls": id, text: label,
      onclick: () => show(id),
      onkeydown: (e) => {
        const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (d) { e.preventDefault(); show(TABS[(i + d + TABS.length) % TABS.length][0], true); }
      },
    }));
  });
  const openProfile = (code) => { S.unit = code; show("profile"); };
  const known = (code) => Object.hasOwn(unitIndex, code);

  // ---- ranking
  function regionSelect(onchange) {
    const s = el("select", { "aria-label": "Region set", onchange: (e) => { S.region = e.target.value; onchange(); remember(); } },
      el("option", { value: "", text: `All ${units.length} units` }),
      regions.map((r) => el("option", { value: r.id, text: `${r.title} (${r.members.filter(known).length})` })));
    s.value = S.region;
    return el("label", {}, "Region set", s);
  }
  function ranking() {
    const p = $("ranking");
    p.replaceChildren();
    const search = el("input", { type: "search", placeholder: "name or code", "aria-label": "Search units", value: S.search,
      oninput: (e) => { S.search = e.target.value; fill(); } });
    p.append(el("div", { class: "controls" }, yearSelect(ranking, "ranking"), regionSelect(ranking), el("label", {}, "Search", search)));
    if (C.api) p.append(sliders());
    const cols = [["rank", "Rank"], ["name", "Unit"], ...(S.region ? [["rrank", "Rank in region"]] : []), [target, P ? `Score ${S.year}` : "Score"]];
    if (M.intervals) cols.push(["interval", current === nominal || current !== yearView(S.year) ? "Rank interval (5–95%)" : "Rank interval (recipe's weights)"]);
    if (P) cols.push(["trend", `Trend ${FIRST}–${LAST}`], ["change", `Change since ${FIRST}`]);
    for (const n of pillars) cols.push([n.code, n.name || n.code]);
    const head = el("tr", {}, cols.map(([k, label]) => {
      const sorted = S.sort === k;
      return el("th", { scope: "col", "aria-sort": sorted ? (S.dir > 0 ? "ascending" : "descending") : "none", class: k === "trend" ? "hide-narrow" : null },
        el("button", { id: k === "interval" ? "interval-head" : k === target ? "score-head" : null, text: label + (sorted ? (S.dir > 0 ? " ▲" : " ▼") : ""), onclick: () => {
          S.dir = S.sort === k ? -S.dir : (k === "name" || k === "rank" || k === "interval" ? 1 : -1); S.sort = k; ranking();
        } }));
    }));
    const body = el("tbody", { id: "ranking-body" });
    p.append(el("p", { class: "muted note", id: "ranking-note", text: "Select a column header to sort; select a name for its profile. \u201c~k\u201d: k of the unit's values are estimates, not observations of that year; \u201cestimates k/n\u201d: more than a third are, and its score rests on them." }),
      el("div", { class: "tablewrap" }, el("table", { id: "ranking-table", "aria-describedby": "ranking-note" }, el("caption", { class: "visually-hidden", text: `Ranking${P ? ", " + S.year : ""}` }), el("thead", {}, head), body)));
    p.append(el("div", { class: "status", id: "ranking-status", role: "status" }));
    refill = fill;
    fill();
    function fill() {
      const q = S.search.trim().toLowerCase();
      const base = shownUnits();
      // another year: the units ranked then, and the latest year's units
      let rows = base.map((u, k) => ({ u, k })).filter(({ u, k }) => (k < units.length || score(target, k) !== null && score(target, k) !== undefined) &&
        inRegion(u.code) && (!q || u.name.toLowerCase().includes(q) || u.code.toLowerCase().includes(q)));
      // units without a value go last, whichever the direction
      const missing = Infinity * S.dir;
      const key = ({ u, k }) => {
        if (S.sort === "name") return u.name;
        if (S.sort === "rank" || S.sort === "rrank") return rank(target, k) ?? missing;
        if (S.sort === "interval") { const i = intervalOf(u.code); return i ? i.q95 - i.q05 : missing; }
        if (S.sort === "trend" || S.sort === "change") { const c = changeSince(target, k); return c === null ? missing : c; }
        const v = score(S.sort, k); return v === null || v === undefined ? missing : v;
      };
      // ranks within the region shown: by the index score among its members
      const inRegionRank = {};
      if (S.region) {
        const members = base.map((u, k) => ({ u, k, v: score(target, k) })).filter(({ u, v }) => inRegion(u.code) && v !== null && v !== undefined);
        for (const m of members) inRegionRank[m.k] = 1 + members.filter((o) => o.v > m.v).length;
      }
      rows.sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * S.dir; });
      body.replaceChildren(...rows.map(({ u, k }) => {
        const iv = intervalOf(u.code);
        const n = units.length;
        const cells = [
          el("td", { text: rank(target, k) ?? "–" }),
          el("td", {}, known(u.code) ? el("button", { class: "link", text: u.name, onclick: () => openProfile(u.code) }) : el("span", { text: u.name, title: `not ranked in ${LAST}` }),
            estimateMarker(k)),
          ...(S.region ? [el("td", { class: "rrank", text: inRegionRank[k] ?? "–" })] : []),
          el("td", { text: f1(score(target, k)) }),
        ];
        if (M.intervals) cells.push(el("td", {}, iv ? `${Math.round(iv.q05)}–${Math.round(iv.q95)}` : "–",
          iv ? el("span", { class: "interval hide-narrow", "aria-hidden": "true" },
            el("span", { style: `left:${(100 * (iv.q05 - 1)) / n}%;width:${Math.max(1, (100 * (iv.q95 - iv.q05)) / n)}%` }),
            el("i", { style: `left:${(100 * ((rank(target, k) ?? 1) - 1)) / n}%` })) : null));
        // (re-weighted scores have no series to compare with)
        const reweighted = current !== yearView(S.year);
        if (P) cells.push(el("td", { class: "hide-narrow" }, sparkline(k)), el("td", { text: S.year === FIRST || reweighted ? "–" : signed(changeSince(target, k)) }));
        for (const pl of pillars) cells.push(el("td", { text: f1(score(pl.code, k)) }));
        return el("tr", { "data-unit": u.code, class: u.code === S.unit ? "sel" : null }, cells);
      }));
      const ranked = rows.filter(({ k }) => rank(target, k) !== null && rank(target, k) !== undefined).length;
      $("ranking-status").textContent = `${rows.length} of ${base.length} units shown` + (P ? `; ${ranked} ranked in ${S.year}` : "");
      const ih = $("interval-head");
      if (ih) ih.textContent = current === yearView(S.year) ? "Rank interval (5–95%)" : "Rank interval (recipe's weights)";
    }
  }

  // ---- weight sliders (served dashboard)
  let pending = null;
  let refill = null; // redraws the ranking table's rows only
  let sent = 0; // the last re-weighting asked for; older answers are dropped
  let reweigh = null; // asks the server for the scores under the weights set
  // the weights a reader can set: each pillar's, and each indicator's within its pillar
  const weighted = [...pillars, ...indicators.filter((n) => pillars.some((p) => p.code === n.parent))];
  const weights = Object.fromEntries(weighted.map((n) => [n.code, n.weight]));
  function sliders() {
    const box = el("fieldset", { class: "card sliders", id: "weights" }, el("legend", { text: "Weights (relative to siblings)" }));
    const slider = (n) => {
      const out = el("output", { text: weights[n.code] });
      const input = el("input", { type: "range", min: "0", max: "5", step: "0.5", value: weights[n.code], "aria-label": `Weight of ${n.name || n.code}`,
        "data-code": n.code,
        oninput: (e) => { weights[n.code] = Number(e.target.value); out.textContent = e.target.value; send(); } });
      return el("label", {}, n.name || n.code, input, out);
    };
    for (const n of pillars) {
      box.append(slider(n));
      const kids = indicators.filter((i) => i.parent === n.code);
      const changed = kids.some((i) => weights[i.code] !== i.weight);
      if (kids.length) box.append(el("details", { class: "ind-weights", "data-pillar": n.code, open: changed ? "" : null },
        el("summary", { text: `Its ${kids.length} indicators` }), kids.map(slider)));
    }
    box.append(el("button", { type: "button", id: "reset-weights", text: "Reset to the recipe's weights", onclick: () => {
      clearTimeout(pending);
      sent++; // answers still on their way are now stale
      for (const n of weighted) weights[n.code] = n.weight;
      current = nominal;
      S.year = LAST;
      $("movers").textContent = "";
      ranking();
      remember();
    } }));
    box.append(el("div", { class: "status", id: "movers", role: "status", "aria-live": "polite" }));
    reweigh = send;
    function send() {
      clearTimeout(pending);
      if (P && S.year !== LAST) {
        // re-weighting is of the latest year (the table is redrawn, the sliders kept)
        S.year = LAST;
        current = nominal;
        const ys = $("ranking-year"); if (ys) ys.value = String(LAST);
        const sh = $("score-head"); if (sh) sh.textContent = `Score ${LAST}`;
        if (refill) refill();
      }
      pending = setTimeout(async () => {
        const t0 = performance.now();
        const mine = ++sent;
        try {
          const r = await fetch(C.api + "/reweight", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ weights }) });
          const j = await r.json();
          if (mine !== sent) return;
          if (!r.ok) throw new Error(j.error || r.statusText);
          current = { scores: j.scores, ranks: j.ranks };
          if (refill) refill();
          const name = (c) => (units[unitIndex[c]] || { name: c }).name;
          const mv = $("movers");
          if (mv) mv.replaceChildren(`${j.movers.length} units moved (${Math.round(performance.now() - t0)} ms); the rank intervals shown are the recipe's`,
            j.movers.length ? el("ul", { class: "movers", id: "movers-list", tabindex: "0", "aria-label": "Units that moved" },
              j.movers.map((m) => el("li", { text: `${name(m.unit)} ${m.before}→${m.after}` }))) : null);
          remember();
        } catch (err) {
          if (mine === sent && $("movers")) $("movers").textContent = "Re-weighting failed: " + err.message;
        }
      }, 120);
    }
    return box;
  }

  // ---- map
  let world = null;
  function shapes() {
    if (!world) {
      const topo = JSON.parse($("world").textContent);
      world = topojson.feature(topo, topo.objects.countries).features;
    }
    return world;
  }
  function map() {
    const p = $("map");
    p.replaceChildren();
    // another year than the latest: the index and its aggregates (indicators are shown for the latest)
    const shown = [...nodes].sort((a, b) => b.level - a.level).filter((n) => S.year === LAST || !P || Object.hasOwn(P.scores, n.code));
    if (!shown.some((n) => n.code === S.mapVar)) S.mapVar = target;
    const vars = el("select", { id: "map-var", onchange: (e) => { S.mapVar = e.target.value; map(); remember(); } },
      shown.map((n) => el("option", { value: n.code, text: `${"· ".repeat(topLevel - n.level)}${n.name || n.code}` })));
    vars.value = S.mapVar;
    p.append(el("div", { class: "controls" }, yearSelect(map, "map"), regionSelect(map), el("label", {}, "Colour by", vars)));
    const mapUnits = shownUnits();
    // an indicator: its values as used, in its unit (the latest year); an aggregate: its scores
    const node = byCode[S.mapVar] || {};
    const asValues = node.level === 1 && S.year === LAST && !!(M.values || {})[S.mapVar];
    const valueOf = (k) => (asValues ? (k < units.length ? cell(S.mapVar, k).value : null) : score(S.mapVar, k));
    const values = mapUnits.map((u, k) => (inRegion(u.code) ? valueOf(k) ?? null : null));
    const unitText = asValues && node.unit ? " " + node.unit : "";
    const described = (k, v) => {
      if (v === null) return "no value";
      if (!asValues) return `score ${f1(v)}`;
      const c = cell(S.mapVar, k);
      const how = c.flag && c.flag !== "observed" ? `, ${FLAG_TEXT[c.flag] || c.flag}` : "";
      return `${fs(v)}${unitText}${c.year ? ` (${c.year}${how})` : how ? ` (${how.slice(2)})` : ""}`;
    };
    const present = values.filter((v) => v !== null);
    const lo = Math.min(...present), hi = Math.max(...present);
    const t = (v) => (v === null ? null : hi > lo ? (v - lo) / (hi - lo) : 0.5);
    const features = shapes();
    const mine = features.filter((f) => mapUnits.some((u) => u.numeric !== null && Number(f.id) === u.numeric && inRegion(u.code)));
    // centre on the selection: circular mean of its longitudes
    let sx = 0, sy = 0;
    for (const f of mine) { const [lon] = d3.geoCentroid(f); sx += Math.cos((lon * Math.PI) / 180); sy += Math.sin((lon * Math.PI) / 180); }
    const lon0 = mine.length ? (Math.atan2(sy, sx) * 180) / Math.PI : 0;
    const W = 960, H = 520;
    const proj = d3.geoNaturalEarth1().rotate([-lon0, 0]);
    proj.fitExtent([[10, 10], [W - 10, H - 10]], { type: "FeatureCollection", features: mine.length ? mine : features });
    const path = d3.geoPath(proj);
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "group", "aria-label": `Map of ${byCode[S.mapVar] ? byCode[S.mapVar].name : S.mapVar}${P ? ", " + S.year : ""}`, id: "map-svg" });
    const drawn = new Set();
    // a unit with several shapes (Australia and its islands) takes one tab stop: its largest
    const main = {};
    for (const f of features) {
      const u = mapUnits.find((u) => u.numeric !== null && Number(f.id) === u.numeric);
      if (!u) continue;
      const a = path.area(f) || 0;
      if (!main[u.code] || a > main[u.code].a) main[u.code] = { f, a };
    }
    for (const f of features) {
      const u = mapUnits.find((u) => u.numeric !== null && Number(f.id) === u.numeric);
      const k = u ? mapUnits.indexOf(u) : -1;
      const v = u ? values[k] : null;
      const d = path(f);
      if (!d) continue;
      const attrs = { d, class: "country" + (u ? (v === null ? " none" : "") : " out") };
      if (v !== null && u) attrs.fill = colour(t(v));
      const shape = svgEl("path", attrs);
      if (u && inRegion(u.code) && main[u.code] && main[u.code].f !== f) {
        // another shape of a unit already focusable: clickable, not a second tab stop
        shape.setAttribute("data-part", u.code);
        shape.addEventListener("click", () => { if (known(u.code)) openProfile(u.code); });
      } else if (u && inRegion(u.code)) {
        drawn.add(u.code);
        shape.setAttribute("tabindex", "0");
        shape.setAttribute("role", "button");
        shape.setAttribute("data-unit", u.code);
        shape.setAttribute("aria-label", `${u.name}: ${described(k, v)}`);
        const title = svgEl("title", {}); title.textContent = `${u.name}: ${described(k, v)}; rank ${rank(S.mapVar, k) ?? "–"}`; shape.append(title);
        shape.addEventListener("click", () => { if (known(u.code)) openProfile(u.code); });
        shape.addEventListener("keydown", (e) => { if ((e.key === "Enter" || e.key === " ") && known(u.code)) { e.preventDefault(); openProfile(u.code); } });
        // small states get a marker too
        if (path.area(f) < 30) {
          const [cx, cy] = path.centroid(f);
          const dot = svgEl("circle", { cx, cy, r: 4, fill: v === null ? "#e6e6e6" : colour(t(v)), stroke: "#333", "stroke-width": 0.6, "aria-hidden": "true" });
          svg.append(shape, dot);
          continue;
        }
      }
      svg.append(shape);
    }
    // zoom and pan: buttons (keyboard), the wheel, and dragging
    const full = { x: 0, y: 0, w: W, h: H };
    let vb = { ...full };
    const setView = () => svg.setAttribute("viewBox", `${vb.x} ${vb.y} ${vb.w} ${vb.h}`);
    const zoom = (f, cx = vb.x + vb.w / 2, cy = vb.y + vb.h / 2) => {
      const w = Math.min(full.w, Math.max(full.w / 16, vb.w / f)), h = (w * full.h) / full.w;
      vb = { x: cx - ((cx - vb.x) * w) / vb.w, y: cy - ((cy - vb.y) * h) / vb.h, w, h };
      if (w === full.w) vb = { ...full };
      setView();
    };
    svg.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.25 : 0.8, vb.x + ((e.clientX - r.left) / r.width) * vb.w, vb.y + ((e.clientY - r.top) / r.height) * vb.h);
    }, { passive: false });
    let drag = null;
    svg.addEventListener("pointerdown", (e) => { if (vb.w < full.w) { drag = { x: e.clientX, y: e.clientY, vb: { ...vb } }; } });
    svg.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const r = svg.getBoundingClientRect();
      vb = { ...drag.vb, x: drag.vb.x - ((e.clientX - drag.x) / r.width) * vb.w, y: drag.vb.y - ((e.clientY - drag.y) / r.height) * vb.h };
      setView();
    });
    for (const ev of ["pointerup", "pointerleave"]) svg.addEventListener(ev, () => { drag = null; });
    const zoomBar = el("div", { class: "zoom", role: "group", "aria-label": "Map zoom" },
      el("button", { type: "button", id: "zoom-in", text: "+", "aria-label": "Zoom in", onclick: () => zoom(2) }),
      el("button", { type: "button", id: "zoom-out", text: "−", "aria-label": "Zoom out", onclick: () => zoom(0.5) }),
      el("button", { type: "button", id: "zoom-reset", text: "Whole map", onclick: () => { vb = { ...full }; setView(); } }));
    p.append(zoomBar, svg);
    const grad = el("span", { style: `display:inline-block;width:160px;height:10px;background:linear-gradient(to right,${VIRIDIS.join(",")});vertical-align:middle;margin:0 6px` });
    const named = node.name || node.code;
    const legendTitle = asValues ? `${named}${node.unit && !named.includes(`(${node.unit})`) ? ` (${node.unit})` : ""}, values as used` : `${named}: score${P ? `, ${S.year}` : ""}`;
    const num = asValues ? fs : f1;
    p.append(el("p", { class: "legend", id: "map-legend" }, el("strong", { text: legendTitle }), " ",
      present.length ? [num(lo), grad, num(hi)] : "no values", " · grey: no value"));
    const missing = mapUnits.filter((u, k) => inRegion(u.code) && !drawn.has(u.code) && (k < units.length || values[k] !== null));
    if (missing.length) p.append(el("p", { class: "muted", id: "map-missing" }, "Not drawn (no shape at this scale): ",
      missing.map((u, i) => [i ? ", " : "", el("button", { class: "link", text: `${u.name} ${described(mapUnits.indexOf(u), values[mapUnits.indexOf(u)])}`, onclick: () => { if (known(u.code)) openProfile(u.code); } })])));
  }

  // ---- profile
  const median = (xs) => { const s = xs.filter((x) => x !== null).sort((a, b) => a - b); if (!s.length) return null; const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  function profile() {
    // the profile details the latest year (re-weighted, if so); the chart shows every year
    const shown = current;
    if (P && current !== nominal && current === yearView(S.year)) current = nominal;
    try { profileOf(); } finally { current = shown; }
  }
  // what a change of score means, from the recipe's normalisation
  function scaleNote() {
    const n = M.method.spec.normalise || {};
    if (n.enabled === false) return "Scores are not normalised: a change is in the indicators' own units.";
    if (n.across_years === false) return "Each year is normalised on its own: scores compare within a year, not across years.";
    if ((n.reference_years || []).length) return `Scores are on one scale for every year, set by the reference period ${n.reference_years[0]}–${n.reference_years[n.reference_years.length - 1]}.`;
    return "Scores are normalised over all the years together, so every year is on one scale (it moves when a year is added).";
  }
  const LINE = ["#1d1d1f", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442"];
  // the index and each pillar over the years, one line each
  function trendChart(k, name) {
    const lines = [target, ...pillars.map((n) => n.code)].map((c, i) => ({ c, i, pts: series(c, k).filter((p) => p.v !== null && p.v !== undefined) }))
      .filter((l) => l.pts.length > 0);
    if (!lines.length || YEARS.length < 2) return null;
    const vals = lines.flatMap((l) => l.pts.map((p) => p.v));
    const lo = Math.min(0, ...vals), hi = Math.max(100, ...vals);
    const W = 640, H = 260, X = (y) => 40 + ((y - FIRST) / (LAST - FIRST || 1)) * (W - 60), Y = (v) => H - 30 - ((v - lo) / (hi - lo || 1)) * (H - 50);
    const text = lines.map((l) => `${(byCode[l.c] || {}).name || l.c}: ${l.pts.map((p) => `${p.y} ${f1(p.v)}`).join(", ")}`).join("; ");
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", id: "profile-trend", "aria-label": `${name}, scores by year. ${text}` });
    for (const v of [lo, (lo + hi) / 2, hi]) {
      svg.append(svgEl("line", { x1: 40, x2: W - 20, y1: Y(v), y2: Y(v), stroke: "#d9d9de" }));
      const t = svgEl("text", { x: 34, y: Y(v) + 4, "font-size": 11, "text-anchor": "end" }); t.textContent = f1(v); svg.append(t);
    }
    for (const y of YEARS) { const t = svgEl("text", { x: X(y), y: H - 10, "font-size": 11, "text-anchor": "middle" }); t.textContent = y; svg.append(t); }
    for (const l of lines) {
      const top = l.c === target;
      svg.append(svgEl("polyline", { points: l.pts.map((p) => `${X(p.y)},${Y(p.v)}`).join(" "), fill: "none", stroke: LINE[l.i % LINE.length],
        "stroke-width": top ? 3 : 1.5, "stroke-dasharray": top ? null : l.i % 2 ? "5 3" : null, "data-code": l.c }));
      if (top) for (const p of l.pts) svg.append(svgEl("circle", { cx: X(p.y), cy: Y(p.v), r: 3.5, fill: LINE[0], class: "index-point" }));
    }
    const legend = el("ul", { class: "legend keys" }, lines.map((l) => el("li", {},
      el("span", { class: "key", style: `background:${LINE[l.i % LINE.length]}` }), (byCode[l.c] || {}).name || l.c)));
    return el("div", { class: "card" }, el("h3", { text: `Index and pillars by year, ${FIRST}–${LAST}` }), svg, legend,
      el("p", { class: "muted", text: `${scaleNote()} A change of rank within the rank intervals is no change (Progress tab).` }));
  }
  function profileOf() {
    const p = $("profile");
    p.replaceChildren();
    if (!S.unit && units.length) {
      // the top-ranked unit until one is chosen
      const r = current.ranks[target] || [];
      S.unit = units[r.indexOf(Math.min(...r.filter((x) => x !== null)))]?.code || units[0].code;
    }
    const pick = el("select", { "aria-label": "Unit", id: "profile-unit", onchange: (e) => { S.unit = e.target.value; profile(); remember(); } },
      [...units].sort((a, b) => a.name.localeCompare(b.name)).map((u) => el("option", { value: u.code, text: u.name })));
    pick.value = S.unit;
    p.append(el("div", { class: "controls" }, el("label", {}, "Unit", pick), regionSelect(profile)));
    const k = unitIndex[S.unit];
    if (k === undefined) return;
    const u = units[k];
    const iv = intervals[u.code];
    const peers = units.map((v, j) => j).filter((j) => inRegion(units[j].code));
    const head = el("div", { class: "card" }, el("h2", { text: u.name, id: "profile-name" }),
      el("p", {}, `${P ? LAST + ": s" : "S"}core ${f1(score(target, k))}, rank ${rank(target, k) ?? "–"} of ${units.length}`,
        iv ? ` — rank interval ${Math.round(iv.q05)}–${Math.round(iv.q95)} (5–95% of the uncertainty runs; median ${fs(iv.median)})` : ""));
    const bars = el("table", { "aria-label": "Pillar scores against the region" }, el("thead", {}, el("tr", {},
      ["Pillar", "Score", "Rank", ...(S.region ? ["Rank in region"] : []), "Region median", "Region best", ""].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", { id: "profile-pillars" }, pillars.map((pl) => {
        const vals = peers.map((j) => score(pl.code, j));
        const med = median(vals), best = Math.max(...vals.filter((x) => x !== null));
        const v = score(pl.code, k);
        const w = (x) => (best > 0 && x !== null ? Math.max(0, (100 * x) / best) : 0);
        const ranked = rankedCount(pl.code);
        const r = rank(pl.code, k);
        const inRegionRank = v === null ? "–" : `${1 + vals.filter((x) => x !== null && x > v).length} of ${vals.filter((x) => x !== null).length}`;
        return el("tr", {}, el("td", { text: pl.name || pl.code }), el("td", { text: f1(v) }), el("td", { text: r ? `${r} of ${ranked}` : "–" }),
          ...(S.region ? [el("td", { text: inRegionRank })] : []), el("td", { text: f1(med) }), el("td", { text: f1(best) }),
          el("td", { class: "hide-narrow" }, el("span", { class: "bar", style: `width:${w(v)}px` }), el("span", { class: "bar", style: `width:${Math.max(0, w(med) - w(v))}px;background:#c9d3df` })));
      })));
    // strengths and weaknesses only among the unit's own observations, never estimates
    const own = (n) => { const c = cell(n.code, k); return c.flag === null || !(ESTIMATE.includes(c.flag) || c.flag === "censored"); };
    const ranked = indicators.map((n) => ({ n, r: rank(n.code, k), s: score(n.code, k), c: cell(n.code, k) }))
      .filter((x) => x.r !== null && own(x.n)).sort((a, b) => a.r - b.r);
    const valueText = (c, n) => `${fs(c.value)}${n.unit ? " " + n.unit : ""}${c.year ? ` (${c.year})` : ""}`;
    const list = (xs) => el("ul", {}, xs.map((x) => el("li", {}, `${x.n.name || x.n.code}: rank ${x.r} (score ${f1(x.s)}; ${valueText(x.c, x.n)})`)));
    const strong = el("div", { class: "card" }, el("h3", { text: "Strongest indicators" }), list(ranked.slice(0, 3)));
    const weak = el("div", { class: "card" }, el("h3", { text: "Weakest indicators" }), list(ranked.length > 3 ? ranked.slice(-3).reverse() : []));
    const est = restsOnEstimates(k);
    if (est) head.append(el("p", { class: "est", id: "profile-estimates" }, `Caution: ${est.estimated} of its ${est.of} values are estimates (older own values, interpolations or group estimates), more than a third; its score rests on them.`));
    p.append(head, el("div", { class: "card" }, el("h3", { text: "Pillars against " + (S.region ? (regions.find((r) => r.id === S.region) || {}).title : "all units") }), el("div", { class: "tablewrap" }, bars)),
      el("div", { class: "grid" }, strong, weak));
    p.append(el("p", { class: "muted" }, "Strongest and weakest are chosen among the unit's own observations only; estimates are never listed as strengths or weaknesses."));
    // every indicator: the value as used, its year and how it was obtained
    const parentName = (n) => (byCode[n.parent] || {}).name || n.parent || "";
    const rows = indicators.map((n) => {
      const c = cell(n.code, k);
      const flagged = c.flag && c.flag !== "observed";
      return el("tr", { class: c.flag && (ESTIMATE.includes(c.flag) || c.flag === "missing" || c.flag === "excluded") ? "estimate" : null },
        el("td", { class: "wrap" }, el("span", { class: "muted", text: parentName(n) }), el("br", {}), n.name || n.code),
        el("td", { "data-label": "Value", text: shownValue(c) }),
        el("td", { class: "wrap", "data-label": "Unit", text: n.unit || "" }),
        el("td", { "data-label": "Year", text: c.year ?? "–" }),
        el("td", { "data-label": "Rank", text: rank(n.code, k) ?? "–" }), el("td", { "data-label": "Score", text: f1(score(n.code, k)) }),
        el("td", { class: "how", "data-label": "How obtained" }, el("span", { class: flagged ? "flag" : null, text: c.flag ? FLAG_TEXT[c.flag] || c.flag : "–" }),
          c.detail ? el("div", { class: "detail", text: c.detail }) : null));
    });
    p.append(el("div", { class: "card" }, el("h3", { text: "Every indicator: the value as used, its year, and how it was obtained" }),
      el("div", { class: "tablewrap" }, el("table", { id: "profile-values" },
        headRow(["Indicator", "Value", "Unit", "Year", "Rank", "Score", "How obtained"]),
        el("tbody", {}, rows)))));
    const chart = P ? trendChart(k, u.name) : null;
    if (chart) p.append(chart);
    const trend = (M.trend || []).filter((t) => t[1] === u.code && t[2] !== null);
    if (!chart && trend.length > 1) {
      const W = 320, H = 120, ys = trend.map((t) => t[2]), xs = trend.map((t) => t[0]);
      const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
      const X = (x) => 30 + ((x - x0) / (x1 - x0 || 1)) * (W - 40), Y = (y) => H - 20 - ((y - y0) / (y1 - y0 || 1)) * (H - 40);
      const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Index score by year: ${trend.map((t) => `${t[0]} ${f1(t[2])}`).join(", ")}` });
      svg.append(svgEl("polyline", { points: trend.map((t) => `${X(t[0])},${Y(t[2])}`).join(" "), fill: "none", stroke: "#2f5d8a", "stroke-width": 2 }));
      for (const t of trend) { const c = svgEl("circle", { cx: X(t[0]), cy: Y(t[2]), r: 3, fill: "#2f5d8a" }); svg.append(c); const l = svgEl("text", { x: X(t[0]), y: H - 4, "font-size": 10, "text-anchor": "middle" }); l.textContent = t[0]; svg.append(l); }
      p.append(el("div", { class: "card" }, el("h3", { text: "Index score by year" }), svg));
    }
  }

  // ---- compare: two to four units side by side
  function compare() {
    const p = $("compare");
    p.replaceChildren();
    if (!S.compare.length) {
      const r = current.ranks[target] || [];
      const order = units.map((u, k) => ({ u, r: r[k] })).filter((x) => x.r !== null && x.r !== undefined).sort((a, b) => a.r - b.r);
      S.compare = [S.unit, ...order.map((x) => x.u.code)].filter((c, i, a) => c && a.indexOf(c) === i).slice(0, 2);
    }
    const sorted = [...units].sort((a, b) => a.name.localeCompare(b.name));
    const picks = [0, 1, 2, 3].map((i) => {
      const s = el("select", { "aria-label": `Unit ${i + 1}`, id: `compare-${i}`, onchange: () => {
        const list = [0, 1, 2, 3].map((j) => $(`compare-${j}`).value).filter(Boolean);
        S.compare = list.filter((c, j) => list.indexOf(c) === j);
        compare();
        remember();
      } }, el("option", { value: "", text: "(none)" }), sorted.map((u) => el("option", { value: u.code, text: u.name })));
      s.value = S.compare[i] || "";
      return el("label", {}, `Unit ${i + 1}`, s);
    });
    p.append(el("div", { class: "controls" }, picks));
    const ks = S.compare.map((c) => unitIndex[c]).filter((k) => k !== undefined);
    if (ks.length < 2) { p.append(el("p", { class: "muted", id: "compare-hint", text: "Choose two to four units." })); return; }
    const names = ks.map((k) => units[k].name);
    const head = (first) => el("thead", {}, el("tr", {}, el("th", { scope: "col", text: first }), names.map((nm) => el("th", { scope: "col", text: nm }))));
    const rowsP = [byCode[target], ...pillars].filter(Boolean).map((n) => el("tr", { "data-code": n.code }, el("th", { scope: "row", text: n.name || n.code }),
      ks.map((k) => {
        const v = score(n.code, k), r = rank(n.code, k);
        const w = v === null || v === undefined ? 0 : Math.max(0, Math.min(100, v));
        return el("td", {}, el("span", { class: "bar", style: `width:${w}px`, "aria-hidden": "true" }), ` ${f1(v)}`,
          el("span", { class: "muted", text: r ? ` (${r} of ${rankedCount(n.code)})` : "" }));
      })));
    p.append(el("div", { class: "card" }, el("h3", { text: `Index and pillars${P ? ", " + LAST : ""}: score (rank)` }),
      el("div", { class: "tablewrap" }, el("table", { id: "compare-pillars", class: "compare" }, head("Index or pillar"), el("tbody", {}, rowsP)))));
    const rowsI = indicators.map((n) => el("tr", { "data-code": n.code },
      el("th", { scope: "row", class: "wrap" }, el("span", { class: "muted", text: (byCode[n.parent] || {}).name || "" }), el("br", {}), `${n.name || n.code}${n.unit && !(n.name || "").includes(`(${n.unit})`) ? ` (${n.unit})` : ""}`),
      ks.map((k) => {
        const c = cell(n.code, k);
        const flagged = c.flag && c.flag !== "observed";
        return el("td", { class: flagged && ESTIMATE.includes(c.flag) ? "estimate" : null },
          shownValue(c),
          c.year ? el("span", { class: "muted", text: ` (${c.year})` }) : null,
          flagged ? el("div", { class: "flag", text: FLAG_TEXT[c.flag] || c.flag }) : null);
      })));
    p.append(el("div", { class: "card" }, el("h3", { text: "Every indicator: the value as used, its year, and how it was obtained where not observed" }),
      el("div", { class: "tablewrap" }, el("table", { id: "compare-indicators", class: "compare" }, head("Indicator (unit)"), el("tbody", {}, rowsI)))));
  }

  // ---- the print edition: title, the method in brief, the ranking with
  // every pillar, and every ranked unit's profile (made when printing)
  function printEdition() {
    const old = $("print-edition");
    if (old) old.remove();
    const box = el("div", { id: "print-edition" });
    const spec = (M.method || {}).spec || {};
    const steps = ["denominate", "impute", "screen", "treat", "normalise", "aggregate"]
      .filter((s) => spec[s] && spec[s].enabled !== false).map((s) => `${s}: ${describe(spec[s])}`);
    box.append(el("h1", { text: document.title }), el("p", { text: $("subtitle").textContent }),
      el("h2", { text: "Method in brief" }),
      el("p", { text: `${indicators.length} indicators in ${pillars.length} pillars, each weighted as the Method tab lists. ${steps.join("; ")}.` }),
      el("p", { text: "Values are each country's own observations of the year shown unless flagged; rank intervals are the 5–95% range of ranks over the uncertainty runs." }));
    const order = units.map((u, k) => ({ u, k, r: rank(target, k) })).filter((x) => x.r !== null && x.r !== undefined).sort((a, b) => a.r - b.r);
    const cols = ["Rank", "Unit", "Score", ...(M.intervals ? ["Rank interval"] : []), ...pillars.map((n) => n.name || n.code)];
    box.append(el("h2", { text: "Ranking" }), el("table", { id: "print-ranking" },
      el("thead", {}, el("tr", {}, cols.map((c) => el("th", { scope: "col", text: c })))),
      el("tbody", {}, order.map(({ u, k, r }) => {
        const iv = intervals[u.code];
        return el("tr", {}, el("td", { text: r }), el("td", { text: u.name }), el("td", { text: f1(score(target, k)) }),
          M.intervals ? el("td", { text: iv ? `${Math.round(iv.q05)}–${Math.round(iv.q95)}` : "–" }) : null,
          pillars.map((n) => el("td", { text: f1(score(n.code, k)) })));
      }))));
    for (const { u, k, r } of order) {
      const sec = el("section", { class: "print-profile" }, el("h2", { text: `${u.name}: rank ${r} of ${order.length}, score ${f1(score(target, k))}` }));
      sec.append(el("table", {}, headRow(["Pillar", "Score", "Rank"]),
        el("tbody", {}, pillars.map((n) => el("tr", {}, el("td", { text: n.name || n.code }), el("td", { text: f1(score(n.code, k)) }), el("td", { text: rank(n.code, k) ?? "–" }))))));
      sec.append(el("table", { class: "print-values" }, headRow(["Indicator", "Value", "Unit", "Year", "How obtained"]),
        el("tbody", {}, indicators.map((n) => {
          const c = cell(n.code, k);
          return el("tr", {}, el("td", { text: n.name || n.code }), el("td", { text: shownValue(c) }),
            el("td", { text: n.unit || "" }), el("td", { text: c.year ?? "–" }), el("td", { text: c.flag ? FLAG_TEXT[c.flag] || c.flag : "–" }));
        }))));
      box.append(sec);
    }
    document.body.append(box);
  }
  window.addEventListener("beforeprint", printEdition);

  // ---- method
  function method() {
    const p = $("method");
    p.replaceChildren();
    const tree = (code) => {
      const n = byCode[code];
      const kids = nodes.filter((c) => c.parent === code);
      const info = [`weight ${fs(n.weight)}`, n.effective !== null && n.effective !== undefined ? `effective ${fs(n.effective * 100)}%` : null,
        n.level === 1 ? (n.direction < 0 ? "lower is better" : n.direction === 0 ? `closest to ${fs(n.target)} is best` : "higher is better") : null,
        n.source ? `source: ${n.source}` : null, n.unit ? `unit: ${n.unit}` : null,
        n.year_rule ? `years: ${yearRule(n.year_rule)}` : null].filter(Boolean).join(" · ");
      return el("li", {}, el("strong", { text: n.name || n.code }), el("span", { class: "muted" }, ` (${n.code}) — ${info}`),
        kids.length ? el("ul", { class: "tree" }, kids.map((c) => tree(c.code))) : null);
    };
    p.append(el("h2", { text: "Framework" }), el("ul", { class: "tree", id: "framework-tree" }, target ? tree(target) : null));
    const spec = M.method.spec || {};
    const STEP = {
      denominate: "Totals divided by a size (population, GDP) so that countries of different sizes compare",
      impute: "Missing values estimated (they are flagged as estimates wherever shown)",
      screen: "Units with too few values left out of the ranking",
      treat: "Extreme values pulled in so that one outlier does not dominate its indicator",
      normalise: "Every indicator put on a common scale",
      aggregate: "Scores combined into pillars and the index, with the weights shown above",
    };
    const words = (o) => Object.entries(o || {}).filter(([k, v]) => v !== null && typeof v !== "object" && k !== "enabled")
      .map(([k, v]) => `${k.replace(/_/g, " ")}: ${v}`).join("; ");
    const stepRows = Object.keys(STEP).map((k) => {
      const on = spec[k] ? spec[k].enabled !== false : false;
      return el("tr", {}, el("th", { scope: "row", text: k }), el("td", { class: "wrap", text: STEP[k] }), el("td", { text: on ? "yes" : "no" }),
        el("td", { class: "wrap", text: on ? words(spec[k]) || "the defaults" : "–" }));
    });
    p.append(el("h2", { text: "Steps and settings" }),
      el("div", { class: "tablewrap" }, el("table", { id: "recipe-table" }, headRow(["Step", "What it does", "Used", "Settings"]),
        el("tbody", {}, stepRows))),
      el("details", {}, el("summary", { text: "The recipe as written for digindex (TOML)" }), el("pre", { id: "recipe-toml", text: M.method.recipe_toml || "" })));
    if ((M.method.warnings || []).length) p.append(el("details", {}, el("summary", { text: `${M.method.warnings.length} warnings` }), el("ul", {}, M.method.warnings.map((w) => el("li", { text: w })))));
    // units not ranked, and why
    const screenLog = ((M.method.log || {}).screen || {});
    const screenSpec = ((M.method.spec || {}).screen || {});
    const screened = (screenLog.units || []).filter((u) => !u.included);
    const counted = screenLog.on === "imputed" ? "present after imputation" : "observed";
    if (screened.length) p.append(el("h2", { text: "Units not ranked" }), el("p", { id: "not-ranked" }, "Screened out (too little data, or excluded by the recipe): ",
      screened.map((u) => `${u.unit} (${Math.round(100 * u.coverage)}% of the indicators ${counted}${(u.short_aggregates || []).length ? `, fewer than ${screenSpec.min_per_aggregate} in ` + u.short_aggregates.join(", ") : ""}${(screenSpec.exclude || []).includes(u.unit) ? ", excluded by the recipe" : ""})`).join("; "), "."));
    // the data: corrections of source errors, and findings on the values used
    p.append(el("h2", { text: "Data quality" }));
    if (!M.quality) {
      p.append(el("p", { class: "muted", text: "The data of this recipe are not read from the catalogue, so no data-quality audit or correction applies to them." }));
    }
    const q = M.quality || { corrections: [], findings_on_used_values: [] };
    const fixes = q.corrections || [];
    if (fixes.length) {
      const shown = fixes.filter((c) => units.some((u) => u.code === c.unit));
      p.append(el("details", { id: "corrections" }, el("summary", { text: `${fixes.length} source values corrected for these members (${shown.length} of them ranked)` }),
        el("div", { class: "tablewrap" }, el("table", {}, headRow(["Unit", "Indicator", "Year", "Source value", "Action", "Reason"]),
          el("tbody", {}, fixes.map((c) => el("tr", {}, el("td", { text: c.unit }), el("td", { text: (byCode[c.indicator] || {}).name || c.indicator }), el("td", { text: c.year }),
            el("td", { text: fs(c.before) }), el("td", { text: c.action === "replace" ? `replaced by ${fs(c.after)} (${c.source || ""})` : c.action }),
            el("td", { class: "detail", text: c.reason }))))))));
    } else if (M.quality) p.append(el("p", { class: "muted", text: "No source value was corrected." }));
    const open = (q.findings_on_used_values || []).filter((f) => !f.corrected);
    if (M.quality) p.append(el("p", {}, open.length ? `${open.length} values used are flagged by the data-quality audit and not corrected:` : "The data-quality audit flags no value used that is not corrected."));
    if (open.length) p.append(el("ul", { id: "data-warnings" }, open.map((f) => el("li", { text: `${f.unit} ${(byCode[f.indicator] || {}).name || f.indicator} ${f.year} = ${fs(f.value)}: ${f.rule} — ${f.detail}` }))));
    // coherence
    const corr = (M.coherence.correlations || []).filter((c) => c.relation === "parent" && c.level === 1);
    p.append(el("h2", { text: "Coherence" }));
    if (corr.length) {
      const W = 760, row = 16, H = corr.length * row + 30;
      const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Pearson correlation of each indicator with its pillar: " + corr.map((c) => `${(byCode[c.code] || {}).name || c.code} ${fs(c.pearson)}`).join(", "), id: "corr-chart" });
      const X = (r) => 520 + r * 150;
      svg.append(svgEl("line", { x1: X(0), x2: X(0), y1: 0, y2: H - 20, stroke: "#999" }));
      corr.forEach((c, i) => {
        const y = i * row + 4;
        const name = (byCode[c.code] || {}).name || c.code;
        const t = svgEl("text", { x: 360, y: y + 10, "font-size": 10, "text-anchor": "end" }); t.textContent = fit(name, 64);
        const tt = svgEl("title", {}); tt.textContent = name; t.append(tt); svg.append(t);
        const r = c.pearson;
        if (r !== null && !Number.isNaN(r)) svg.append(svgEl("rect", { x: Math.min(X(0), X(r)), y, width: Math.abs(X(r) - X(0)), height: row - 4, fill: r < 0 ? "#b3261e" : "#2f5d8a" }));
        const v = svgEl("text", { x: X(1) + 8, y: y + 10, "font-size": 10 }); v.textContent = fs(r); svg.append(v);
      });
      for (const r of [-1, 0, 1]) { const t = svgEl("text", { x: X(r), y: H - 6, "font-size": 10, "text-anchor": "middle" }); t.textContent = r; svg.append(t); }
      p.append(el("p", { text: "How closely each indicator goes with the rest of its pillar (Pearson correlation, from −1 to 1): near 1, countries that score high on the indicator score high on the pillar; near 0, the indicator adds something the others do not; below 0 (red), it pulls the other way, which deserves a look." }), svg);
    }
    const alphas = M.coherence.alphas || [];
    if (alphas.length) {
      // from -1 to 1, so that a negative alpha is drawn (leftwards), not hidden
      const W = 760, row = 20, H = alphas.length * row + 30, X = (a) => 420 + Math.max(-1, Math.min(1, a)) * 150;
      const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", id: "alpha-chart",
        "aria-label": "Cronbach's alpha per aggregate: " + alphas.map((a) => `${(byCode[a.code] || {}).name || a.code} ${fs(a.alpha)}`).join(", ") });
      svg.append(svgEl("line", { x1: X(0), x2: X(0), y1: 0, y2: H - 20, stroke: "#999" }));
      alphas.forEach((a, i) => {
        const y = i * row + 4;
        const name = (byCode[a.code] || {}).name || a.code;
        const t = svgEl("text", { x: 260, y: y + 12, "font-size": 11, "text-anchor": "end" }); t.textContent = fit(name, 44);
        const tt = svgEl("title", {}); tt.textContent = name; t.append(tt); svg.append(t);
        if (a.alpha !== null && !Number.isNaN(a.alpha)) {
          svg.append(svgEl("rect", { x: Math.min(X(0), X(a.alpha)), y, width: Math.abs(X(a.alpha) - X(0)), height: row - 6, fill: a.alpha >= 0.7 ? "#2f5d8a" : "#b3261e", class: "alpha-bar", "data-code": a.code }));
        }
        const v = svgEl("text", { x: X(1) + 8, y: y + 12, "font-size": 10 }); v.textContent = fs(a.alpha); svg.append(v);
      });
      svg.append(svgEl("line", { x1: X(0.7), x2: X(0.7), y1: 0, y2: H - 20, stroke: "#333", "stroke-dasharray": "3 3" }));
      for (const [r, label] of [[-1, "−1"], [0, "0"], [0.7, "0.7"], [1, "1"]]) { const l = svgEl("text", { x: X(r), y: H - 6, "font-size": 10, "text-anchor": "middle" }); l.textContent = label; svg.append(l); }
      p.append(el("p", { text: "Whether the indicators of each pillar measure one thing together (Cronbach's alpha): 0.7 or more is the usual bar for a scale; lower means the pillar brings together distinct aspects, so its score is an average of different things — a choice the framework makes, to be read as such; below 0, some of its indicators run against each other." }), svg);
      const meaning = (a) => a === null || Number.isNaN(a) ? "not computed (too few indicators or values)"
        : a >= 0.8 ? "its indicators move closely together: they measure one thing consistently"
        : a >= 0.7 ? "its indicators move together well enough to be read as one scale"
        : a >= 0.5 ? "its indicators agree only in part: the pillar mixes related but distinct aspects"
        : a >= 0 ? "its indicators hardly agree: the pillar is a summary of different things, not one measure, and a country can score high on one and low on another"
        : "some of its indicators run against each other: countries high on one tend to be low on another, so they partly cancel out in the average";
      p.append(el("div", { class: "tablewrap" }, el("table", { id: "alphas" }, el("caption", { class: "visually-hidden", text: "Cronbach's alpha of each aggregate, and what it means" }),
        headRow(["Aggregate", "Children", "alpha", "What it means"]),
        el("tbody", {}, alphas.map((a) => el("tr", {}, el("td", { text: (byCode[a.code] || {}).name || a.code }), el("td", { text: a.children }), el("td", { text: fs(a.alpha) }),
          el("td", { class: "wrap", text: meaning(a.alpha) })))))));
    }
    // sensitivity
    p.append(el("h2", { text: "Sensitivity" }));
    const sens = M.sensitivity && M.sensitivity.indices ? M.sensitivity.indices : null;
    if (sens && sens.length) {
      const W = 640, row = 22, H = sens.length * row + 30;
      const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Sobol sensitivity indices", id: "sobol-chart" });
      sens.forEach(([name, s], i) => {
        const y = i * row + 4;
        const t = svgEl("text", { x: 190, y: y + 12, "font-size": 11, "text-anchor": "end" }); t.textContent = name; svg.append(t);
        svg.append(svgEl("rect", { x: 200, y, width: Math.max(0, (s.total || 0) * 400), height: 8, fill: "#2f5d8a" }));
        svg.append(svgEl("rect", { x: 200, y: y + 9, width: Math.max(0, (s.first_order || 0) * 400), height: 8, fill: "#35b779" }));
        const v = svgEl("text", { x: 610, y: y + 12, "font-size": 10 }); v.textContent = `${fs(s.total)} / ${fs(s.first_order)}`; svg.append(v);
      });
      p.append(el("p", { class: "muted", text: "Sobol indices of the rank (blue: total, green: first order)." }), svg);
    } else if (M.intervals) {
      p.append(el("p", {}, "The uncertainty analysis rebuilt the index many times with the choices in the recipe's uncertainty settings varied (the Steps above); the ranking shows each unit's rank interval, the ranks it took in the middle 90% of those runs. A sensitivity analysis (how much of the variation each choice causes) is not part of this recipe."));
    } else p.append(el("p", { class: "muted", text: "No uncertainty or sensitivity analysis in this recipe." }));
  }
  function describe(s) { return Object.entries(s).filter(([k, v]) => typeof v !== "object").map(([k, v]) => `${k} ${v}`).join(", ") || "on"; }
  function yearRule(r) {
    if (typeof r !== "object") return String(r);
    const parts = [r.rule];
    if (r.max_age !== undefined) parts.push(`at most ${r.max_age} years old`);
    if (r.fallback_age) parts.push(`own values up to ${r.fallback_age} years old stand in`);
    if (r.exact !== undefined) {
      const counts = [["exact", "of the reference year"], ["earlier", "earlier within the window"], ["interpolated", "interpolated"],
        ["older", "older own values"], ["corrected", "corrected"], ["censored", "below the source's threshold"], ["excluded", "excluded"], ["missing", "missing"]];
      parts.push(counts.filter(([k]) => r[k]).map(([k, t]) => `${r[k]} ${t}`).join(", "));
    }
    return parts.filter(Boolean).join(", ");
  }

  // ---- claims
  const fmtNum = (x) => x === null || x === undefined ? "–" : Math.abs(x) >= 100 || Number.isInteger(x) ? Math.round(x).toLocaleString("en-US") : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3);
  const memberText = (m) => m.unknown ? `${m.unit} (unknown: ${m.unknown})` : m.value === null || m.value === undefined ? `${m.unit} < ${fmtNum(m.below)}`
    : m.bounds ? `${m.unit} ${fmtNum(m.value)} (${fmtNum(m.bounds[0])}–${fmtNum(m.bounds[1])})` : `${m.unit} ${fmtNum(m.value)}`;
  const statusWord = { holds: "holds", fails: "fails", cannot_check: "cannot check" };
  function rankText(r) {
    if (r.rank_range) return `${r.rank_range[0]}–${r.rank_range[1]} of ${r.of}`;
    return r.rank ? `${r.rank} of ${r.of}` : "–";
  }
  function evidenceText(r) {
    const parts = [];
    if (r.status === "cannot_check" || (r.parts && r.parts.length) || r.rank_range) parts.push(r.reason);
    // with mixed years, every member's year
    const mt = (m) => r.mixed_years ? `${memberText(m)} (${m.year})` : memberText(m);
    if (r.ahead && r.ahead.length) parts.push("ahead: " + r.ahead.map(mt).join(", "));
    if (r.subject_value !== null && r.subject_value !== undefined) parts.push(`value ${fmtNum(r.subject_value)}` + (r.next_below ? `; next below: ${mt(r.next_below)}` : ""));
    if (r.ties && r.ties.length) parts.push("tied with " + r.ties.join(", "));
    if (r.missing && r.missing.length && r.data_year) parts.push("no data: " + r.missing.join(", "));
    if (r.margin) parts.push(r.margin.text);
    if (r.proxy) parts.push("proxy data");
    if (r.note) parts.push(r.note);
    return parts.filter(Boolean).join(" · ");
  }
  function readingRows(r, sub) {
    const cls = { holds: "holds", fails: "fails", cannot_check: "muted" }[r.status] || "";
    const row = el("tr", sub ? { class: "part" } : {},
      el("td", { text: sub ? "↳ " + r.region : r.region, title: r.region_title || "" }), el("td", { text: r.variant || r.metric }),
      el("td", { text: r.years && r.years.length > 1 ? `${r.years[0]}–${r.years[r.years.length - 1]}` : r.year ?? "" }), el("td", { text: r.data_year ?? "–" }), el("td", { text: rankText(r) }),
      el("td", { class: cls, text: statusWord[r.status] || r.status }),
      el("td", { style: "white-space:normal;text-align:left", text: evidenceText(r) }));
    return [row, ...(r.parts || []).flatMap((p) => readingRows(p, true))];
  }
  function readingTable(rows) {
    return el("div", { class: "tablewrap" }, el("table", {},
      headRow(["Region", "Measure", "Year", "Data year", "Rank", "Status", "Evidence"]),
      el("tbody", {}, rows.flatMap((r) => readingRows(r, false)))));
  }
  function claimCard(c) {
    const rows = c.readings || [];
    // colour grades the support: green only when every checkable reading holds
    const grade = { all: "holds", most: "most", some: "some", none: "fails", unchecked: "unchecked" }[c.support] || "unchecked";
    const latest = c.latest || [];
    const sweeps = (c.sweeps || []).filter((s) => s.text);
    return el("article", { class: "card claim" },
      el("h3", { text: c.text || c.id }),
      c.canonical ? el("p", { class: "muted", text: "Read as: " + c.canonical }) : "",
      el("p", {}, el("span", { class: "verdict " + grade, text: `${c.subject || ""} ${c.asserted || ""}: ${c.summary || ""}` })),
      el("p", { class: "muted", text: `${c.holds_in} hold, ${c.checkable - c.holds_in} fail, ${c.cannot_check} cannot be checked (no value for the subject in the window, fewer than three members with data, or suppressed values) — of ${c.of} readings.` }),
      c.outside && c.outside.length ? el("p", { class: "muted", text: `${c.subject} is not a member of ${c.outside.join(", ")}.` }) : "",
      c.note ? el("p", { class: "muted", text: c.note }) : "",
      el("details", {}, el("summary", { text: `Every reading (${rows.length})` }), readingTable(rows)),
      latest.length ? el("details", { class: "latest" }, el("summary", { text: `Latest evidence (${[...new Set(latest.map((r) => r.year))].join(", ")}), not counted in the verdict` }), readingTable(latest)) : "",
      sweeps.length ? el("details", {}, el("summary", { text: `${c.subject} by year` }), el("ul", {}, sweeps.map((s) => el("li", { text: `${s.region}, ${s.variant}: ${s.text}` })))) : "");
  }
  // "the index", "this index" or the index's own name mean the index shown
  const indexName = M.title.replace(/,\s*\d{4}$/, "");
  const aboutThisIndex = (text) => {
    const esc = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const re = new RegExp(`\\b(?:on|in|for|of)\\s+(?:(?:the|this)\\s+)?(?:${esc(indexName)}|index(?:\\s+shown)?)(?![:\\w])`, "i");
    if (!re.test(text)) return text;
    const mention = `in index:${M.id}`;
    let t = text.replace(re, mention);
    // no region named: the units the index ranks, not every region the word could mean
    const region = (((M.method || {}).spec || {}).data || {}).region;
    if (region && !/\bamong\b/i.test(t) && !/\bin (?:the )?[A-Z][a-z]/.test(t.replace(mention, ""))) t += ` among ${region}`;
    return t;
  };
  // the checker's message without the command-line hints meant for a terminal
  const readable = (msg) => String(msg || "").replace(/\s*\([^()]*`digindex[^()]*\)/g, "").replace(/;?\s*`digindex[^`]*`[^;.)]*/g, "");
  function claims() {
    const p = $("claims");
    p.replaceChildren();
    if (C.api) {
      const input = el("input", { type: "search", id: "claim-text", "aria-label": "Claim", size: "50", placeholder: "Iran ranks 2nd in AI papers in the Middle East (2022)" });
      const result = el("div", { id: "claim-result", role: "status", "aria-live": "polite" });
      p.append(el("form", { class: "controls", onsubmit: async (e) => {
        e.preventDefault();
        result.replaceChildren("Checking…");
        try {
          const r = await fetch(C.api.replace(/\/indices\/.*$/, "/check"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ claim: aboutThisIndex(input.value) }) });
          const j = await r.json();
          if (!r.ok) throw new Error(j.error || r.statusText);
          if (j.checked === false) throw new Error(readable(j.error));
          result.replaceChildren(claimCard(j));
        } catch (err) { result.replaceChildren(el("p", { class: "fails", text: "Cannot check it: " + err.message })); }
      } }, el("label", {}, `Check a claim on the shipped data or on this index (e.g. Iran ranks 2nd in AI papers in the Middle East (2022); Iran ranks 20th on the index)`, input), el("button", { type: "submit", text: "Check" })), result);
    }
    const list = M.claims || [];
    if (!list.length) { p.append(el("p", { class: "muted", text: "This recipe checks no claims." })); return; }
    for (const c of list) p.append(claimCard(c));
  }

  // ---- progress (a series)
  function progress() {
    const p = $("progress");
    p.replaceChildren();
    if (!P) return;
    const codes = [target, ...pillars.map((n) => n.code)].filter((c) => P.scores[c]);
    const pick = el("select", { "aria-label": "Index or pillar", id: "progress-code", onchange: (e) => { S.pcode = e.target.value; progress(); } },
      codes.map((c) => el("option", { value: c, text: (byCode[c] || {}).name || c })));
    pick.value = S.pcode;
    p.append(el("div", { class: "controls" }, el("label", {}, "Show", pick), regionSelect(progress)));
    if (YEARS.length < 2) { p.append(el("p", { class: "muted", text: `One year built (${LAST}): no change to show yet.` })); return; }
    const c = S.pcode, t1 = YEARS.length - 1, t0 = 0, tp = Math.max(0, t1 - 1);
    const sc = P.scores[c], rk = P.ranks[c], lo = (P.low[c] || [])[t1], hi = (P.high[c] || [])[t1], mv = (P.movement[c] || [])[t1];
    const best = Math.max(...sc[t1].filter((v) => v !== null));
    const tb = P.baseline !== null ? yearAt(P.baseline) : -1;
    const diff = (a, b) => (a === null || b === null || a === undefined || b === undefined ? null : b - a);
    const rows = PU.map((u, k) => ({ u, k, first: sc[t0][k], last: sc[t1][k], change: diff(sc[t0][k], sc[t1][k]), prev: diff(sc[tp][k], sc[t1][k]),
      base: tb >= 0 ? diff(sc[tb][k], sc[t1][k]) : null, r0: rk[t0][k], r1: rk[t1][k], move: mv ? mv[k] : null, front: sc[t1][k] === null ? null : best - sc[t1][k] }))
      .filter(({ u, first, last }) => inRegion(u.code) && (first !== null || last !== null));
    const cols = [["name", "Unit"], ["first", `Score ${FIRST}`], ["last", `Score ${LAST}`], ["change", `Change since ${FIRST}`], ["prev", `Change since ${YEARS[tp]}`]];
    if (tb >= 0) cols.push(["base", `Change since ${P.baseline}`]);
    cols.push(["r1", `Rank ${FIRST} → ${LAST}`], ["interval", `Rank interval ${LAST}`], ["move", "Movement"], ["front", "Behind the best"]);
    const key = (r) => (S.psort === "name" ? r.u.name : S.psort === "interval" ? (lo && lo[r.k] !== null ? hi[r.k] - lo[r.k] : null) : S.psort === "move" ? r.move : r[S.psort]);
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * S.pdir;
    });
    const head = el("tr", {}, cols.map(([k, label]) => el("th", { scope: "col", "aria-sort": S.psort === k ? (S.pdir > 0 ? "ascending" : "descending") : "none" },
      el("button", { text: label + (S.psort === k ? (S.pdir > 0 ? " ▲" : " ▼") : ""), onclick: () => {
        S.pdir = S.psort === k ? -S.pdir : (k === "name" || k === "r1" || k === "front" || k === "interval" ? 1 : -1); S.psort = k; progress();
      } }))));
    const MOVE = { up: "up", down: "down", "no change": "no change (within the rank intervals)" };
    const body = el("tbody", { id: "progress-body" }, rows.map((r) => el("tr", { "data-unit": r.u.code, class: r.move === "up" ? "up" : r.move === "down" ? "down" : null },
      el("td", {}, known(r.u.code) ? el("button", { class: "link", text: r.u.name, onclick: () => openProfile(r.u.code) }) : r.u.name),
      el("td", { text: f1(r.first) }), el("td", { text: f1(r.last) }), el("td", { text: signed(r.change) }), el("td", { text: signed(r.prev) }),
      tb >= 0 ? el("td", { text: signed(r.base) }) : null,
      el("td", { text: `${r.r0 ?? "–"} → ${r.r1 ?? "–"}` }),
      el("td", { text: lo && lo[r.k] !== null ? `${Math.round(lo[r.k])}–${Math.round(hi[r.k])}` : "–" }),
      el("td", { class: "move", text: r.move ? MOVE[r.move] || r.move : "–" }),
      el("td", { text: f1(r.front) }))));
    const baseNote = P.baseline !== null ? `Changes since the ${P.baseline} baseline are shown.`
      : P.baseline_pending !== null ? `The ${P.baseline_pending} baseline is not built yet; changes are shown since ${FIRST}.` : "";
    p.append(el("div", { class: "card" }, el("h2", { text: `Who is moving: ${(byCode[c] || {}).name || c}, ${FIRST}–${LAST}` }),
      el("p", { class: "muted", text: `${scaleNote()} A rank change counts as a move only when each year's rank lies outside the other year's 5–95% rank interval; smaller changes are "no change". Indicators absent in a year and breaks in a source's series (see the framework's notes) change scores too. ${baseNote}` }),
      el("div", { class: "tablewrap" }, el("table", { id: "progress-table" }, el("thead", {}, head), body))));
    if (c === target && P.movers.length) {
      const drivers = (m) => m.drivers.map(([code, v]) => `${(byCode[code] || {}).name || code} ${signed(v)}`).join("; ");
      const item = (m) => el("li", {}, el("button", { class: "link", text: (units[unitIndex[m.unit]] || { name: m.unit }).name, onclick: () => openProfile(m.unit) }),
        ` ${signed(m.change)} (rank ${m.rank_first ?? "–"} → ${m.rank_last ?? "–"}${m.movement ? ", " + (MOVE[m.movement] || m.movement) : ""}): ${drivers(m)}`);
      const mine = P.movers.filter((m) => inRegion(m.unit) && m.change !== null);
      p.append(el("div", { class: "grid" },
        el("div", { class: "card" }, el("h3", { text: `Most improved since ${FIRST}` }), el("ol", { id: "most-improved" }, mine.filter((m) => m.change > 0).slice(0, 5).map(item))),
        el("div", { class: "card" }, el("h3", { text: `Least improved since ${FIRST}` }), el("ol", {}, mine.slice(-5).reverse().map(item)))));
      p.append(el("p", { class: "muted", text: "After each name: the indicators that moved its score most, each its weight in the index times the change of its score (indicators present in both years; an approximation when the indicators present differ between the years)." }));
    }
    for (const tg of P.targets) {
      const n = byCode[tg.code] || {};
      const STATUS = { met: "met", "on track": "on track", "off track": "off track", unknown: "unknown (no earlier own value to measure a pace)" };
      const trs = tg.rows.filter((r) => inRegion(r.unit)).sort((a, b) => (a.gap ?? 1e300) - (b.gap ?? 1e300)).map((r) => el("tr", { class: ESTIMATE.includes(r.flag) ? "estimate" : null },
        el("td", {}, (units[unitIndex[r.unit]] || { name: r.unit }).name),
        el("td", { text: `${fs(r.value)}${r.data_year ? ` (${r.data_year})` : ""}${r.flag !== "observed" ? " " + (FLAG_TEXT[r.flag] || r.flag) : ""}` }),
        el("td", { text: r.first_value === null ? "–" : `${fs(r.first_value)} (${r.first_data_year})` }),
        el("td", { text: f1(r.gap) }), el("td", { text: r.pace === null ? "–" : signed(r.pace) }),
        el("td", { text: r.reaches_by ?? "–" }), el("td", { class: "status-" + r.status.replace(" ", "-"), text: STATUS[r.status] || r.status })));
      p.append(el("div", { class: "card target" }, el("h3", { text: `Target: ${n.name || tg.code} ${tg.value} by ${tg.year}${tg.met_at !== null ? ` (met from ${tg.met_at})` : ""}` }),
        el("p", { class: "source", text: "Source: " + tg.source }), tg.note ? el("p", { class: "muted", text: "Note: " + tg.note }) : null,
        el("div", { class: "tablewrap" }, el("table", { class: "targets" }, el("thead", {}, el("tr", {},
          ["Unit", "Latest value", "First value", "Gap", "Pace per year", "Reached by", `By ${tg.year}`].map((h) => el("th", { scope: "col", text: h })))), el("tbody", {}, trs))),
        el("p", { class: "muted", text: `Pace: change per year between the data years of the unit's first and latest own values; "reached by" extends it. Only the unit's own observations are read against a target, never an estimate (older or interpolated values, group estimates).` })));
    }
  }

  // ---- downloads
  // text starting with = + - @ would run as a spreadsheet formula: prefixed with '
  function csvField(v) {
    let s = v === null || v === undefined ? "" : String(v);
    if (typeof v === "string" && /^[=+\-@]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }
  function scoresCsv() {
    const codes = [...nodes].sort((a, b) => b.level - a.level).map((n) => n.code);
    const lines = [["unit", "name", ...codes.flatMap((c) => [c, c + "_rank"]), "rank_q05", "rank_q95"].map(csvField).join(",")];
    units.forEach((u, k) => {
      const iv = intervals[u.code];
      lines.push([u.code, u.name, ...codes.flatMap((c) => [score(c, k), rank(c, k)]), iv ? iv.q05 : "", iv ? iv.q95 : ""].map(csvField).join(","));
    });
    return lines.join("\n") + "\n";
  }
  function rawCsv() {
    const lines = ["unit,indicator,value,unit_of_measure,data_year,flag,detail"];
    for (const n of indicators) units.forEach((u, k) => {
      const c = cell(n.code, k);
      if (c.value !== null || c.flag) lines.push([u.code, n.code, c.value, n.unit || "", c.year, c.flag, c.detail].map(csvField).join(","));
    });
    return lines.join("\n") + "\n";
  }
  function progressCsv() {
    const lines = [["unit", "name", "code", "year", "score", "rank", "rank_q05", "rank_q95", "movement_since_" + FIRST].join(",")];
    for (const c of Object.keys(P.scores)) YEARS.forEach((y, t) => PU.forEach((u, k) => {
      const v = P.scores[c][t][k];
      if (v === null) return;
      lines.push([u.code, u.name, c, y, v, P.ranks[c][t][k], (P.low[c] || [])[t]?.[k], (P.high[c] || [])[t]?.[k], (P.movement[c] || [])[t]?.[k]].map(csvField).join(","));
    }));
    return lines.join("\n") + "\n";
  }
  function downloads() {
    // the latest year's scores, re-weighted if so (not a past year chosen elsewhere)
    const shown = current;
    const reweighted = current !== yearView(S.year);
    if (!reweighted) current = nominal;
    try { downloadsOf(reweighted); } finally { current = shown; }
  }
  function downloadsOf(reweighted) {
    const p = $("downloads");
    p.replaceChildren();
    const blobLink = (name, type, text, label) => el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name, text: label });
    const items = [
      blobLink(`${M.id}-scores.csv`, "text/csv", scoresCsv(), "Scores and ranks (CSV)"),
      blobLink(`${M.id}-data.csv`, "text/csv", rawCsv(), "Indicator data as used, with year and provenance (CSV, long)"),
      blobLink(`${M.id}.json`, "application/json", JSON.stringify(M, null, 1), "Everything on these pages (JSON)"),
    ];
    if (P) items.splice(1, 0, blobLink(`${M.id}-years.csv`, "text/csv", progressCsv(), `Index and pillars in every year, ${FIRST}–${LAST}, with ranks, rank intervals and movement (CSV)`));
    if (C.xlsx) items.push(el("a", { href: "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64," + C.xlsx, download: `${M.id}.xlsx`, text: "Workbook (XLSX)" }));
    if (C.api) items.push(el("a", { href: C.api + "/workbook.xlsx", text: "Workbook (XLSX)" }), el("a", { href: C.api + "/scores.csv", text: "Scores from the API (CSV)" }));
    p.append(el("ul", { id: "download-list" }, items.map((a) => el("li", {}, a))));
    if (reweighted) p.append(el("p", { class: "muted", text: "Downloads reflect the weights currently set." }));
  }

  Object.assign(renderers, { ranking, map, profile, compare, method, claims, downloads }, P ? { progress } : {});
  // the address names the tab (and the profile's unit): #profile/IRN
  function route() {
    const [path, query] = (location.hash || "#ranking").slice(1).split("?");
    const [tab, unit] = path.split("/");
    if (unit && Object.hasOwn(unitIndex, unit)) S.unit = unit;
    const q = new URLSearchParams(query || "");
    const region = q.get("region");
    S.region = region && regions.some((r) => r.id === region) ? region : "";
    const year = Number(q.get("year"));
    S.year = P && YEARS.includes(year) ? year : LAST;
    current = yearView(S.year);
    const v = q.get("var");
    if (v && byCode[v]) S.mapVar = v;
    const list = (q.get("units") || "").split(",").filter((c) => Object.hasOwn(unitIndex, c));
    if (list.length) S.compare = list.filter((c, i) => list.indexOf(c) === i).slice(0, 4);
    let reweighted = false;
    for (const part of (q.get("w") || "").split(",").filter(Boolean)) {
      const [code, w] = part.split(":");
      const x = Number(w);
      if (C.api && Object.hasOwn(weights, code) && Number.isFinite(x) && x >= 0 && x <= 5) { weights[code] = x; reweighted = true; }
    }
    if (reweighted) S.year = LAST;
    show(Object.hasOwn(renderers, tab) ? tab : "ranking");
    if (reweighted && reweigh) reweigh();
  }
  window.addEventListener("hashchange", route);
  route();
})();
