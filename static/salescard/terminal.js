// The sales terminal (SPEC S13): the live inbox with a badge and a sound, and one conversation with the analysis
// of every customer message; actions go through the conversation API. Text is inserted with textContent only.

const script = document.querySelector("script[data-page]");
const page = script.dataset.page;
const $ = (id) => document.getElementById(id);
const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

let unseen = 0;
function bump() {
  unseen += 1;
  $("badge").textContent = String(unseen);
  $("badge").hidden = false;
  chime();
}
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) {
    unseen = 0;
    $("badge").hidden = true;
  }
});

// A short two-note chime from Web Audio (no sound file to ship).
function chime() {
  try {
    const context = new AudioContext();
    [660, 880].forEach((frequency, i) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, context.currentTime + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + i * 0.18 + 0.25);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(context.currentTime + i * 0.18);
      oscillator.stop(context.currentTime + i * 0.18 + 0.3);
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
    item.append(analysis);
  }
  $("messages").append(item);
  item.scrollIntoView({ block: "nearest" });
}

function showState(state) {
  $("conversation").dataset.state = state;
  $("state").textContent = labels().states[state] || state;
}

async function act(path, body) {
  $("error").hidden = true;
  const response = await fetch(`${script.dataset.api}${path}/`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    credentials: "same-origin",
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    $("error").textContent = problem.detail || (problem.text && problem.text.join(" ")) || response.statusText;
    $("error").hidden = false;
    return null;
  }
  return response.json();
}

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
let retry = 0;
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/sales/`);
  socket.addEventListener("open", () => {
    retry = 0;
    document.body.dataset.live = "true";
    if (conversationId) socket.send(JSON.stringify({ action: "watch", conversation: conversationId, after: lastId }));
  });
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "handoff") {
      bump();
      if (page === "inbox" && frame.push && frame.push.conversation_id) document.title = `(${unseen}) ${document.title.replace(/^\(\d+\) /, "")}`;
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
  });
  socket.addEventListener("close", (event) => {
    document.body.dataset.live = "false";
    if (event.code === 4401) {
      location.reload();
      return;
    }
    retry = Math.min(retry + 1, 6);
    setTimeout(connect, 500 * 2 ** retry);
  });
}

if (page === "conversation") setUpConversation();
connect();
