// The sales terminal (SPEC S13): the live inbox with a badge and a sound, and one conversation with the analysis
// of every customer message; actions go through the conversation API. Text is inserted with textContent only.

const script = document.querySelector("script[data-page]");
const page = script.dataset.page;
const $ = (id) => document.getElementById(id);
const { fetchJson, ReconnectingSocket } = window.SalesCard; // static/salescard/common.js

// --- Alerts: the chime, the inbox badge, the page title and the hand-off strip ------------------------------
// Every hand-off (to a salesperson, or to the managers) chimes, counts on the inbox badge and puts "(n) 待接手" in
// front of the page title until it is seen: its conversation opened, its line clicked or dismissed, or the inbox
// used. Unseen hand-offs outlive a page change (sessionStorage); the sound can be muted (localStorage).
const CHIME_KEY = "salescard.terminal.chime";
const UNSEEN_KEY = "salescard.terminal.unseen-handoffs";
const strip = $("handoff-alerts");
const texts = strip ? strip.dataset : {};
const baseTitle = document.title;
let others = 0; // customer messages and branch escalations elsewhere: on the badge only
let unseen = loadUnseen();
window.salescardChimes = 0; // how often the terminal chimed (a hook for tests)

function loadUnseen() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(UNSEEN_KEY) || "[]");
    return Array.isArray(stored) ? stored.filter((h) => h && Number.isInteger(h.id)) : [];
  } catch {
    return [];
  }
}

function showAlerts() {
  try {
    sessionStorage.setItem(UNSEEN_KEY, JSON.stringify(unseen));
  } catch {
    // private mode: the alerts last for this page only
  }
  const count = unseen.length + others;
  $("badge").textContent = String(count);
  $("badge").hidden = count === 0;
  document.title = unseen.length ? `(${unseen.length}) ${texts.pending} · ${baseTitle}` : baseTitle;
  if (!strip) return;
  $("handoff-list").replaceChildren(...unseen.map(alertLine));
  strip.hidden = unseen.length === 0;
}

function alertLine(handoff) {
  const item = document.createElement("li");
  item.className = "handoff-alert";
  item.dataset.handoff = handoff.id;
  const kind = document.createElement("span");
  kind.className = "kind";
  kind.textContent = texts.new;
  const link = document.createElement("a");
  link.textContent = handoff.summary;
  if (handoff.conversation) link.href = texts.conversationUrl.replace(/0\/$/, `${handoff.conversation}/`);
  link.addEventListener("click", () => markSeen((h) => h.id === handoff.id));
  item.append(kind, link);
  if (handoff.escalated) {
    const tag = document.createElement("span");
    tag.className = "escalated";
    tag.textContent = texts.escalated;
    item.append(tag);
  }
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.textContent = "×";
  dismiss.title = texts.dismiss;
  dismiss.setAttribute("aria-label", texts.dismiss);
  dismiss.addEventListener("click", () => markSeen((h) => h.id === handoff.id));
  item.append(dismiss);
  return item;
}

function markSeen(which = () => true) {
  unseen = unseen.filter((h) => !which(h));
  showAlerts();
}

function handoffArrived(frame) {
  const push = frame.push || {};
  if (!Number.isInteger(frame.handoff_id)) return;
  const handoff = {
    id: frame.handoff_id,
    summary: push.summary || push.title || texts.new,
    conversation: Number.isInteger(push.conversation_id) ? push.conversation_id : null,
    escalated: push.escalated === true,
  };
  unseen = [handoff, ...unseen.filter((h) => h.id !== handoff.id)];
  // Already looking at that conversation: chime, but nothing is left unseen.
  if (handoff.conversation && handoff.conversation === conversationId && !document.hidden) markSeen((h) => h.id === handoff.id);
  else showAlerts();
  chime();
}

function bump() {
  others += 1;
  showAlerts();
  chime();
}

// Opening a conversation sees its hand-offs; using the inbox (the list of them) sees them all.
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) {
    others = 0;
    showAlerts();
  }
});
$("inbox-tab")?.addEventListener("click", () => markSeen());
if (page === "inbox") {
  const inboxPage = document.querySelector(".content");
  for (const kind of ["pointerdown", "keydown"]) inboxPage.addEventListener(kind, () => unseen.length && markSeen());
}

// A short two-note chime from Web Audio (no sound file to ship), on one context for the page's life: browsers
// start it suspended until the user's first tap, and limit how many a page may open.
let audio = null;
const chimeToggle = $("chime-toggle");
const chimeOn = () => localStorage.getItem(CHIME_KEY) !== "off";
function showChimeToggle() {
  if (!chimeToggle) return;
  chimeToggle.setAttribute("aria-pressed", String(chimeOn()));
  chimeToggle.textContent = chimeOn() ? chimeToggle.dataset.on : chimeToggle.dataset.off;
}
chimeToggle?.addEventListener("click", () => {
  localStorage.setItem(CHIME_KEY, chimeOn() ? "off" : "on");
  showChimeToggle();
});
document.addEventListener("pointerdown", () => audio?.state === "suspended" && audio.resume(), { passive: true });

function chime() {
  if (!chimeOn()) return;
  window.salescardChimes += 1;
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume().catch(() => {});
    const start = audio.currentTime;
    [660, 880].forEach((frequency, i) => {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, start + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.18 + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + i * 0.18);
      oscillator.stop(start + i * 0.18 + 0.3);
    });
  } catch (error) {
    console.warn("no sound", error);
  }
}

// --- Inbox ---------------------------------------------------------------------------------------------
function inboxRow(row) {
  const item = document.createElement("li");
  item.className = `row state-${row.state}`;
  item.dataset.id = row.id;
  const link = document.createElement("a");
  link.href = script.dataset.conversationUrl.replace(/0\/$/, `${row.id}/`);
  for (const [name, text] of [
    ["customer", row.customer],
    ["state", row.state_label],
    ["product", row.product],
    ["last", row.last_text],
  ]) {
    const span = document.createElement("span");
    span.className = name;
    span.textContent = text;
    link.append(span);
  }
  item.append(link);
  return item;
}

function updateInbox(row) {
  const list = $("inbox");
  if (!list) return;
  $("inbox-empty")?.remove();
  list.querySelector(`[data-id="${row.id}"]`)?.remove();
  if (row.state === "closed") return;
  const item = inboxRow(row);
  if (row.state === "waiting") list.prepend(item);
  else {
    const firstOther = [...list.children].find((li) => !li.classList.contains("state-waiting"));
    list.insertBefore(item, firstOther || null);
  }
}

// --- Conversation ----------------------------------------------------------------------------------------
let lastId = 0;
const conversationId = Number($("conversation")?.dataset.id || 0);

const labels = () => JSON.parse($("labels").textContent);

function analysisLine(message) {
  if (message.sender !== "customer") return "";
  const { emotions, reasons } = labels();
  const parts = [];
  if (message.emotion) parts.push(emotions[message.emotion] || message.emotion);
  if (message.satisfaction !== null && message.satisfaction !== undefined) parts.push(`K ${message.satisfaction.toFixed(2)}`);
  if (message.deal_rate !== null && message.deal_rate !== undefined) parts.push(`P ${message.deal_rate.toFixed(2)}`);
  if (message.reasons && message.reasons.length) parts.push(message.reasons.map((r) => reasons[r] || r).join(", "));
  return parts.join(" · ");
}

// Why a message got its scores (issue 21): the signals the server stored with it, worded in the page's language.
const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "—");
const number = (value) => (value === null || value === undefined ? "—" : Number(value).toFixed(2));

function explanationLines(explanation) {
  const { explain, emotions, reasons } = labels();
  const list = (words) => (words && words.length ? words.join("、") : explain.none);
  const lines = [];
  const k = explanation.K;
  if (k) {
    const values = { alpha: number(k.alpha), A: number(k.A), beta: number(k.beta), B: number(k.B), value: number(k.value), threshold: number(k.threshold) };
    lines.push(fill(k.alpha === null || k.alpha === undefined ? explain.k_plain : explain.k_formula, values));
    lines.push(`${fill(explain.positive_words, { words: list(k.positive_words) })}; ${fill(explain.negative_words, { words: list(k.negative_words) })}`);
    if (k.model_positive !== null && k.model_positive !== undefined) lines.push(fill(explain.model_lean, { p: number(k.model_positive) }));
    if (k.reasons && k.reasons.length) {
      lines.push(fill(explain.reasons, { reasons: k.reasons.map(([code, word]) => `${reasons[code] || code}（${word}）`).join("、") }));
    }
  }
  const p = explanation.P;
  if (p) {
    const values = { gamma: number(p.gamma), C: p.C, D: p.D, value: number(p.value), threshold: number(p.threshold) };
    lines.push(`${fill(p.gamma === null || p.gamma === undefined ? explain.p_plain : explain.p_formula, values)}; ${fill(explain.intent_words, { words: list(p.intent_words) })}`);
  }
  const e = explanation.emotion;
  if (e) {
    const top = e.model_top.map(([name, share]) => `${emotions[name] || name} ${number(share)}`).join("、");
    lines.push(fill(explain.emotion_model, { emotion: emotions[e.value] || e.value, version: e.model_version || "—", top: top || explain.none }));
    lines.push(fill(explain.emotion_lexicon, { rule: explain.rules[e.lexicon_rule] || e.lexicon_rule || "—", words: list(e.lexicon_words) }));
    if (e.lexicon_weight !== null && e.lexicon_weight !== undefined) {
      lines.push(fill(explain.blend, { lexicon: number(e.lexicon_weight), model: number(e.model_weight) }));
    }
  }
  return lines;
}

function explanationToggle(message) {
  const lines = explanationLines(message.explanation);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "why";
  button.textContent = labels().explain.why;
  button.setAttribute("aria-expanded", "false");
  const list = document.createElement("ul");
  list.className = "explanation";
  list.hidden = true;
  list.append(...lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
  button.addEventListener("click", () => {
    list.hidden = !list.hidden;
    button.setAttribute("aria-expanded", String(!list.hidden));
  });
  return [button, list];
}

function showMessage(message) {
  if (message.id <= lastId) return;
  lastId = message.id;
  const item = document.createElement("li");
  item.className = `message from-${message.sender}`;
  item.dataset.id = message.id;
  const text = document.createElement("div");
  text.className = "text";
  text.textContent = message.text;
  item.append(text);
  const line = analysisLine(message);
  if (line) {
    const analysis = document.createElement("div");
    analysis.className = "analysis";
    analysis.textContent = line;
    if (message.explanation) {
      const [button, list] = explanationToggle(message);
      analysis.append(" ", button);
      item.append(analysis, list);
    } else {
      item.append(analysis);
    }
  }
  $("messages").append(item);
  item.scrollIntoView({ block: "nearest" });
}

function showState(state) {
  $("conversation").dataset.state = state;
  $("state").textContent = labels().states[state] || state;
}

// A conversation action; a refusal is shown in #error and null comes back.
const act = (path, body) => fetchJson(`${script.dataset.api}${path}/`, { method: "POST", body, error: "error" });

function setUpConversation() {
  JSON.parse($("messages-data").textContent).forEach(showMessage);
  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply-text").value;
    if (!text.trim()) return;
    const message = await act("reply", { text });
    if (message) {
      $("reply-text").value = "";
      showMessage(message);
    }
  });
  $("accept").addEventListener("click", async () => (await act("accept")) && showState("salesperson"));
  $("release").addEventListener("click", async () => (await act("release")) && showState("bot"));
  $("close").addEventListener("click", async () => (await act("close")) && showState("closed"));
}

// --- The socket ----------------------------------------------------------------------------------------
// Every 30 s a ping tells the server that this user is online (it answers "pong"); frames the page does not know
// are ignored. A (re)open follows the conversation shown from its last message; a reopened inbox reloads its rows
// (whatever changed while the socket was down).
const PING_MS = 30000;

async function reloadInbox() {
  const list = $("inbox");
  if (!list) return;
  try {
    const response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("inbox");
    if (fresh) list.replaceChildren(...fresh.children);
  } catch (error) {
    console.warn("inbox not reloaded", error);
  }
}

function onFrame(frame) {
  if (frame.type === "handoff") {
    handoffArrived(frame);
  } else if (frame.type === "escalation") {
    bump();
    const note = document.createElement("p");
    note.className = "error escalation";
    note.textContent = frame.text;
    document.querySelector(".content").prepend(note);
  } else if (frame.type === "conversation") {
    updateInbox(frame.conversation);
    if (frame.conversation.id !== conversationId && frame.conversation.last_sender === "customer") bump();
  } else if (frame.type === "message" && frame.conversation_id === conversationId) {
    showMessage(frame.message);
  } else if (frame.type === "state" && frame.conversation_id === conversationId) {
    showState(frame.state);
  }
}

const live = new ReconnectingSocket("/ws/sales/", {
  resume: () => (conversationId ? { action: "watch", conversation: conversationId, after: lastId } : null),
  onOpen: ({ reopened }) => {
    live.heartbeat({ action: "ping" }, PING_MS, { now: true });
    if (reopened && page === "inbox") reloadInbox();
  },
  onFrame,
  onStatus: (open) => (document.body.dataset.live = String(open)),
  onStop: (event) => event.code === 4401 && location.reload(), // signed out: the sign-in page
});

if (page === "conversation") setUpConversation();
if (conversationId) unseen = unseen.filter((h) => h.conversation !== conversationId);
showAlerts();
showChimeToggle();
live.start();
