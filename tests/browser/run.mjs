// End-to-end tests of the report (opened from disk, network off) and the
// served dashboard (a weight slider moves the ranking), in Debian's
// headless Chromium driven by playwright-core. Screenshots land in
// target/browser-artifacts/.
//
//   node tests/browser/run.mjs [path/to/digindex]   (default target/debug/digindex)
import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = resolve(process.argv[2] || join(root, "target/debug/digindex"));
const artifacts = join(root, "target/browser-artifacts");
mkdirSync(artifacts, { recursive: true });
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} not found: install Debian's chromium (apt-get install chromium)`);

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
};

// Chromium has been seen to crash while starting (SIGSEGV before any page,
// once in a dozen runs here); a start is retried, a test is never.
async function launch() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await chromium.launch({
        executablePath: chromiumPath,
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      });
    } catch (e) {
      if (attempt === 3) throw e;
      console.log(`chromium did not start (attempt ${attempt}): ${String(e).split("\n")[0]}; trying again`);
    }
  }
}
const browser = await launch();

// axe-core (npm) checks each page against WCAG 2 A/AA rules
const axeSource = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "node_modules/axe-core/axe.min.js"), "utf8");
async function accessibility(page, where) {
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(async () => await axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] }));
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `${where}: no serious WCAG 2 A/AA violations (axe-core)${bad.map((v) => ` ${v.id}: ${v.nodes[0].target}`).join(";")}`);
}

async function newPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  return { page, errors };
}

// ---- 1. the report, from disk, with the network off
{
  const out = mkdtempSync(join(tmpdir(), "digindex-report-"));
  execFileSync(bin, ["report", "frameworks/tokyo-statement", "--out", join(out, "r"), "-q"], { cwd: root, stdio: "inherit" });
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
  const requests = [];
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith("file:") || u.startsWith("blob:") || u.startsWith("data:")) return route.continue();
    requests.push(u);
    return route.abort();
  });
  const { page, errors } = await newPage(context);
  await page.goto(pathToFileURL(join(out, "r", "report.html")).href);
  await page.waitForSelector("#ranking-body tr");
  const rows = await page.locator("#ranking-body tr").count();
  const model = JSON.parse(readFileSync(join(out, "r", "report.json"), "utf8"));
  check(rows === model.units.length && rows >= 30 && rows < 38, `ranking table shows the ${model.units.length} members with enough observed data (${rows})`);
  check((await page.locator("#interval-head").textContent()).startsWith("Rank interval (5–95%)"), "the interval column is labelled for the recipe's weights");
  const first = await page.locator("#ranking-body tr").first().getAttribute("data-unit");
  check(first === "SGP", `first row is the top-ranked unit (${first})`);
  // honest numbers: the year the ranking is of in the title; a marker where a unit's values include estimates
  const lastYear = model.progress.years[model.progress.years.length - 1];
  const heading = await page.locator("#title").textContent();
  check(heading.endsWith(`, ${lastYear}`) && (await page.title()).endsWith(`, ${lastYear}`), `the title names the year (${heading})`);
  const withEstimates = model.estimated.filter((e, k) => e && e.estimated > 0 && model.ranks.Tokyo[k] !== null).length;
  const markers = await page.locator("#ranking-body [data-estimates]").count();
  check(markers === withEstimates && markers > 0, `every ranked unit with estimated values carries a marker (${markers} of ${withEstimates})`);
  await page.screenshot({ path: join(artifacts, "report-ranking.png"), fullPage: true });
  // sorting by name and searching
  await page.getByRole("button", { name: /^Unit/ }).click();
  const byName = await page.locator("#ranking-body tr td:nth-child(2) button").first().textContent();
  check(byName === "Afghanistan", `sorting by name puts Afghanistan first (${byName})`);
  await page.getByLabel("Search units").fill("iran");
  check((await page.locator("#ranking-body tr").count()) === 1, "search narrows the table to Iran");
  await page.getByLabel("Search units").fill("");
  await page.locator("#ranking").getByLabel("Region set").selectOption("asean");
  const asean = await page.locator("#ranking-body tr").count();
  check(asean === 10, `the ASEAN filter leaves 10 rows (${asean})`);
  await page.locator("#ranking").getByLabel("Region set").selectOption("");
  // a series: one line per member over the years, and a year selector
  const P = model.progress, years = P.years, last = years[years.length - 1];
  check(years.length >= 6 && years[0] === 2019, `the flagship is a series from 2019 (${years.join(", ")})`);
  const sparks = await page.locator("#ranking-body svg.spark").count();
  const withTwo = model.units.filter((u, k) => P.scores.Tokyo.filter((y) => y[k] !== null).length >= 2).length;
  check(sparks === withTwo && sparks >= 30, `the ranking draws each member's index over the years (${sparks} lines)`);
  const topScore = async () => Number((await page.locator('#ranking-body tr[data-unit="SGP"]').locator("td").nth(2).textContent()));
  const latestTop = await topScore();
  await page.locator("#ranking-year").selectOption(String(years[0]));
  const k0 = model.units.findIndex((u) => u.code === "SGP");
  const firstTop = await topScore();
  check(Math.abs(firstTop - P.scores.Tokyo[0][k0]) < 0.051 && firstTop !== latestTop, `choosing ${years[0]} shows that year's ranking (SGP ${firstTop}, ${latestTop} in ${last})`);
  const ranked0 = P.ranks.Tokyo[0].filter((r) => r !== null).length;
  check((await page.locator("#ranking-status").textContent()).includes(`${ranked0} ranked in ${years[0]}`), `the status says how many are ranked that year (${ranked0})`);
  check((await page.locator("#ranking-table thead").textContent()).includes(`Score ${years[0]}`), "the score column names the year");
  await page.locator("#ranking-year").selectOption(String(last));
  // the map
  await page.getByRole("tab", { name: "Map" }).click();
  await page.waitForSelector("#map-svg");
  await page.locator("#map").getByLabel("Region set").selectOption("");
  const drawn = new Set(await page.locator("#map-svg path[data-unit]").evaluateAll((ps) => ps.map((p) => p.dataset.unit))).size;
  const filled = await page.locator("#map-svg path[data-unit][fill]").count();
  const unshaped = await page.locator("#map-missing button").count();
  check(drawn + unshaped === rows && filled >= 30, `map draws every member or lists it under the map (${drawn} drawn, ${filled} shapes coloured, ${unshaped} listed)`);
  await page.screenshot({ path: join(artifacts, "report-map.png"), fullPage: true });
  check((await page.locator("#map-legend strong").textContent()).includes("score"), "the legend says the index is shown as scores");
  check((await page.locator('#map-svg [data-unit="AUS"][tabindex="0"]').count()) === 1, "a unit with several shapes takes one tab stop (Australia)");
  await page.locator("#zoom-in").click();
  const vbIn = (await page.locator("#map-svg").getAttribute("viewBox")).split(" ").map(Number);
  await page.locator("#zoom-reset").click();
  const vbAll = (await page.locator("#map-svg").getAttribute("viewBox")).split(" ").map(Number);
  check(vbIn[2] === vbAll[2] / 2 && vbAll[0] === 0, `the map zooms in and back (${vbIn.join(" ")} → ${vbAll.join(" ")})`);
  // colouring by an indicator shows its values as used, in its unit, with the year
  await page.locator("#map").getByLabel("Colour by").selectOption("internet_users");
  const legend = await page.locator("#map-legend").textContent();
  const iu = model.nodes.find((n) => n.code === "internet_users");
  check(legend.includes(iu.name) && legend.split(`(${iu.unit})`).length === 2 && legend.includes("values as used"), `the legend has the indicator's name and unit (${legend})`);
  const kIrn = model.units.findIndex((u) => u.code === "IRN");
  const irnTip = await page.locator('#map-svg path[data-unit="IRN"] title').textContent();
  const irnUsed = model.values.internet_users;
  check(irnTip.includes(iu.unit) && irnTip.includes(`(${irnUsed.year[kIrn]}`) && irnTip.includes(String(Number(irnUsed.value[kIrn].toPrecision(3)))),
    `a shape's tooltip gives the value as used with its unit and year (${irnTip}; ${irnUsed.value[kIrn]} in ${irnUsed.year[kIrn]})`);
  await page.screenshot({ path: join(artifacts, "report-map-indicator.png"), fullPage: true });
  await page.locator("#map").getByLabel("Colour by").selectOption(model.target);
  await page.locator("#map-year").selectOption(String(years[1]));
  const mapLabel = await page.locator("#map-svg").getAttribute("aria-label");
  const filledThen = await page.locator("#map-svg path[data-unit][fill]").count();
  check(mapLabel.endsWith(String(years[1])) && filledThen >= 30, `the map shows another year when chosen (${mapLabel}, ${filledThen} coloured)`);
  await page.locator("#map-year").selectOption(String(last));
  // a country profile, from the map by keyboard
  await page.locator('#map-svg path[data-unit="IRN"]').focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("#profile-name");
  check((await page.locator("#profile-name").textContent()) === "Iran", "Enter on Iran's shape opens its profile");
  const profileText = await page.locator("#profile").textContent();
  check(/rank interval \d+–\d+/.test(profileText) && profileText.includes("Strongest indicators"), "profile shows the rank interval and strongest/weakest indicators");
  const pillarRanks = await page.locator("#profile-pillars tr td:nth-child(3)").allTextContents();
  check(pillarRanks.length === model.nodes.filter((n) => n.level === 2).length && pillarRanks.every((t) => /^\d+ of \d+$|^–$/.test(t)),
    `the profile gives each pillar's rank (${pillarRanks.join("; ")})`);
  const valueRows = await page.locator("#profile-values tbody tr").count();
  const indicators = model.nodes.filter((n) => n.level === 1).length;
  check(valueRows === indicators, `profile lists every indicator with its value, year and provenance (${valueRows} of ${indicators})`);
  const irnYear = await page.locator("#profile-values tbody tr").first().locator("td").nth(3).textContent();
  check(/^20\d\d$/.test(irnYear), `each value shows its data year (${irnYear})`);
  // a value divided by population: the value as used, in the unit as used, with the source's total and the division beside it
  const divided = model.nodes.find((n) => n.code === "ncses_ai_articles_whole");
  const kP = model.units.findIndex((u) => u.code === "IRN");
  const dRow = page.locator("#profile-values tbody tr").nth(model.nodes.filter((n) => n.level === 1).findIndex((n) => n.code === divided.code));
  const [dValue, dUnit, dYear, dHow] = await Promise.all([1, 2, 3, 6].map((i) => dRow.locator("td").nth(i).textContent()));
  const asUsed = model.values[divided.code];
  const fmt3 = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 3 });
  check(dValue === fmt3.format(asUsed.value[kP]) && dUnit === divided.unit && /per million/.test(dUnit) && dYear === String(asUsed.year[kP]) && dHow.includes("÷ population"),
    `a per-person value is shown per person, as the build used it, with the division (${dValue} ${dUnit} ${dYear}; ${dHow.slice(0, 60)})`);
  await page.screenshot({ path: join(artifacts, "report-profile.png"), fullPage: true });
  const lines = await page.locator("#profile-trend polyline").count();
  const points = await page.locator("#profile-trend circle.index-point").count();
  const pillarCount = model.nodes.filter((n) => n.parent === model.target).length;
  check(lines === 1 + pillarCount && points === years.length, `the profile draws the index and each priority by year (${lines} lines, ${points} index points)`);
  // progress: who is moving, and the official targets
  await page.getByRole("tab", { name: "Progress" }).click();
  await page.waitForSelector("#progress-body tr");
  const progressRows = await page.locator("#progress-body tr").count();
  check(progressRows === model.units.length, `the progress table lists every member (${progressRows})`);
  const moves = await page.locator("#progress-body td.move").allTextContents();
  const read = moves.filter((m) => /^(up|down|no change)/.test(m)).length;
  check(read >= 30 && moves.some((m) => m.startsWith("no change (within the rank intervals)")), `each member's move is read against the rank intervals (${read})`);
  const firstChange = await page.locator("#progress-body tr").first().locator("td").nth(3).textContent();
  const changes = model.units.map((u, k) => (P.scores.Tokyo[0][k] === null || P.scores.Tokyo[years.length - 1][k] === null ? null : P.scores.Tokyo[years.length - 1][k] - P.scores.Tokyo[0][k])).filter((c) => c !== null);
  check(Math.abs(Number(firstChange.replace("+", "").replace("−", "-")) - Math.max(...changes)) < 0.051, `sorted by change since ${years[0]}, largest first (${firstChange})`);
  check((await page.locator("#most-improved li").count()) >= 3, "the most improved are listed with the indicators that moved them");
  const targets = await page.locator(".card.target").count();
  const sources = await page.locator(".card.target p.source").allTextContents();
  check(targets === P.targets.length && targets >= 1 && sources.every((t) => t.includes("ITU") && t.includes("https://")), `each official target is shown with its source (${targets})`);
  const baseline = await page.locator("#progress").textContent();
  check(baseline.includes("2025 baseline is not built yet"), "the page says the 2025 baseline is not built yet");
  await page.screenshot({ path: join(artifacts, "report-progress.png"), fullPage: true });
  // method and claims
  await page.getByRole("tab", { name: "Method" }).click();
  check((await page.locator("#framework-tree li").count()) === model.nodes.length, "method shows the framework tree");
  const methodText = await page.locator("#method").textContent();
  check(methodText.includes("Units not ranked") && methodText.includes("NRU"), "method names the members not ranked, and why");
  check((await page.locator("#corrections tbody tr").count()) > 0, "method lists the corrections of source values");
  check((await page.locator("#corr-chart rect").count()) >= 10, "method shows the correlation chart");
  const alphaBars = await page.locator("#alpha-chart rect").count();
  check(alphaBars === 7, `method shows Cronbach's alpha of the index and its 6 pillars (${alphaBars} bars)`);
  // for readers: negative values drawn, labels inside the chart, what each alpha means, the recipe as a table
  const bars = await page.locator("#alpha-chart rect.alpha-bar").evaluateAll((rs) => rs.map((r) => ({ x: Number(r.getAttribute("x")), w: Number(r.getAttribute("width")), code: r.dataset.code })));
  const zeroX = await page.locator("#alpha-chart line").first().getAttribute("x1");
  const negatives = model.coherence.alphas.filter((a) => a.alpha !== null && a.alpha < 0).map((a) => a.code);
  check(bars.every((b) => b.w > 0) && negatives.every((c) => bars.some((b) => b.code === c && b.x + b.w <= Number(zeroX) + 0.01)),
    `every alpha is drawn, negative ones to the left of zero (${negatives.join(", ") || "none negative"})`);
  const outside = await page.evaluate(() => [...document.querySelectorAll("#corr-chart text, #alpha-chart text")].filter((t) => t.getBBox().x < 0).length);
  check(outside === 0, `chart labels fit inside their charts (${outside} cut off)`);
  const meanings = await page.locator("#alphas tbody tr td:nth-child(4)").allTextContents();
  check(meanings.length === model.coherence.alphas.length && meanings.every((m) => m.length > 20), "each alpha is explained in plain words");
  check((await page.locator("#recipe-table tbody tr").count()) === 6 && (await page.locator("#recipe-toml").textContent()).includes("[aggregate]"), "the recipe is a table of steps, with the TOML beside");
  const pageText = await page.locator("main").textContent();
  check(!/\bdigindex (build|check|audit|report|serve|data)\b|\bRun a\b/.test(pageText), "no command-line instruction on the page");
  await page.getByRole("tab", { name: "Claims" }).click();
  const claims = await page.locator("article.claim").count();
  check(claims === 4, `claims page shows the 4 claims (${claims})`);
  const papers = await page.locator("article.claim").first().textContent();
  check(papers.includes("cannot be checked") && papers.includes("Latest evidence (2020)"), "a claim the data cannot check says so, with the latest evidence");
  const green = await page.locator("article.claim .verdict.holds").count();
  const minority = await page.locator("article.claim .verdict.some, article.claim .verdict.fails").count();
  check(green === 0 && minority >= 2, `no claim held by a minority of readings is shown green (${green} green, ${minority} some/none)`);
  await page.screenshot({ path: join(artifacts, "report-claims.png"), fullPage: true });
  await page.getByRole("tab", { name: "Downloads" }).click();
  const links = await page.locator("#download-list a").count();
  check(links === 5, `downloads: CSV, every year's CSV, data, JSON and XLSX (${links})`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download-list a", { hasText: "every year" }).click()]);
  const csvText = readFileSync(await download.path(), "utf8");
  // unit,name,code,year,...: a name may be quoted and hold commas
  const fields = (l) => [...l.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]);
  const csvYears = new Set(csvText.trim().split("\n").slice(1).map((l) => fields(l)[3]));
  check(years.every((y) => csvYears.has(String(y))), `the every-year download holds ${[...csvYears].join(", ")}`);
  // compare: three units side by side, from the address; the address follows the choice
  const reportUrl = pathToFileURL(join(out, "r", "report.html")).href;
  await page.goto(reportUrl + "#compare?units=IRN,PAK,IND");
  await page.waitForSelector("#compare-pillars");
  const compareHeads = await page.locator("#compare-pillars thead th").allTextContents();
  check(compareHeads.slice(1).join("|") === "Iran|Pakistan|India", `compare shows the three units named in the address (${compareHeads.join(" | ")})`);
  const pillarRows = await page.locator("#compare-pillars tbody tr").count();
  check(pillarRows === 1 + model.nodes.filter((n) => n.parent === model.target).length, `compare lists the index and every pillar (${pillarRows})`);
  const indRows = await page.locator("#compare-indicators tbody tr").count();
  check(indRows === model.nodes.filter((n) => n.level === 1).length, `compare lists every indicator (${indRows})`);
  const kI = model.units.findIndex((u) => u.code === "IRN");
  const ind0 = model.nodes.filter((n) => n.level === 1)[0].code;
  const irnCell = await page.locator(`#compare-indicators tr[data-code="${ind0}"] td`).first().textContent();
  const used = model.values[ind0];
  check(irnCell.includes(`(${used.year[kI]})`) && irnCell.includes(String(Number(used.value[kI].toPrecision(3)))), `compare gives the value as used and its year (${irnCell})`);
  await accessibility(page, "report Compare");
  await page.screenshot({ path: join(artifacts, "report-compare.png"), fullPage: true });
  await page.locator("#compare-3").selectOption("SGP");
  check(/^#compare\?units=IRN,PAK,IND,SGP$/.test(await page.evaluate(() => location.hash)), `the address follows the units compared (${await page.evaluate(() => location.hash)})`);
  // a shared address restores region and year; ranks within the region stand beside the overall rank
  await page.goto(reportUrl + `#ranking?region=asean&year=${years[1]}`);
  await page.waitForSelector("#ranking-body tr");
  check((await page.locator("#ranking").getByLabel("Region set").inputValue()) === "asean" && (await page.locator("#ranking-year").inputValue()) === String(years[1]),
    "an address with region and year restores both");
  const rranks = (await page.locator("#ranking-body td.rrank").allTextContents()).map(Number).sort((a, b) => a - b);
  check(rranks.length > 0 && rranks.every((r, i) => r === i + 1), `ranks within ASEAN run 1..${rranks.length} beside the overall rank`);
  // printing: a multi-page document with every pillar column
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: 1030, height: 720 });
  const fit = await page.evaluate(() => {
    const t = document.getElementById("print-ranking");
    const ths = [...t.querySelectorAll("thead th")];
    return { shown: getComputedStyle(document.querySelector("main")).display === "none" && t.offsetWidth > 0,
      overflow: t.scrollWidth - t.parentElement.clientWidth, cols: ths.length, hidden: ths.filter((h) => h.offsetWidth === 0 || h.getBoundingClientRect().right > window.innerWidth).length,
      profiles: document.querySelectorAll(".print-profile").length };
  });
  const nPillars = model.nodes.filter((n) => n.parent === model.target).length;
  check(fit.shown && fit.overflow <= 0 && fit.hidden === 0 && fit.cols === 4 + nPillars, `the print edition's ranking has every pillar column within the page (${JSON.stringify(fit)})`);
  const pdf = await page.pdf({ format: "A4", landscape: true });
  writeFileSync(join(artifacts, "report-print.pdf"), pdf);
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  check(pdf.subarray(0, 5).toString() === "%PDF-" && pages >= 1 + fit.profiles && fit.profiles === rows, `printing gives a PDF of ${pages} pages: title, method, ranking, ${fit.profiles} profiles`);
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(reportUrl + "#ranking");
  await page.waitForSelector("#ranking-body tr");
  for (const tab of ["Ranking", "Map", "Country profile", "Compare", "Progress", "Method", "Claims", "Downloads"]) {
    await page.getByRole("tab", { name: tab }).click();
    await accessibility(page, `report ${tab}`);
  }
  // keyboard: arrows move between tabs
  await page.getByRole("tab", { name: "Downloads" }).focus();
  await page.keyboard.press("ArrowLeft");
  check((await page.getByRole("tab", { name: "Claims" }).getAttribute("aria-selected")) === "true", "ArrowLeft moves to the previous tab");
  // a laptop: the ranking fits without sideways scrolling
  await page.setViewportSize({ width: 1366, height: 800 });
  await page.getByRole("tab", { name: "Ranking" }).click();
  const wide = await page.evaluate(() => { const w = document.querySelector("#ranking .tablewrap"); return w.scrollWidth - w.clientWidth; });
  check(wide <= 1, `at 1366 px the ranking has every column without scrolling sideways (${wide}px over)`);
  // phone width
  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole("tab", { name: "Ranking" }).click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `no sideways scrolling of the page at phone width (${overflow}px)`);
  check(await page.locator("#interval-head").isVisible(), "the rank interval column stays at phone width");
  await page.getByRole("tab", { name: "Country profile" }).click();
  const phone = await page.evaluate(() => {
    const rows = [...document.querySelectorAll("#profile-values tbody tr")];
    return { block: rows.every((r) => getComputedStyle(r).display === "block"), labelled: getComputedStyle(rows[0].cells[1], "::before").content.includes("Value"),
      tallest: Math.max(...rows.map((r) => r.offsetHeight)), wide: Math.max(...rows.map((r) => r.scrollWidth - r.clientWidth)) };
  });
  check(phone.block && phone.labelled && phone.wide <= 1 && phone.tallest < 320, `at phone width each indicator of the profile is one labelled block (${JSON.stringify(phone)})`);
  for (const [tab, shot] of [["Country profile", "report-phone-profile"], ["Compare", "report-phone-compare"], ["Map", "report-phone-map"]]) {
    await page.getByRole("tab", { name: tab }).click();
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(over <= 1, `${tab} at phone width: nothing cut off, tables scroll in place (${over}px)`);
    await page.screenshot({ path: join(artifacts, shot + ".png"), fullPage: true });
  }
  await page.getByRole("tab", { name: "Ranking" }).click();
  await page.screenshot({ path: join(artifacts, "report-phone.png"), fullPage: true });
  // the address picks the tab, also when only the fragment changes
  await page.evaluate(() => { location.hash = "#method"; });
  await page.waitForSelector("#framework-tree");
  check(!(await page.locator("#method").isHidden()), "changing the address's fragment to #method shows the method");
  // odd addresses fall back to the ranking
  await page.goto(pathToFileURL(join(out, "r", "report.html")).href + "#constructor");
  await page.waitForFunction(() => location.hash === "#ranking");
  await page.goto(pathToFileURL(join(out, "r", "report.html")).href + "#profile/constructor");
  await page.waitForFunction(() => /^#profile\/[A-Z]{3}$/.test(location.hash));
  await page.reload();
  await page.waitForSelector("#profile-name");
  check((await page.locator("#profile-name").textContent()).length > 0, "#profile/constructor shows a real profile, no error");
  check(requests.length === 0, `no request left the page (${requests.join(", ")})`);
  check(errors.length === 0, `no script errors (${errors.join("; ")})`);
  await context.close();
}

// ---- 2. a sensitivity analysis (ASEM) and a several-year build (trend)
{
  const out = mkdtempSync(join(tmpdir(), "digindex-report-"));
  execFileSync(bin, ["report", "examples/asem/asem.toml", "--out", join(out, "asem"), "-q"], { cwd: root, stdio: "inherit" });
  execFileSync(bin, ["report", "examples/apt-connectivity/apt-connectivity.toml", "--set", "data.years=[2019,2020,2021,2022]", "--out", join(out, "years"), "-q"], { cwd: root, stdio: "inherit" });
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
  const { page, errors } = await newPage(context);
  await page.goto(pathToFileURL(join(out, "asem", "report.html")).href + "#method");
  await page.waitForSelector("#sobol-chart");
  const bars = await page.locator("#sobol-chart rect").count();
  check(bars === 8, `ASEM's Sobol chart shows total and first-order bars of its 4 inputs (${bars})`);
  await page.screenshot({ path: join(artifacts, "report-sensitivity.png"), fullPage: true });
  // a unit whose score rests on more than a third estimates is marked
  execFileSync(bin, ["report", "frameworks/tokyo-statement", "--set", "screen.min_coverage=0.6", "--out", join(out, "loose"), "-q"], { cwd: root, stdio: "inherit" });
  await page.goto(pathToFileURL(join(out, "loose", "report.html")).href + "#ranking");
  await page.waitForSelector("#ranking-body tr");
  const marked = await page.locator('#ranking-body tr[data-unit="PLW"] .est').count();
  check(marked === 1, "a member resting on estimates is marked in the ranking (Palau at 60% coverage)");
  await page.goto(pathToFileURL(join(out, "loose", "report.html")).href + "#profile/PLW");
  await page.waitForSelector("#profile-name");
  check((await page.locator("#profile-estimates").count()) === 1, "and cautioned in its profile");
  const strengths = await page.locator("#profile .grid").textContent();
  const loose = JSON.parse(readFileSync(join(out, "loose", "report.json"), "utf8"));
  const k = loose.units.findIndex((u) => u.code === "PLW");
  const estimated = loose.nodes.filter((n) => n.level === 1 && ["older", "interpolated", "imputed"].includes(loose.values[n.code].flag[k]));
  check(estimated.length >= 7 && strengths.length > 0 && estimated.every((n) => !strengths.includes(n.name + ":")),
    `its strengths and weaknesses list none of its ${estimated.length} estimated values`);
  await page.goto(pathToFileURL(join(out, "years", "report.html")).href + "#profile/IRN");
  await page.waitForSelector("#profile-name");
  const points = await page.locator("#profile svg circle").count();
  check(points === 4, `a four-year build shows Iran's index score by year (${points} points)`);
  await page.screenshot({ path: join(artifacts, "report-trend.png"), fullPage: true });
  check(errors.length === 0, `no script errors (${errors.join("; ")})`);
  await context.close();
}

// ---- 3. the served dashboard: a weight slider changes the ranking
{
  const server = spawn(bin, ["serve", "frameworks/tokyo-statement", "--addr", "127.0.0.1:0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((ok, fail) => {
    let text = "";
    const timer = setTimeout(() => fail(new Error("the server did not start in 60 s")), 60000);
    server.stdout.on("data", (d) => {
      text += d;
      const m = text.match(/serving (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    server.on("exit", (c) => fail(new Error(`the server exited (${c})`)));
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await newPage(context);
  await page.goto(url);
  await page.waitForSelector("#ranking-body tr");
  const order = async () => (await page.locator("#ranking-body tr").evaluateAll((rs) => rs.map((r) => r.dataset.unit))).join(" ");
  const before = await order();
  await page.screenshot({ path: join(artifacts, "dashboard-before.png"), fullPage: true });
  await page.locator('input[data-code="Sustainability"]').fill("5");
  await page.waitForFunction(() => /units moved/.test(document.getElementById("movers")?.textContent || ""), null, { timeout: 10000 });
  const after = await order();
  check(before !== after, "moving the Sustainability weight slider reorders the ranking");
  await accessibility(page, "dashboard with sliders");
  const movers = await page.locator("#movers").textContent();
  check(/^\d+ units moved/.test(movers), `the page says who moved (${movers})`);
  const moverCount = Number(movers.match(/^(\d+)/)[1]);
  check((await page.locator("#movers-list li").count()) === moverCount, `every unit that moved is listed (${moverCount})`);
  const shared = await page.evaluate(() => location.href);
  check(/[#&?]w=Sustainability:5/.test(shared), `the address holds the weights (${shared.split("#")[1]})`);
  // the shared address, opened afresh, restores the weights and the ranking
  const page2 = await context.newPage();
  await page2.goto(shared);
  await page2.waitForFunction(() => /units moved/.test(document.getElementById("movers")?.textContent || ""), null, { timeout: 10000 });
  const order2 = (await page2.locator("#ranking-body tr").evaluateAll((rs) => rs.map((r) => r.dataset.unit))).join(" ");
  check((await page2.locator('input[data-code="Sustainability"]').inputValue()) === "5" && order2 === await order(), "a shared address restores the weights and their ranking");
  await page2.close();
  // an indicator's weight, within its pillar: the ranking moves and the address keeps it
  await page.locator('details.ind-weights[data-pillar="Connectivity"] summary').click();
  await page.locator('input[data-code="internet_users"]').fill("0");
  await page.waitForFunction(() => /[#&?]w=.*internet_users:0/.test(location.hash), null, { timeout: 10000 });
  await page.waitForFunction(() => /units moved/.test(document.getElementById("movers")?.textContent || ""), null, { timeout: 10000 });
  check(/internet_users:0/.test(await page.evaluate(() => location.hash)), "an indicator's weight is set within its pillar and kept in the address");
  await page.locator('input[data-code="internet_users"]').fill("1");
  check((await page.locator("#interval-head").textContent()).includes("recipe's weights"), "the interval column says it is for the recipe's weights");
  // several quick moves: the last one wins
  for (const v of ["1", "3", "0.5", "5"]) await page.locator('input[data-code="Sustainability"]').fill(v);
  await page.waitForTimeout(800);
  check((await order()) === after, "after quick slider moves the ranking is the last weights' one");
  await page.screenshot({ path: join(artifacts, "dashboard-after.png"), fullPage: true });
  // a claim checked on request
  await page.getByRole("tab", { name: "Claims" }).click();
  await page.getByLabel("Claim", { exact: true }).fill("Iran ranks 2nd in AI papers in the Middle East (2022)");
  await page.getByRole("button", { name: "Check" }).click();
  await page.waitForSelector("#claim-result article.claim");
  const verdict = await page.locator("#claim-result article.claim").textContent();
  check(/holds in .*checkable reading/.test(verdict) && verdict.includes("ahead: TUR 1,659"), `a claim typed in plain words in the dashboard is checked, with the evidence (${verdict.slice(0, 120)})`);
  await page.screenshot({ path: join(artifacts, "dashboard-claim.png"), fullPage: true });
  // a claim about the index shown, in plain words
  await page.getByLabel("Claim", { exact: true }).fill("Iran ranks 20th on the index");
  await page.getByRole("button", { name: "Check" }).click();
  await page.waitForFunction(() => /index:|Cannot check/.test(document.querySelector("#claim-result")?.textContent || ""), null, { timeout: 60000 });
  const onIndex = await page.locator("#claim-result article.claim").textContent();
  check(onIndex.includes("index:tokyo-statement") && /holds|fails/.test(onIndex), `a claim about the index shown is checked on it (${onIndex.slice(0, 100)})`);
  // a sentence that cannot be read: said on the page, no error in the console, no command to run
  await page.getByLabel("Claim", { exact: true }).fill("Iran is great");
  await page.getByRole("button", { name: "Check" }).click();
  await page.waitForSelector("#claim-result p.fails");
  const cannot = await page.locator("#claim-result").textContent();
  check(cannot.startsWith("Cannot check it") && !/digindex (data|check)/.test(cannot), `an unreadable claim is explained without a command (${cannot.slice(0, 90)})`);
  await page.getByRole("tab", { name: "Ranking" }).click();
  await page.getByRole("button", { name: "Reset to the recipe's weights" }).click();
  check((await order()) === before, "reset restores the recipe's ranking");
  // an earlier year, then a weight moved: re-weighting is of the latest year,
  // and the page goes back to it, saying so
  const latestYear = await page.locator("#ranking-year option").first().getAttribute("value");
  await page.locator("#ranking-year").selectOption("2019");
  check((await page.locator("#score-head").textContent()).startsWith("Score 2019"), "the dashboard shows 2019 when chosen");
  await page.locator('input[data-code="Sustainability"]').fill("4");
  await page.waitForFunction(() => /units moved/.test(document.getElementById("movers")?.textContent || ""), null, { timeout: 10000 });
  const yearNow = await page.locator("#ranking-year").inputValue();
  const head = await page.locator("#score-head").textContent();
  check(yearNow === latestYear && head.startsWith(`Score ${latestYear}`), `re-weighting goes back to the latest year (${yearNow}, "${head}")`);
  await page.getByRole("button", { name: "Reset to the recipe's weights" }).click();
  check((await order()) === before, "and reset restores the recipe's ranking");
  check(errors.length === 0, `no script errors (${errors.join("; ")})`);
  await context.close();
  server.kill("SIGINT");
  const code = await new Promise((ok) => server.on("exit", (c, s) => ok(c ?? s)));
  check(code === 0, `Ctrl-C stops the server cleanly (exit ${code})`);
}

await browser.close();
console.log(failures ? `${failures} browser checks failed` : "all browser checks passed");
process.exit(failures ? 1 : 0);
