// The customer's smart card (SPEC S8–S14): the talking avatar, tabs, sharing and the live chat.
// Every piece of text from the server is inserted with textContent, never as HTML.

const data = JSON.parse(document.getElementById("card-data").textContent);
const $ = (id) => document.getElementById(id);
const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

async function post(url, body) {
  try {
    await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
      credentials: "same-origin",
      // The page itself sends no referrer (its address holds the link); a same-origin post keeps its Origin header.
      referrerPolicy: "same-origin",
    });
  } catch (error) {
    console.warn("card event not recorded", error);
  }
}
const recordEvent = (kind, detail = "", productId = null) =>
  post(data.endpoints.events, { kind, detail, ...(productId ? { product_id: productId } : {}) });

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
    $("subtitle").textContent = text;
    if (this.muted || !url) {
      if (after) setTimeout(after, 1200);
      return;
    }
    this.queue.push({ url, after });
    if (this.audio.paused && this.queue.length === 1) this.play();
  }

  play() {
    const item = this.queue[0];
    if (!item) return;
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
let socket = null;
let retry = 0;

function showMessage(message) {
  if (message.id <= lastId) return false;
  lastId = message.id;
  const item = document.createElement("li");
  item.className = `message from-${message.sender}`;
  item.dataset.id = message.id;
  item.textContent = message.text;
  $("messages").append(item);
  item.scrollIntoView({ block: "nearest" });
  return true;
}

function showState(state, salesperson) {
  const status = $("chat-status");
  const texts = {
    waiting: data.texts.joining,
    salesperson: data.texts.joined.replace("%(name)s", salesperson || data.salesperson),
    closed: data.texts.closed,
  };
  status.textContent = texts[state] || "";
  status.hidden = !texts[state];
  document.body.dataset.chatState = state;
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
}

function showError(text) {
  $("chat-error").textContent = text;
  $("chat-error").hidden = false;
}

function send(text) {
  text = text.trim();
  if (!text) return;
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    showError(data.texts.reconnecting);
    return;
  }
  $("chat-error").hidden = true;
  socket.send(JSON.stringify({ action: "say", text }));
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}${data.socket}`);
  socket.addEventListener("open", () => {
    retry = 0;
    socket.send(JSON.stringify({ action: "resume", after: lastId }));
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "message") {
      const fresh = showMessage(frame.message);
      if (fresh && frame.message.speech) speaker.say(frame.message.text, frame.message.speech);
      if (frame.message.purchase) showPurchase(frame.message.purchase);
    } else if (frame.type === "state") {
      showState(frame.state, frame.salesperson);
    } else if (frame.type === "ready") {
      if (frame.state !== "bot") showState(frame.state, "");
    } else if (frame.type === "suggestions") {
      showSuggestions(frame.suggestions.map((s) => s.question));
    } else if (frame.type === "error") {
      showError(frame.message);
    }
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 4403 || event.code === 4404 || event.code === 4410) {
      location.reload(); // the page explains: the link is gone, or this browser must confirm it is the customer's
      return;
    }
    retry = Math.min(retry + 1, 6);
    setTimeout(connect, 500 * 2 ** retry); // back off: 1 s, 2 s, … 32 s
  });
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  send($("message-input").value);
  $("message-input").value = "";
});

showSuggestions(data.suggestions);
if (data.state !== "bot") showState(data.state, "");
connect();
startAvatar();
speaker.say(data.greeting.text, data.greeting.speech); // S10: the face asks the greeting question
