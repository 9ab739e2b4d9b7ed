// The call assistant's page (SPEC V1, V7–V9): live capture from the microphone or an uploaded recording; the
// transcript with an emotion colour per sentence and the top-3 replies, both updating live from the salesperson's
// socket (/ws/sales/, frames call.status / call.segment / call.suggestions); "used it", a rating, or sending the
// reply to the customer. Customer-provided text is inserted with textContent only.

const script = document.querySelector("script[data-api]");
const text = script.dataset;
const $ = (id) => document.getElementById(id);
const { fetchJson, ReconnectingSocket, socketUrl } = window.SalesCard; // static/salescard/common.js
const labels = JSON.parse($("labels").textContent);

let call = JSON.parse($("call-data").textContent); // the call shown, or null
const segments = new Map(); // index → segment
const suggestions = new Map(); // segment index → suggestions
let selected = null; // the segment whose replies are shown; null follows the newest

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

// --- Rendering -----------------------------------------------------------------------------------------------------
function clock(seconds) {
  const s = Math.max(0, seconds || 0);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${(s % 60).toFixed(1).padStart(4, "0")}`;
}

function span(className, content) {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = content;
  return element;
}

function soundSummary(sound) {
  if (!sound || sound.f0_mean == null) return "";
  const parts = [`F0 ${Math.round(sound.f0_mean)} Hz`];
  if (sound.speaking_rate) parts.push(`${sound.speaking_rate.toFixed(1)} syll/s`);
  if (sound.intonation && sound.intonation !== "unknown") parts.push(sound.intonation);
  return parts.join(" · ");
}

function renderSegment(segment) {
  segments.set(segment.index, segment);
  let item = document.getElementById(`segment-${segment.index}`);
  if (!item) {
    item = document.createElement("li");
    item.id = `segment-${segment.index}`;
    item.tabIndex = 0;
    item.addEventListener("click", () => select(segment.index));
    const list = $("segments");
    const after = [...list.children].find((li) => Number(li.dataset.index) > segment.index);
    list.insertBefore(item, after || null);
  }
  item.dataset.index = segment.index;
  item.className = `segment emotion-${segment.emotion}${selected === segment.index ? " selected" : ""}`;
  item.replaceChildren(
    span("time", clock(segment.start)),
    span("text", segment.text),
    span("emotion", labels.emotions[segment.emotion] || segment.emotion),
    span("meta", [labels.scenes[segment.scene] || segment.scene, soundSummary(segment.sound)].filter(Boolean).join(" · ")),
  );
  $("no-segments").hidden = true;
  item.scrollIntoView({ block: "nearest" });
}

function select(index) {
  selected = selected === index ? null : index;
  for (const li of $("segments").children) li.classList.toggle("selected", Number(li.dataset.index) === selected);
  renderSuggestions();
}

function shownIndex() {
  if (selected !== null) return selected;
  const indexes = [...suggestions.keys()].filter((i) => suggestions.get(i).length);
  return indexes.length ? Math.max(...indexes) : null;
}

function renderSuggestions() {
  const index = shownIndex();
  const list = $("suggestions");
  list.replaceChildren();
  if (index === null) {
    $("suggestions-for").textContent = "";
    return;
  }
  const segment = segments.get(index);
  $("suggestions-for").textContent = segment ? `“${segment.text}”` : "";
  for (const suggestion of suggestions.get(index) || []) list.append(suggestionCard(suggestion));
}

function suggestionCard(suggestion) {
  const item = document.createElement("li");
  item.className = `suggestion${suggestion.used ? " used" : ""}`;
  item.dataset.id = suggestion.id;
  item.append(span("reply", suggestion.text), span("reasons muted", (suggestion.reasons || []).join(" · ")));
  const actions = document.createElement("div");
  actions.className = "actions";
  const used = document.createElement("button");
  used.type = "button";
  used.className = "use";
  used.textContent = text.textUsed;
  used.disabled = suggestion.used;
  used.addEventListener("click", () => feedback(suggestion, { used: true }));
  const rating = document.createElement("select");
  rating.className = "rating";
  rating.setAttribute("aria-label", text.textRate);
  rating.append(new Option(text.textRate, ""));
  for (const [value, label] of Object.entries(labels.ratings)) {
    const option = new Option(label, value);
    option.selected = suggestion.rating === labels.rating_scores[value];
    rating.append(option);
  }
  rating.addEventListener("change", () => rating.value && feedback(suggestion, { rating: rating.value }));
  const send = document.createElement("button");
  send.type = "button";
  send.className = "send";
  send.textContent = suggestion.sent ? text.textSent : text.textSend;
  send.disabled = suggestion.sent;
  send.addEventListener("click", () => post(`${call.id}/suggestions/${suggestion.id}/send/`, {}));
  actions.append(used, rating, send);
  item.append(actions);
  return item;
}

function setSuggestions(index, list) {
  suggestions.set(index, list);
  renderSuggestions();
}

function updateOne(updated) {
  const list = suggestions.get(updated.segment) || [];
  setSuggestions(updated.segment, list.map((s) => (s.id === updated.id ? updated : s)));
}

function renderStatus(status) {
  if (!call) return;
  Object.assign(call, status);
  const chip = $("call-status");
  chip.hidden = false;
  chip.dataset.status = status.status;
  chip.textContent = labels.statuses[status.status] || status.status;
  $("call-progress").textContent =
    status.status === "failed" ? status.error || "" : status.status === "transcribing" && call.source !== "live"
      ? `${text.textProgress} ${Math.round((status.progress || 0) * 100)}%` : "";
}

function renderOutcome() {
  $("outcome-bar").hidden = !call;
  if (!call) return;
  for (const button of document.querySelectorAll("#outcome-bar button")) {
    button.classList.toggle("primary", button.dataset.outcome === call.outcome);
  }
}

for (const button of document.querySelectorAll("#outcome-bar button")) {
  button.addEventListener("click", async () => {
    const body = { outcome: button.dataset.outcome };
    const data = await fetchJson(`${text.api}${call.id}/outcome/`, { method: "POST", body, error: "error" });
    if (!data) return;
    call.outcome = data.outcome;
    renderOutcome();
  });
}

function load(data) {
  call = data;
  $("segments").replaceChildren();
  segments.clear();
  suggestions.clear();
  for (const segment of data.segments || []) renderSegment(segment);
  const grouped = new Map();
  for (const suggestion of data.suggestions || []) {
    grouped.set(suggestion.segment, [...(grouped.get(suggestion.segment) || []), suggestion]);
  }
  for (const [index, list] of grouped) suggestions.set(index, list);
  renderStatus(data);
  renderSuggestions();
  renderOutcome();
}

// --- API -----------------------------------------------------------------------------------------------------------
// A refusal is shown in #error and null comes back.
async function post(path, body) {
  const data = await fetchJson(`${text.api}${path}`, { method: "POST", body, error: "error" });
  if (data) updateOne(data);
  return data;
}

const feedback = (suggestion, body) => post(`${call.id}/suggestions/${suggestion.id}/feedback/`, body);

async function refresh() {
  if (!call || !call.id) return;
  const data = await fetchJson(`${text.api}${call.id}/`).catch(() => null);
  if (data) load(data);
}

$("upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("");
  const file = $("recording").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("customer", $("customer").value);
  form.append("language", $("language").value);
  form.append("recording", file);
  $("upload").disabled = true;
  const data = await fetchJson(text.api, { method: "POST", body: form, error: "error" });
  $("upload").disabled = false;
  if (!data) return;
  location.assign(`${text.pageUrl}${data.id}/`);
});

$("customer").addEventListener("change", () => {
  const option = $("customer").selectedOptions[0];
  if (option) $("language").value = option.dataset.language === "en" ? "en" : option.dataset.language === "yue" ? "yue" : "zh-hans";
});

// --- The salesperson's socket: pushed segments and suggestions -------------------------------------------------------
// Every (re)open reloads the call shown: whatever happened while the socket was down.
const live = new ReconnectingSocket("/ws/sales/", {
  onOpen: () => refresh(),
  onFrame: (frame) => {
    if (!call) return;
    if (frame.type === "call.status" && frame.call.id === call.id) {
      renderStatus(frame.call);
      if (frame.call.status === "done" && call.source !== "live") refresh();
    } else if (frame.type === "call.segment" && frame.call === call.id) {
      renderSegment(frame.segment);
    } else if (frame.type === "call.suggestions" && frame.call === call.id) {
      setSuggestions(frame.segment, frame.suggestions);
    }
  },
});

// --- Live capture ----------------------------------------------------------------------------------------------------
let capture = null;

async function start() {
  showError("");
  const option = $("customer").selectedOptions[0];
  if (!option) return;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
    });
  } catch (error) {
    showError(`${text.textMic}: ${error.message}`);
    return;
  }
  const context = new AudioContext({ sampleRate: 16000 });
  await context.audioWorklet.addModule(text.worklet);
  const node = new AudioWorkletNode(context, "pcm-capture");
  const mute = context.createGain();
  mute.gain.value = 0;
  context.createMediaStreamSource(stream).connect(node).connect(mute).connect(context.destination);
  // One call, one connection: a dropped one ends the call on the server (no reconnecting).
  const socket = new WebSocket(socketUrl("/ws/calls/live/"));
  socket.binaryType = "arraybuffer";
  capture = { stream, context, socket, started: false };
  node.port.onmessage = (event) => {
    if (capture && capture.started && socket.readyState === WebSocket.OPEN) socket.send(event.data);
  };
  socket.addEventListener("open", () =>
    socket.send(JSON.stringify({ action: "start", customer: Number(option.value), language: $("language").value })),
  );
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "started") {
      capture.started = true;
      load({ id: frame.call, status: "transcribing", source: "live", segments: [], suggestions: [] });
      $("call-name").textContent = option.textContent;
      history.replaceState(null, "", `${text.pageUrl}${frame.call}/`);
      $("capture-state").textContent = text.textStarted;
      $("start").disabled = true;
      $("stop").disabled = false;
    } else if (frame.type === "segment" && call && frame.call === call.id) {
      renderSegment(frame.segment);
    } else if (frame.type === "suggestions" && call && frame.call === call.id) {
      setSuggestions(frame.segment, frame.suggestions);
    } else if (frame.type === "stopped") {
      $("capture-state").textContent = "";
      socket.close();
      refresh();
    } else if (frame.type === "error") {
      showError(frame.message);
      if (!capture.started) release();
    }
  });
}

function release() {
  if (!capture) return;
  capture.stream.getTracks().forEach((track) => track.stop());
  capture.context.close();
  $("start").disabled = false;
  $("stop").disabled = true;
}

function stop() {
  if (!capture) return;
  const { socket } = capture;
  release();
  capture.started = false;
  $("capture-state").textContent = text.textStopped;
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ action: "stop" }));
}

$("start").addEventListener("click", start);
$("stop").addEventListener("click", stop);

if (call) load(call);
live.start();
