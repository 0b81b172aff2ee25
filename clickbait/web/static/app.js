// The newsroom page: talks to the JSON API of the same server (/v1/*). No build step, no libraries.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const pct = new Intl.NumberFormat("ro-RO", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat("ro-RO");
  const signed = new Intl.NumberFormat("ro-RO", { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: "always" });
  const dateFmt = new Intl.DateTimeFormat("ro-RO", { day: "numeric", month: "long", year: "numeric" });

  const TOKEN_KEY = "clickbait-token";
  const BATCH = 2000; // headlines per request in list mode (the server takes up to 10,000)
  const MAX_FILE = 1000000;
  const DEBOUNCE_MS = 250;
  // Structure markers the model adds to the text it sees (sentence starts, questions, colons).
  const MARKERS = {
    xxbos: "⟨început⟩",
    xxeos: "⟨sfârșit⟩",
    xxs: "⟨frază nouă⟩",
    xxq: "⟨după „?”⟩",
    xxcolon: "⟨după „:”⟩",
  };
  const REASONS = { blank: "titlu gol", "no words": "niciun cuvânt de evaluat", "tag only": "doar o etichetă de rubrică" };
  const SECTIONS = { article: "articol", recommended: "recomandări", rail: "„Citește și”", partner: "parteneri" };

  const own = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const label = (table, key) => (key !== null && key !== undefined && own(table, key) ? table[key] : key);

  let token = "";
  try { token = sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { token = ""; }
  let card = null;
  let threshold = null;
  let foldDiacritics = false;
  let onAuthorised = [];

  // ---------------------------------------------------------------------------------- API
  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  function messageFor(status, data) {
    const detail = data && typeof data.error === "string" ? data.error : "";
    if (status === 401) return "Serverul cere o cheie de acces validă.";
    if (status === 413) return "Prea mult text deodată (cel mult 10.000 de titluri sau 1 MB pe cerere).";
    if (status === 408) return "Cererea a durat prea mult. Încercați din nou.";
    if (/an HTML page/.test(detail)) {
      return "Fișierul este o pagină HTML. Salvați pagina ca text (în browser: Salvare pagină ca… › Fișiere text) și încercați din nou.";
    }
    if (/a binary file/.test(detail)) return "Fișierul nu este o pagină salvată ca text.";
    if (/empty page/.test(detail)) return "Fișierul este gol.";
    if (status >= 400 && status < 500) return "Cererea nu a fost acceptată: " + detail;
    return "Eroare pe server (" + status + "). Încercați din nou.";
  }

  async function api(path, body, signal) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    let res;
    try {
      res = await fetch(path, {
        method: body === undefined ? "GET" : "POST",
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: "no-store",
      });
    } catch (e) {
      if (e && e.name === "AbortError") throw e;
      throw new ApiError(0, "Serverul nu răspunde. Verificați că „clickbait serve” rulează.");
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      if (res.status === 401) askForToken(token ? "Cheia de acces nu este corectă." : "Serverul cere o cheie de acces.");
      throw new ApiError(res.status, messageFor(res.status, data));
    }
    return data;
  }

  // ---------------------------------------------------------------------------------- token
  function askForToken(message) {
    $("auth-message").textContent = message;
    const form = $("auth");
    if (form.hidden) {
      form.hidden = false;
      $("token").focus();
    }
  }

  $("auth").addEventListener("submit", (ev) => {
    ev.preventDefault();
    token = $("token").value.trim();
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* private mode: keep it in memory */ }
    $("auth").hidden = true;
    $("token").value = "";
    const pending = onAuthorised;
    onAuthorised = [];
    loadCard();
    pending.forEach((fn) => fn());
  });

  // ---------------------------------------------------------------------------------- model card
  async function loadCard() {
    try {
      card = await api("/v1/model");
    } catch (e) {
      if (e.status === 401) onAuthorised.push(() => {});
      $("card-rows").textContent = "indisponibil";
      return;
    }
    threshold = typeof card.threshold === "number" ? card.threshold : null;
    foldDiacritics = !!(card.settings && card.settings.fold_diacritics);
    const rows = card.rows || {};
    if (typeof rows.total === "number") {
      let text = whole.format(rows.total) + " titluri";
      if (typeof rows.clickbait === "number") text += " (" + whole.format(rows.clickbait) + " clickbait)";
      $("card-rows").textContent = text;
    } else {
      $("card-rows").textContent = "necunoscut";
    }
    const created = card.created ? new Date(card.created) : null;
    $("card-date").textContent = created && !isNaN(created) ? dateFmt.format(created) : "necunoscută";
    $("card-threshold").textContent = threshold === null ? "—" : pct.format(threshold);
    const cv = card.cv || {};
    $("card-cv").textContent = typeof cv.macro_f1 === "number"
      ? "F1 " + cv.macro_f1.toLocaleString("ro-RO", { maximumFractionDigits: 3 }) +
        (typeof cv.roc_auc === "number" ? ", AUC " + cv.roc_auc.toLocaleString("ro-RO", { maximumFractionDigits: 3 }) : "")
      : "—";
  }

  // ---------------------------------------------------------------------------------- tabs
  const tabs = [$("tab-title"), $("tab-list")];
  function selectTab(tab, focus) {
    tabs.forEach((t) => {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tab.focus();
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab, false));
    tab.addEventListener("keydown", (ev) => {
      let j = null;
      if (ev.key === "ArrowRight") j = (i + 1) % tabs.length;
      else if (ev.key === "ArrowLeft") j = (i + tabs.length - 1) % tabs.length;
      else if (ev.key === "Home") j = 0;
      else if (ev.key === "End") j = tabs.length - 1;
      if (j !== null) { ev.preventDefault(); selectTab(tabs[j], true); }
    });
  });

  // ---------------------------------------------------------------------------------- words and pushes
  // The key under which the model sees a word: the server's normalisation, lower case, and (as the
  // model was trained) without diacritics. Close enough to map its n-grams back onto the words.
  function wordKey(word) {
    let s = word.normalize("NFC")
      .replace(/ş/g, "ș").replace(/Ş/g, "Ș").replace(/ţ/g, "ț").replace(/Ţ/g, "Ț")
      .replace(/[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036]/g, "\"")
      .replace(/[\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u2035`\u00b4]/g, "'")
      .replace(/[\u2010-\u2015\u2212]/g, "-")
      .replace(/\u2026/g, "...")
      .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "")
      .toLowerCase();
    if (foldDiacritics) s = s.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
    return s;
  }

  function tokensOf(key) {
    return key.match(/[\p{L}\p{N}_]{2,}/gu) || [];
  }

  function countIn(haystack, needle) {
    let n = 0;
    for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) n++;
    return n;
  }

  // Split each term's contribution over the words it comes from: a character n-gram by how often
  // it occurs in each word, a word n-gram evenly over its words. Structure markers have no word.
  function wordPushes(words, terms) {
    const push = words.map(() => 0);
    const padded = words.map((w) => (w.scored ? " " + w.key + " " : null));
    const toks = words.map((w) => (w.scored ? tokensOf(w.key) : []));
    for (const t of terms) {
      if (t.analyzer === "word") {
        const parts = t.ngram.split(" ").filter((p) => !own(MARKERS, p));
        for (const part of parts) {
          const hits = toks.map((ts) => ts.filter((x) => x === part).length);
          const total = hits.reduce((a, b) => a + b, 0);
          if (!total) continue;
          hits.forEach((h, i) => { push[i] += (t.contribution / parts.length) * (h / total); });
        }
      } else {
        const hits = padded.map((p) => (p === null ? 0 : countIn(p, t.ngram)));
        const total = hits.reduce((a, b) => a + b, 0);
        if (!total) continue;
        hits.forEach((h, i) => { push[i] += t.contribution * (h / total); });
      }
    }
    return push;
  }

  function splitWords(headline, tag) {
    const parts = headline.split(/(\s+)/);
    const words = [];
    let tagLeft = tag ? tag.split(" ").length : 0;
    for (const text of parts) {
      if (!text) continue;
      if (/^\s+$/.test(text)) { words.push({ text, space: true }); continue; }
      let isTag = false;
      if (tagLeft > 0) { isTag = true; tagLeft--; }
      else if (tag && words.filter((w) => !w.space).every((w) => w.tag) && /^[|/\-:.!]+$/.test(text)) isTag = true;
      words.push({ text, tag: isTag, scored: !isTag, key: wordKey(text) });
    }
    return words;
  }

  // [text, kind] of an n-gram, for editors: markers by what they mean, letter groups by where in
  // the word they stand.
  function describeGram(t) {
    if (t.analyzer === "word") {
      const parts = t.ngram.split(" ");
      const text = parts.map((p) => label(MARKERS, p)).join(" ");
      if (parts.every((p) => own(MARKERS, p))) return [text, "structură"];
      return [text, parts.length > 1 ? "cuvinte" : "cuvânt"];
    }
    const g = t.ngram;
    const inner = g.trim();
    if (inner.startsWith("x") && Object.keys(MARKERS).some((m) => m.includes(inner))) return [inner, "structură"];
    const start = g.startsWith(" "), end = g.endsWith(" ");
    if (start && end) return [inner, "cuvânt întreg"];
    if (start) return [inner + "…", "început de cuvânt"];
    if (end) return ["…" + inner, "sfârșit de cuvânt"];
    return ["…" + inner + "…", "în cuvânt"];
  }

  // A probability as editors read it: a percentage, never a misleading 100 % or 0 %.
  function showP(p) {
    if (p > 0.999) return "> " + pct.format(0.999);
    if (p < 0.001) return "< " + pct.format(0.001);
    return pct.format(p);
  }

  // ---------------------------------------------------------------------------------- title mode
  let seq = 0;
  let controller = null;
  let timer = null;

  function resetTitle() {
    $("result").hidden = true;
    $("title-error").hidden = true;
    $("prob").dataset.probability = "";
    $("prob").textContent = "—";
  }

  function showTitleError(message) {
    const el = $("title-error");
    el.textContent = message;
    el.hidden = false;
  }

  async function analyse(text) {
    const mine = ++seq;
    if (controller) controller.abort();
    if (!text.trim()) { resetTitle(); return; }
    controller = new AbortController();
    let scored, explained;
    try {
      [scored, explained] = await Promise.all([
        api("/v1/score", { headlines: [text] }, controller.signal),
        api("/v1/explain", { headline: text }, controller.signal),
      ]);
    } catch (e) {
      if (e && e.name === "AbortError") return;
      if (mine !== seq) return;
      if (e.status === 401) onAuthorised.push(() => analyse($("headline").value));
      showTitleError(e.message);
      return;
    }
    if (mine !== seq) return; // a newer keystroke has its own answer coming
    $("title-error").hidden = true;
    renderTitle(scored.records[0], explained);
  }

  function renderTitle(rec, ex) {
    const cut = typeof ex.threshold === "number" ? ex.threshold : threshold;
    $("result").hidden = false;
    const prob = $("prob");
    const verdict = $("verdict");
    const bar = $("bar");
    if (rec.probability === null || rec.probability === undefined) {
      prob.textContent = "—";
      prob.dataset.probability = "";
      verdict.textContent = "Nu se poate evalua" + (rec.reason ? ": " + label(REASONS, rec.reason) : "");
      verdict.className = "verdict none";
      bar.style.width = "0";
      $("meter").setAttribute("aria-label", "fără scor");
    } else {
      prob.textContent = showP(rec.probability);
      prob.dataset.probability = String(rec.probability);
      verdict.textContent = rec.clickbait ? "Clickbait" : "Nu pare clickbait";
      verdict.className = "verdict " + (rec.clickbait ? "yes" : "no");
      bar.style.width = (100 * rec.probability).toFixed(2) + "%";
      bar.className = "bar" + (rec.clickbait ? " yes" : "");
      $("meter").setAttribute("aria-label", "probabilitate " + showP(rec.probability));
    }
    $("threshold-mark").style.left = (100 * (cut ?? 0.5)).toFixed(2) + "%";
    $("threshold-text").textContent = cut === null || cut === undefined ? "" : "Prag de decizie: " + pct.format(cut) + ".";
    const tag = $("tag");
    tag.textContent = "";
    if (rec.tag) {
      tag.append("Etichetă de rubrică: ");
      const b = document.createElement("span");
      b.className = "tagname";
      b.textContent = rec.tag;
      tag.append(b, " (nu intră în scor).");
    } else {
      tag.textContent = "Nicio etichetă de rubrică.";
    }
    $("note").textContent = rec.short ? "Titlu foarte scurt (1–2 cuvinte): scorul e puțin sigur." : "";

    // The words, coloured by how much they push.
    const words = splitWords(rec.headline, ex.tag);
    const push = wordPushes(words, ex.terms || []);
    const scale = Math.max(0.25, ...push.map((x) => Math.abs(x)));
    const box = $("words");
    box.textContent = "";
    words.forEach((w, i) => {
      if (w.space) { box.append(" "); return; }
      const span = document.createElement("span");
      span.className = "w" + (w.tag ? " tagword" : "");
      span.textContent = w.text;
      if (!w.tag && Math.abs(push[i]) > 0.005) {
        const a = Math.min(1, Math.abs(push[i]) / scale);
        span.style.backgroundColor = push[i] > 0
          ? "rgba(192, 57, 43, " + (0.08 + 0.55 * a).toFixed(3) + ")"
          : "rgba(31, 102, 179, " + (0.08 + 0.5 * a).toFixed(3) + ")";
        span.title = (push[i] > 0 ? "spre clickbait " : "spre titlu obișnuit ") + signed.format(push[i]);
      } else if (w.tag) {
        span.title = "etichetă de rubrică: nu intră în scor";
      }
      box.append(span);
    });

    // The strongest n-grams.
    const list = $("ngrams");
    list.textContent = "";
    const top = (ex.terms || []).slice(0, 8);
    const biggest = Math.max(1e-9, ...top.map((t) => Math.abs(t.contribution)));
    for (const t of top) {
      const li = document.createElement("li");
      const gram = document.createElement("span");
      gram.className = "gram";
      const [text, what] = describeGram(t);
      gram.textContent = text + " ";
      gram.title = text + " (" + what + ")";
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = what;
      gram.append(kind);
      const barCell = document.createElement("span");
      const b = document.createElement("span");
      b.className = "push " + (t.contribution > 0 ? "up" : "down");
      b.style.display = "block";
      b.style.width = (100 * Math.abs(t.contribution) / biggest).toFixed(1) + "%";
      barCell.append(b);
      const value = document.createElement("span");
      value.className = "value";
      value.textContent = signed.format(t.contribution);
      value.title = t.contribution > 0 ? "spre clickbait" : "spre titlu obișnuit";
      li.append(gram, barCell, value);
      list.append(li);
    }
    if (!top.length) {
      const li = document.createElement("li");
      li.textContent = "Niciun n-gram cunoscut de model.";
      list.append(li);
    }
  }

  const headline = $("headline");
  headline.addEventListener("input", () => {
    if (/[\r\n]/.test(headline.value)) headline.value = headline.value.replace(/[\r\n]+/g, " ");
    clearTimeout(timer);
    timer = setTimeout(() => analyse(headline.value), DEBOUNCE_MS);
  });
  headline.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); clearTimeout(timer); analyse(headline.value); }
  });

  // ---------------------------------------------------------------------------------- list mode
  let rows = [];
  let rowsFromPage = false;

  function setStatus(message, isError) {
    const el = $("list-status");
    el.textContent = message;
    el.className = "status" + (isError ? " error" : "");
  }

  function byProbability(a, b) {
    const pa = a.probability, pb = b.probability;
    if (pa === null && pb === null) return a.order - b.order;
    if (pa === null) return 1;
    if (pb === null) return -1;
    return pb - pa || a.order - b.order;
  }

  function renderTable() {
    const body = $("list-body");
    body.textContent = "";
    const sorted = rows.slice().sort(byProbability);
    const table = $("list-table");
    table.className = rowsFromPage ? "" : "no-sections";
    sorted.forEach((r) => {
      const tr = document.createElement("tr");
      const n = document.createElement("td");
      n.className = "num";
      n.textContent = String(r.order + 1);
      const p = document.createElement("td");
      p.className = "p";
      if (r.probability === null) {
        p.textContent = "—";
      } else {
        const mini = document.createElement("span");
        mini.className = "mini";
        mini.setAttribute("aria-hidden", "true");
        const fill = document.createElement("span");
        fill.className = r.clickbait ? "yes" : "";
        fill.style.width = (100 * r.probability).toFixed(1) + "%";
        mini.append(fill);
        p.append(mini, showP(r.probability));
        p.dataset.probability = String(r.probability);
      }
      const d = document.createElement("td");
      d.className = "decision " + (r.clickbait === null ? "" : r.clickbait ? "yes" : "no");
      d.textContent = r.clickbait === null ? (r.reason ? label(REASONS, r.reason) : "fără scor") : r.clickbait ? "clickbait" : "nu";
      if (r.short) {
        d.textContent += " (titlu scurt)";  // one or two words: a weak signal
        d.title = "Titlu foarte scurt (1–2 cuvinte): scorul e puțin sigur.";
      }
      const tag = document.createElement("td");
      tag.className = "tag";
      tag.textContent = r.tag || "";
      const sec = document.createElement("td");
      sec.className = "col-section";
      sec.textContent = r.section ? label(SECTIONS, r.section) : "";
      const h = document.createElement("td");
      h.className = "headline";
      h.textContent = r.headline;
      tr.append(n, p, d, tag, sec, h);
      body.append(tr);
    });
    const flagged = rows.filter((r) => r.clickbait === true).length;
    $("list-caption").textContent = whole.format(rows.length) + " titluri, " + whole.format(flagged) +
      " peste prag (clickbait); ordonate după probabilitate, de la cea mai mare.";
    $("table-wrap").hidden = rows.length === 0;
    $("csv").hidden = rows.length === 0;
  }

  async function scoreLines(text) {
    const lines = text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.trim() !== "");
    if (!lines.length) { setStatus("Lipiți cel puțin un titlu.", true); return; }
    const out = [];
    for (let i = 0; i < lines.length; i += BATCH) {
      setStatus("Se evaluează… " + whole.format(i) + " din " + whole.format(lines.length));
      const data = await api("/v1/score", { headlines: lines.slice(i, i + BATCH) });
      data.records.forEach((r, k) => out.push({ ...r, order: i + k, section: null }));
    }
    rows = out;
    rowsFromPage = false;
    renderTable();
    setStatus("Gata: " + whole.format(rows.length) + " titluri evaluate.");
  }

  async function scorePage(file) {
    if (file.size > MAX_FILE) { setStatus("Fișierul are peste 1 MB; nu pare o pagină salvată.", true); return; }
    setStatus("Se citește „" + file.name + "”…");
    const text = await file.text();
    const data = await api("/v1/extract", { page: text, suggest: true, name: file.name });
    rows = data.records.map((r, k) => ({
      headline: r.headline,
      tag: r.tag,
      probability: r.probability ?? null,
      clickbait: r.label === null || r.label === undefined ? null : r.label === 1,
      section: r.section,
      page: r.page,
      order: k,
    }));
    rowsFromPage = true;
    renderTable();
    setStatus(rows.length
      ? "Gata: " + whole.format(rows.length) + " titluri extrase din „" + file.name + "”."
      : "Nu am găsit titluri în „" + file.name + "”. Este o pagină salvată ca text?", !rows.length);
  }

  async function guarded(fn, retry) {
    try {
      await fn();
    } catch (e) {
      if (e.status === 401) onAuthorised.push(retry);
      setStatus(e.message || "Eroare neașteptată.", true);
    }
  }

  $("list-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("titles").value;
    guarded(() => scoreLines(text), () => scoreLines(text));
  });

  $("page-file").addEventListener("change", (ev) => {
    const file = ev.target.files && ev.target.files[0];
    if (file) guarded(() => scorePage(file), () => scorePage(file));
    ev.target.value = "";
  });

  const drop = $("panel-list");
  drop.addEventListener("dragover", (ev) => {
    if (ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes("Files")) {
      ev.preventDefault();
      $("titles").classList.add("dragging");
    }
  });
  drop.addEventListener("dragleave", () => $("titles").classList.remove("dragging"));
  drop.addEventListener("drop", (ev) => {
    $("titles").classList.remove("dragging");
    const file = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
    if (!file) return;
    ev.preventDefault();
    guarded(() => scorePage(file), () => scorePage(file));
  });

  function csvCell(value) {
    let s = value === null || value === undefined ? "" : String(value);
    if (/^[=+@\t\r]/.test(s)) s = "'" + s; // a spreadsheet would run it as a formula
    return /[",\n\r]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
  }

  $("csv").addEventListener("click", () => {
    const cols = rowsFromPage
      ? ["headline", "tag", "probability", "clickbait", "section", "page"]
      : ["headline", "tag", "probability", "clickbait"];
    const lines = [cols.join(",")];
    rows.slice().sort(byProbability).forEach((r) => lines.push(cols.map((c) => csvCell(r[c])).join(",")));
    const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "clickbait.csv";
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });

  loadCard();
  if (headline.value.trim()) analyse(headline.value);
})();
