// The customer's smart card (SPEC S8–S14): the talking avatar, tabs, sharing and the live chat.
// Every piece of text from the server is inserted with textContent, never as HTML.

const data = JSON.parse(document.getElementById("card-data").textContent);
const $ = (id) => document.getElementById(id);
const { fetchJson, ReconnectingSocket } = window.SalesCard; // static/salescard/common.js

// The page itself sends no referrer (its address holds the link); a same-origin post keeps its Origin header.
const post = (url, body) =>
  fetchJson(url, { method: "POST", body, referrerPolicy: "same-origin" }).catch((error) =>
    console.warn("card event not recorded", error),
  );
const recordEvent = (kind, detail = "", productId = null) =>
  post(data.endpoints.events, { kind, detail, ...(productId ? { product_id: productId } : {}) });

const format = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));

// --- The subtitle: three lines at a time, never cut --------------------------------------------------
// A longer text scrolls along with the speech (its share of the audio played), or with the reading time when
// there is no sound; the arrow pages on by hand (and back to the start at the end).
class Caption {
  constructor(element, more) {
    this.element = element;
    this.more = more;
    this.started = 0;
    this.audio = null;
    this.manual = false;
    this.frame = 0;
    more.addEventListener("click", () => this.page());
    for (const kind of ["wheel", "touchstart", "keydown"]) {
      element.addEventListener(kind, () => (this.manual = true), { passive: true });
    }
    element.addEventListener("scroll", () => this.showMore());
    new ResizeObserver(() => this.showMore()).observe(element);
  }

  get room() {
    return Math.max(0, this.element.scrollHeight - this.element.clientHeight);
  }

  get line() {
    return parseFloat(getComputedStyle(this.element).lineHeight) || 20;
  }

  // `audio`: the element that speaks this text, or null when it is only shown.
  show(text, audio = null) {
    this.element.textContent = text;
    this.element.scrollTop = 0;
    this.started = performance.now();
    this.audio = audio;
    this.manual = false;
    this.showMore();
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.follow());
  }

  // Reading time: about six Chinese characters or three English words a second, after a short pause.
  readingSeconds() {
    const text = this.element.textContent;
    const cjk = (text.match(/[\u3400-\u9fff]/g) || []).length;
    return 1.5 + cjk / 6 + (text.length - cjk) / 16;
  }

  // 0…1 of the text said or read by now; null while its voice is still loading.
  progress() {
    const audio = this.audio;
    const speaking = audio && audio.dataset.caption === this.element.textContent;
    if (speaking && !audio.paused && Number.isFinite(audio.duration) && audio.duration > 0) {
      return audio.currentTime / audio.duration;
    }
    const elapsed = (performance.now() - this.started) / 1000;
    if (speaking && !audio.ended && !audio.error && elapsed < 3) return null;
    return (elapsed - 1.5) / (this.readingSeconds() - 1.5); // muted, refused or without a voice: reading time
  }

  follow() {
    const room = this.room;
    if (this.manual || room <= 1) return;
    const share = this.progress();
    if (share !== null) {
      // Roll on a whole line at a time with the words being said: never back, never a half line, ending on the last.
      const line = this.line;
      const target = Math.min(room, Math.round((Math.min(1, Math.max(0, share)) * room) / line) * line);
      if (target > this.element.scrollTop) this.element.scrollTop = target;
      if (share >= 1) {
        this.element.scrollTop = room;
        return;
      }
    }
    this.frame = requestAnimationFrame(() => this.follow());
  }

  // One page on by whole lines: the last visible line stays as the first, so no sentence is lost between pages.
  page() {
    this.manual = true;
    const line = this.line;
    const step = Math.max(1, Math.round(this.element.clientHeight / line) - 1) * line;
    const atEnd = this.element.scrollTop >= this.room - 1;
    this.element.scrollTop = atEnd ? 0 : Math.min(this.room, Math.round((this.element.scrollTop + step) / line) * line);
    this.showMore();
  }

  showMore() {
    this.more.hidden = this.room <= 1;
    this.more.classList.toggle("at-end", this.element.scrollTop >= this.room - 1);
  }
}

const caption = new Caption($("subtitle"), $("subtitle-more"));

// --- Speech with subtitles and lip sync ---------------------------------------------------------------
class Speaker {
  constructor() {
    this.audio = new Audio();
    this.audio.preload = "auto";
    this.muted = false;
    this.queue = [];
    this.level = 0;
    this.analyser = null;
    this.audio.addEventListener("ended", () => this.next());
    this.audio.addEventListener("error", () => this.next());
  }

  // Web Audio needs a user gesture in most browsers; until then the mouth follows a gentle estimate.
  connectAnalyser() {
    if (this.analyser || !window.AudioContext) return;
    try {
      const context = new AudioContext();
      const source = context.createMediaElementSource(this.audio);
      this.analyser = context.createAnalyser();
      this.analyser.fftSize = 512;
      source.connect(this.analyser);
      this.analyser.connect(context.destination);
      this.samples = new Uint8Array(this.analyser.fftSize);
      this.context = context;
    } catch (error) {
      console.warn("no Web Audio", error);
    }
  }

  // 0…1: how open the mouth should be now.
  mouth() {
    if (this.audio.paused) return 0;
    if (this.analyser) {
      if (this.context.state === "suspended") this.context.resume();
      this.analyser.getByteTimeDomainData(this.samples);
      let sum = 0;
      for (const s of this.samples) sum += ((s - 128) / 128) ** 2;
      return Math.min(1, Math.sqrt(sum / this.samples.length) * 5);
    }
    const t = this.audio.currentTime * 9;
    return 0.35 + 0.3 * Math.abs(Math.sin(t) * Math.sin(t * 0.37 + 1));
  }

  say(text, url, { after } = {}) {
    if (this.muted || !url) {
      caption.show(text);
      if (after) setTimeout(after, 1200);
      return;
    }
    this.queue.push({ text, url, after });
    if (this.queue.length === 1) this.play();
    else caption.show(text); // the newest text shows at once; its voice follows the one speaking now
  }

  play() {
    const item = this.queue[0];
    if (!item) return;
    this.audio.dataset.caption = item.text;
    caption.show(item.text, this.audio);
    this.audio.src = item.url;
    this.audio.play().catch(() => {
      // Autoplay refused: one tap starts the voice.
      $("listen").hidden = false;
    });
  }

  next() {
    const done = this.queue.shift();
    if (done && done.after) done.after();
    this.play();
  }

  stop() {
    this.queue = [];
    this.audio.pause();
    this.audio.dataset.caption = "";
  }

  setMuted(muted) {
    this.muted = muted;
    if (muted) this.stop();
  }
}

const speaker = new Speaker();

$("listen").addEventListener("click", () => {
  $("listen").hidden = true;
  speaker.connectAnalyser();
  if (!speaker.queue.length) speaker.say(data.greeting.text, data.greeting.speech);
  else speaker.play();
});
document.addEventListener("pointerdown", () => speaker.connectAnalyser(), { once: true });

$("mute").addEventListener("click", () => {
  const muted = !speaker.muted;
  speaker.setMuted(muted);
  $("mute").setAttribute("aria-pressed", String(muted));
});

// --- The 3D face, or the photo where WebGL is missing -----------------------------------------------
async function startAvatar() {
  const script = document.querySelector("script[data-avatar]");
  try {
    const { createAvatar } = await import(script.dataset.avatar);
    await createAvatar($("avatar"), { modelUrl: data.avatar.model, mouth: () => speaker.mouth() });
    document.body.dataset.avatar = "webgl";
  } catch (error) {
    console.warn("avatar unavailable, showing the photo", error);
    $("avatar-photo").hidden = false;
    document.body.dataset.avatar = "photo";
  }
}

// --- Tabs --------------------------------------------------------------------------------------------
function openTab(name) {
  for (const tab of document.querySelectorAll("[data-tab]")) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(selected));
    $(`panel-${tab.dataset.tab}`).hidden = !selected;
  }
  recordEvent("tab_viewed", name);
  if (name === "products") {
    const first = document.querySelector(".product.intended") || document.querySelector(".product");
    if (first && !first.open) first.open = true;
  } else if (name === "cases" && data.cases) {
    speaker.say(data.cases.narration, data.cases.speech);
  } else if (name === "site") {
    speaker.say(data.site.narration, data.site.speech, {
      after: () => {
        if (data.site.url) window.open(data.site.url, "_blank", "noopener");
      },
    });
  }
}
for (const tab of document.querySelectorAll("[data-tab]")) {
  tab.addEventListener("click", () => openTab(tab.dataset.tab));
}
for (const product of document.querySelectorAll(".product")) {
  product.addEventListener("toggle", () => {
    if (!product.open) return;
    const entry = data.products[product.dataset.product];
    if (entry) speaker.say(entry.narration, entry.speech);
  });
}
for (const buy of document.querySelectorAll("a.buy")) {
  buy.addEventListener("click", () => recordEvent("purchase_clicked", "products", Number(buy.dataset.product)));
}

// --- Sharing -----------------------------------------------------------------------------------------
$("share").addEventListener("click", async () => {
  recordEvent("shared", navigator.share ? "web-share" : "panel");
  if (navigator.share) {
    try {
      await navigator.share({ title: document.title, url: data.shareUrl });
      return;
    } catch (error) {
      if (error.name === "AbortError") return;
    }
  }
  $("share-panel").hidden = !$("share-panel").hidden;
});
$("copy-link").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(data.shareUrl);
  } catch {
    window.prompt("", data.shareUrl);
  }
  $("copied").textContent = data.texts.copied;
});

$("usage-consent").addEventListener("change", (event) => post(data.endpoints.consent, { usage_data: event.target.checked }));

// --- Chat ---------------------------------------------------------------------------------------------
let lastId = data.lastMessageId;

// The input bar sticks to the bottom of the screen and the tabs to the top: whatever just appeared (the newest
// message, the typing dots, the purchase panel) is scrolled into the room between them, above the on-screen
// keyboard too (visualViewport), on every phone width.
const composer = $("composer");
const tabsBar = document.querySelector(".tabs");
const GAP = 8;

function measureBars() {
  const root = document.documentElement.style;
  root.setProperty("--composer-h", `${composer.offsetHeight}px`);
  const view = window.visualViewport;
  // Where the keyboard overlays the page instead of shrinking it (iOS), lift the bar by its height.
  const keyboard = view ? Math.max(0, window.innerHeight - view.height - view.offsetTop) : 0;
  root.setProperty("--keyboard", `${Math.round(keyboard)}px`);
}

function reveal(element) {
  if (!element || element.hidden || $("panel-chat").hidden) return;
  const view = window.visualViewport;
  const top = (view ? view.offsetTop : 0) + tabsBar.offsetHeight + GAP;
  const bottom = (view ? view.offsetTop + view.height : window.innerHeight) - composer.offsetHeight - GAP;
  const box = element.getBoundingClientRect();
  let delta = box.bottom > bottom ? box.bottom - bottom : 0;
  if (box.top - delta < top) delta = box.top - top; // taller than the room, or above it: show its start
  if (Math.abs(delta) >= 1) window.scrollBy({ top: delta, behavior: "instant" });
}

// What to keep in view: the purchase panel right after it appears, else the typing dots, else the newest message.
let pending = null;
let purchaseShownAt = 0;
function newest() {
  if (!$("purchase").hidden && performance.now() - purchaseShownAt < 1500) return $("purchase");
  if (!$("typing").hidden) return $("typing");
  return $("messages").lastElementChild;
}
function keepNewestInView() {
  if (pending) return;
  pending = requestAnimationFrame(() => {
    pending = null;
    measureBars();
    reveal(newest());
  });
}

new ResizeObserver(measureBars).observe(composer);
if (window.visualViewport) {
  const onViewport = () => {
    measureBars();
    if (document.activeElement === $("message-input")) keepNewestInView(); // the keyboard opened or closed
  };
  window.visualViewport.addEventListener("resize", onViewport);
  window.visualViewport.addEventListener("scroll", measureBars);
}
measureBars();

let typingTimer = 0;
function showTyping(on) {
  clearTimeout(typingTimer);
  $("typing").hidden = !on;
  if (on) typingTimer = setTimeout(() => showTyping(false), 12000); // never spin for ever
  keepNewestInView();
}

// A message has at most data.maxChars characters: a longer paste (or drop) keeps its start and says so.
function noteCut(total) {
  const note = $("composer-note");
  note.textContent = format(data.texts.pasteCut, { kept: data.maxChars, total });
  note.hidden = false;
}
$("message-input").addEventListener("input", (event) => {
  const input = event.target;
  if (input.value.length <= data.maxChars) return;
  const total = input.value.length;
  input.value = input.value.slice(0, data.maxChars);
  input.setSelectionRange(data.maxChars, data.maxChars);
  noteCut(total);
});

function showMessage(message) {
  if (message.id <= lastId) return false;
  lastId = message.id;
  const item = document.createElement("li");
  item.className = `message from-${message.sender}`;
  item.dataset.id = message.id;
  item.textContent = message.text;
  $("messages").append(item);
  if (message.sender !== "customer") showTyping(false);
  keepNewestInView();
  return true;
}

function showState(state, salesperson, { scroll = true } = {}) {
  const status = $("chat-status");
  const texts = {
    waiting: data.texts.joining,
    salesperson: data.texts.joined.replace("%(name)s", salesperson || data.salesperson),
    closed: data.texts.closed,
  };
  status.textContent = texts[state] || "";
  status.hidden = !texts[state];
  document.body.dataset.chatState = state;
  if (state === "salesperson" || state === "closed") showTyping(false);
  if (scroll) keepNewestInView(); // the status line above the messages moved them down
}

function showSuggestions(questions) {
  const box = $("suggestions");
  box.replaceChildren(
    ...questions.map((question) => {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.textContent = question;
      chip.addEventListener("click", () => send(question));
      return chip;
    }),
  );
}

function showPurchase(offer) {
  $("purchase-product").textContent = offer.product;
  $("purchase-link").href = offer.url;
  $("purchase-link").onclick = () => recordEvent("purchase_clicked", "chat", offer.product_id);
  $("purchase-qr").src = offer.qr;
  $("purchase").hidden = false;
  purchaseShownAt = performance.now();
  keepNewestInView();
  // The QR code arrives a moment later and may change the panel's height.
  $("purchase-qr").addEventListener("load", keepNewestInView, { once: true });
}

function showError(text) {
  showTyping(false);
  $("chat-error").textContent = text;
  $("chat-error").hidden = false;
}

function send(text) {
  text = text.trim();
  if (!text) return;
  if (!chat.send({ action: "say", text })) {
    showError(data.texts.reconnecting);
    return;
  }
  $("chat-error").hidden = true;
  $("composer-note").hidden = true;
  // A person answering writes in their own time; the bot answers at once.
  if (document.body.dataset.chatState !== "salesperson") showTyping(true);
}

function onFrame(frame) {
  if (frame.type === "message") {
    const fresh = showMessage(frame.message);
    if (fresh && frame.message.speech) speaker.say(frame.message.text, frame.message.speech);
    if (frame.message.purchase) showPurchase(frame.message.purchase);
    // After a complaint or an angry message the card does not go on selling.
    if (frame.message.withdraw_purchase) $("purchase").hidden = true;
  } else if (frame.type === "state") {
    showState(frame.state, frame.salesperson);
  } else if (frame.type === "ready") {
    if (frame.state !== "bot") showState(frame.state, "", { scroll: false });
  } else if (frame.type === "suggestions") {
    showSuggestions(frame.suggestions.map((s) => s.question));
  } else if (frame.type === "typing") {
    showTyping(frame.typing !== false);
  } else if (frame.type === "error") {
    showError(frame.message);
  }
}

// Every (re)open asks for the messages after the last one shown.
const chat = new ReconnectingSocket(data.socket, {
  resume: () => ({ action: "resume", after: lastId }),
  onFrame,
  // The page explains: the link is gone, or this browser must confirm it is the customer's.
  onStop: () => location.reload(),
});

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  send($("message-input").value);
  $("message-input").value = "";
});

showSuggestions(data.suggestions);
if (data.state !== "bot") showState(data.state, "", { scroll: false });
else document.body.dataset.chatState = "bot";
chat.start();
startAvatar();
speaker.say(data.greeting.text, data.greeting.speech); // S10: the face asks the greeting question
