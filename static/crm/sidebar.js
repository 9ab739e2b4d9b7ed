// The IM profile sidebar (SPEC P1–P6): renders the sections the server sends, keeps a socket to
// /ws/customers/<id>/ for live changes, and calls the profile API with the page's access token.
// Everything a customer or colleague wrote is put into the page with textContent, never as HTML.
(() => {
  "use strict";
  const { fetchJson, ReconnectingSocket } = window.SalesCard; // static/salescard/common.js
  const data = JSON.parse(document.getElementById("sidebar-data").textContent);
  // The link token has been traded for the page's access token: take it out of the address bar and the history.
  if (new URLSearchParams(location.search).has("t")) {
    const url = new URL(location.href);
    url.searchParams.delete("t");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  const L = JSON.parse(document.getElementById("sidebar-labels").textContent);
  const $ = (id) => document.getElementById(id);
  const root = $("sidebar");
  const state = { sections: {}, timelinePage: 1, editing: null };

  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "on") Object.entries(value).forEach(([ev, fn]) => node.addEventListener(ev, fn));
      // Through the CSSOM: a style attribute is inline style, which the Content-Security-Policy refuses.
      else if (key === "style") Object.assign(node.style, value);
      else if (value !== undefined && value !== null) node.setAttribute(key, value);
    }
    children.flat().forEach((child) => child && node.append(child));
    return node;
  };
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
  const when = (iso) => {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  const say = (text, error = false) => {
    $("status").textContent = text || "";
    $("status").classList.toggle("error", error);
  };

  // --- API -------------------------------------------------------------------------------------------
  // The page's access token instead of cookies (the sidebar is framed in an IM client); a failure throws an Error
  // whose message names the fields by their labels.
  const api = (path, { method = "GET", body } = {}) =>
    fetchJson(data.api + path, {
      method,
      body,
      headers: { Authorization: `Sidebar ${data.token}` },
      credentials: "omit",
      describe: errorText,
    });
  function errorText(payload) {
    if (typeof payload.detail === "string") return payload.detail;
    // Field names are keys of the API: the message says the field's label, or only the error when it has none.
    const labels = Object.fromEntries(((state.sections.profile || {}).fields || []).map((f) => [f.name, f.label]));
    return Object.entries(payload).map(([key, value]) => {
      const text = [].concat(value).join(" ");
      return labels[key] ? `${labels[key]}: ${text}` : text;
    }).join("; ");
  }
  async function act(promise) {
    try {
      const sections = await promise;
      merge(sections);
      say(L.saved);
      return true;
    } catch (error) {
      say(error.message, true);
      return false;
    }
  }

  // --- Rendering -------------------------------------------------------------------------------------
  function merge(sections) {
    Object.assign(state.sections, sections);
    const renderers = { profile: renderProfile, facts: renderFacts, tags: renderTags, closeness: renderCloseness,
      timeline: renderTimeline, portrait: renderPortrait };
    Object.keys(sections).forEach((name) => renderers[name] && renderers[name](sections[name]));
  }

  function renderProfile(profile) {
    $("name").textContent = profile.name;
    $("sub").textContent = [profile.source, profile.owner && fill(L.owner, { name: profile.owner })].filter(Boolean).join(" · ");
    const avatar = $("avatar");
    if (/^https:\/\//.test(profile.avatar_url || "")) {
      avatar.style.backgroundImage = `url("${encodeURI(profile.avatar_url)}")`;
      avatar.textContent = "";
    } else {
      avatar.style.backgroundImage = "";
      avatar.textContent = (profile.name || "?").slice(0, 1);
    }
    $("no-consent").hidden = profile.extraction_allowed;
    $("privacy-card").hidden = !profile.can_manage;
    const list = $("fields");
    list.replaceChildren();
    profile.fields.forEach((field) => {
      list.append(
        el("dt", { text: field.label }),
        el("dd", { class: field.shown ? "" : "unset", text: field.shown || "—", "data-field": field.name }),
        field.editable
          ? el("button", { type: "button", class: "link", text: L.edit, "aria-label": `${L.edit} ${field.label}`,
            on: { click: () => startEdit(field) } })
          : el("span"),
      );
    });
  }

  function renderFacts(facts) {
    $("facts-count").textContent = facts.suggested.length || "";
    $("no-facts").hidden = facts.suggested.length > 0;
    $("facts").replaceChildren(...facts.suggested.map((fact) => factItem(fact, true)));
    $("decided").replaceChildren(...facts.decided.map((fact) => factItem(fact, false)));
    $("decided-box").hidden = facts.decided.length === 0;
  }

  function factItem(fact, open) {
    const item = el("li", { "data-fact": fact.id, "data-status": fact.status },
      el("div", { class: "fact-head" }, el("span", { class: "fact-label", text: fact.label }),
        el("span", { class: "fact-value", text: fact.value })),
      fact.conflict && open ? el("div", { class: "conflict", text: fill(L.conflict, { value: fact.conflict }) }) : null,
      el("div", { class: "source", title: fill(L.confidence, { percent: `${Math.round(fact.confidence * 100)}%` }),
        text: `${fact.source.kind === "image" ? L.from_image : L.from_text} · ${when(fact.source.sent_at)} · ${fact.source.excerpt}` }),
    );
    if (open) {
      item.append(el("div", { class: "fact-actions" },
        el("button", { type: "button", text: L.confirm, "data-action": "confirm",
          on: { click: () => act(api(`facts/${fact.id}/confirm/`, { method: "POST" })) } }),
        el("button", { type: "button", class: "ghost", text: L.reject, "data-action": "reject",
          on: { click: () => act(api(`facts/${fact.id}/reject/`, { method: "POST" })) } }),
      ));
    } else {
      item.append(el("div", { class: "note",
        text: `${fact.status === "confirmed" ? L.confirmed : L.rejected} · ${fact.decided_by}` }));
    }
    return item;
  }

  function renderTags(tags) {
    $("tags").replaceChildren(...tags.tags.map((tag) => el("li", {
      class: `tag${tag.personal ? " personal" : ""}`, style: { background: /^#[0-9a-f]{6}$/i.test(tag.colour) ? tag.colour : "#1677ff" },
      "data-tag": tag.id },
    el("span", { text: tag.name }),
    el("button", { type: "button", text: "×", "aria-label": `${L.remove} ${tag.name}`,
      on: { click: () => act(api(`tags/${tag.id}/`, { method: "DELETE" })) } }))));
    const on = new Set(tags.tags.map((tag) => tag.id));
    $("tag-select").replaceChildren(el("option", { value: "", text: L.choose_tag }),
      ...tags.available.filter((tag) => !on.has(tag.id)).map((tag) =>
        el("option", { value: tag.id, text: tag.personal ? `${tag.name} (${L.personal})` : tag.name })));
  }

  function renderCloseness(closeness) {
    const list = $("ranking");
    if (!closeness.ranking.length) {
      list.replaceChildren(el("li", { class: "empty", text: L.empty_ranking }));
      return;
    }
    list.replaceChildren(...closeness.ranking.map((row) => el("li", { "data-staff": row.staff_id },
      el("span", {}, el("strong", { text: row.name }), row.is_me ? el("span", { class: "me", text: ` (${L.you})` }) : null,
        row.title ? el("span", { class: "me", text: ` ${row.title}` }) : null),
      el("span", { title: fill(L.score, { score: row.score }) }, el("span", { text: row.score.toFixed(1) }), " ",
        row.chat_link && !row.is_me && /^[a-z][a-z0-9+.-]*:/i.test(row.chat_link) && !/^(javascript|data|vbscript):/i.test(row.chat_link)
          ? el("a", { href: row.chat_link, target: "_top", rel: "noopener", text: L.chat }) : null),
      el("div", { class: "bar" }, el("span", { style: { width: `${Math.max(0, Math.min(100, row.score))}%` } })),
      // Issue 21: one click shows which signals gave the score its points.
      el("details", { class: "why" }, el("summary", { text: L.why }),
        row.why && row.why.length
          ? el("ul", {}, ...row.why.map(([name, points]) => el("li", { text: fill(L.points, { feature: L.features[name] || name, points: points.toFixed(1) }) })))
          : el("p", { text: L.no_signal })),
    )));
  }

  function renderTimeline(timeline) {
    state.timelinePage = timeline.page;
    $("timeline-count").textContent = timeline.count;
    const items = timeline.events.map((event) => el("li", { "data-event": event.id },
      el("time", { datetime: event.occurred_at, text: when(event.occurred_at) }),
      el("div", {}, el("div", { class: "what", text: event.label + (event.staff ? ` → ${event.staff}` : "") }),
        event.detail ? el("div", { class: "detail", text: event.detail }) : null)));
    if (timeline.page === 1) $("timeline").replaceChildren(...items);
    else $("timeline").append(...items);
    if (!timeline.count) $("timeline").replaceChildren(el("li", { class: "empty", text: L.empty_timeline }));
    $("more").hidden = timeline.page >= timeline.pages;
  }

  // Issue 21: what made the top intents: the model (or cold start), each product's association and the evidence.
  function intentsWhy(why) {
    const W = L.intent_why;
    const percent = (p) => (p != null ? `${Math.round(p * 100)}%` : "");
    const lines = why.intents.map((i) => {
      let text = fill(W.line, { product: i.product, percent: percent(i.probability), association: W.associations[i.association] || i.association,
        viewed: i.viewed, category: i.category_viewed });
      if (i.bought_before) text += `; ${W.bought}`;
      return el("li", { text });
    });
    return el("details", { class: "why", id: "intents-why" }, el("summary", { text: W.why }),
      el("p", { text: why.fallback ? W.fallback : fill(W.model, { version: why.model_version, days: why.history_days }) }),
      el("p", { text: why.usage_data ? W.usage : W.no_usage }),
      el("ul", {}, ...lines));
  }

  function renderPortrait(portrait) {
    $("portrait-card").hidden = !portrait;
    if (!portrait) return;
    const box = $("portrait");
    box.replaceChildren();
    if (portrait.level) box.append(el("p", { text: `${L.level}: ${portrait.level}` }));
    [portrait.attributes, portrait.preferences, portrait.scenes].filter((g) => g && g.length).forEach((group) =>
      box.append(el("div", { class: "portrait-group" }, group.map((f) => el("span", { text: `${f.label}: ${f.value}` })))));
    if (portrait.intents && portrait.intents.length) {
      box.append(el("p", { text: `${L.intents}: ${portrait.intents.map((i) =>
        `${i.product}${i.probability != null ? ` ${Math.round(i.probability * 100)}%` : ""}`).join("、")}` }));
      if (portrait.intents_why) box.append(intentsWhy(portrait.intents_why));
    }
  }

  // --- Editing ---------------------------------------------------------------------------------------
  function startEdit(field) {
    state.editing = field;
    $("edit-label").textContent = field.label;
    let input;
    if (field.name === "gender") {
      input = el("select", {}, Object.entries(L.genders).map(([value, label]) => el("option", { value, text: label })));
      input.value = field.value || "unknown";
    } else if (field.name === "married") {
      input = el("select", {}, el("option", { value: "", text: L.unknown }), el("option", { value: "true", text: L.yes }),
        el("option", { value: "false", text: L.no }));
      input.value = field.value === null || field.value === undefined ? "" : String(field.value);
    } else {
      const type = { birthday: "date", children: "number", budget: "number", email: "email", phone: "tel" }[field.name] || "text";
      input = el("input", { type, min: type === "number" ? "0" : undefined });
      input.value = Array.isArray(field.value) ? field.value.join("、") : field.value ?? "";
    }
    input.id = "edit-value";
    input.name = field.name;
    $("edit-input").replaceChildren(input);
    $("edit-form").hidden = false;
    input.focus();
  }
  function editedValue(field, raw) {
    if (field.name === "married") return raw === "" ? null : raw === "true";
    if (field.name === "children" || field.name === "budget") return raw === "" ? null : Number(raw);
    if (field.name === "birthday") return raw || null;
    if (field.name === "hobbies") return raw.split(/[,，、\s]+/).filter(Boolean);
    return raw;
  }
  $("edit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const field = state.editing;
    if (!field) return;
    const ok = await act(api("", { method: "PATCH", body: { [field.name]: editedValue(field, $("edit-value").value.trim()) } }));
    if (ok) { $("edit-form").hidden = true; state.editing = null; }
  });
  $("edit-cancel").addEventListener("click", () => { $("edit-form").hidden = true; state.editing = null; });

  // --- Tags, timeline, privacy -------------------------------------------------------------------------
  $("tag-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const tagId = $("tag-select").value;
    const name = $("tag-name").value.trim();
    if (!tagId && !name) return;
    const ok = await act(api("tags/", { method: "POST", body: tagId ? { tag_id: Number(tagId) } : { name } }));
    if (ok) $("tag-name").value = "";
  });
  $("more").addEventListener("click", async () => {
    try {
      renderTimeline(await api(`timeline/?page=${state.timelinePage + 1}`));
    } catch (error) { say(error.message, true); }
  });
  $("export").addEventListener("click", async () => {
    try {
      const documentData = await api("export/");
      const blob = new Blob([JSON.stringify(documentData, null, 2)], { type: "application/json" });
      const link = el("a", { href: URL.createObjectURL(blob), download: `customer-${data.customer_id}.json` });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (error) { say(error.message, true); }
  });
  $("erase").addEventListener("click", async () => {
    if (!window.confirm(L.erase_confirm)) return;
    try {
      await api("erase/", { method: "POST" });
      say(L.erased);
    } catch (error) { say(error.message, true); }
  });

  // --- Live updates ----------------------------------------------------------------------------------
  // Every (re)open authenticates; the server then sends every section afresh.
  const live = new ReconnectingSocket(data.socket, {
    resume: () => ({ type: "auth", token: data.token }),
    onOpen: () => live.heartbeat({ type: "ping" }, 25000),
    onFrame: (frame) => {
      if (frame.type === "profile") {
        root.dataset.state = "live";
        $("live").title = L.live;
        // A live timeline refresh shows page 1; keep what the reader paged to until they scroll back.
        if (frame.sections.timeline && state.timelinePage > 1) delete frame.sections.timeline;
        merge(frame.sections);
      } else if (frame.type === "erased") {
        say(L.erased, true);
      } else if (frame.type === "error") {
        say(frame.message, true);
      }
    },
    onStatus: (open) => {
      if (open) return; // live once the server sends the profile
      root.dataset.state = "offline";
      $("live").title = L.offline;
    },
  });

  merge(data.sections);
  live.start();
})();
