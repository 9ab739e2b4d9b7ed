// The staff smartwatch (SPEC B1, B2, B5, B6): pairing with the device token, choosing the branch, tasks with
// reminders (vibration, voice, ring, text) and a badge, the task page with the top 3 and the customer's sub-pages.
// All text from the server is inserted with textContent.

const { ReconnectingSocket } = window.SalesCard; // static/salescard/common.js
const texts = JSON.parse(document.getElementById("watch-texts").textContent);
const $ = (id) => document.getElementById(id);
const tasks = new Map();
let current = null;
let list = "pending";

function token() {
  const match = location.hash.match(/token=([\w-]+)/);
  if (match) {
    localStorage.setItem("watch-token", match[1]);
    history.replaceState(null, "", location.pathname); // the token does not stay in the address bar
  }
  return localStorage.getItem("watch-token");
}

function show(screen) {
  for (const id of ["pair", "branches", "tasks", "task", "sub", "finish"]) $(id).hidden = id !== screen;
}

function toast(text) {
  $("toast").textContent = text;
  $("toast").hidden = false;
  setTimeout(() => ($("toast").hidden = true), 4000);
}

// --- Reminders ---------------------------------------------------------------------------------------------
function ring() {
  try {
    const context = new AudioContext();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.6);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.6);
  } catch (error) {
    console.warn("no ring", error);
  }
}

function remind(task) {
  const kinds = task.reminders || [];
  const summary = `${texts.newTask}: ${task.customer.name}${task.business ? ` · ${task.business}` : ""}`;
  if (kinds.includes("vibrate") && navigator.vibrate) navigator.vibrate([200, 100, 200]);
  if (kinds.includes("ring")) ring();
  if (kinds.includes("voice") && task.speech) new Audio(task.speech).play().catch(() => {});
  if (kinds.includes("text")) toast(summary);
  document.body.dataset.reminded = String(task.id);
}

// --- Lists and pages ---------------------------------------------------------------------------------------
function isPending(task) {
  return !["done", "expired"].includes(task.status) && (!task.taken_by || task.mine);
}

function render() {
  const pending = [...tasks.values()].filter(isPending);
  $("badge").textContent = String(pending.length);
  $("badge").hidden = pending.length === 0;
  const shown = list === "pending" ? pending : [...tasks.values()].filter((t) => t.status === "done");
  $("task-list").replaceChildren(
    ...shown.map((task) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.task = task.id;
      if (!task.opened) button.classList.add("new");
      const name = document.createElement("span");
      name.textContent = task.customer.name;
      const sub = document.createElement("span");
      sub.className = "sub";
      sub.textContent = [task.ticket, task.business].filter(Boolean).join(" · ") || texts.noBusiness;
      button.append(name, sub);
      button.addEventListener("click", () => openTask(task.id));
      item.append(button);
      return item;
    }),
  );
  $("no-tasks").hidden = shown.length > 0;
  if (current && !$("task").hidden) fillTask(tasks.get(current));
}

function fillTask(task) {
  $("task-name").textContent = task.customer.name;
  $("task-business").textContent = [task.ticket, task.business].filter(Boolean).join(" · ");
  $("top3").replaceChildren(
    ...task.recommendations.map((r) => {
      const item = document.createElement("li");
      const product = document.createElement("div");
      product.className = "p";
      product.textContent = `${r.product}${r.probability ? ` ${Math.round(r.probability * 100)}%` : ""}`;
      const why = document.createElement("div");
      why.className = "why";
      why.textContent = r.reason;
      item.append(product, why);
      return item;
    }),
  );
  const takenByOther = task.taken_by && !task.mine;
  $("task-taken").hidden = !task.taken_by;
  $("task-taken").textContent = task.mine ? texts.yours : `${texts.takenBy} ${task.taken_by}`;
  $("accept").hidden = Boolean(task.taken_by) || takenByOther;
  $("start").hidden = !task.mine || task.status !== "viewed";
  $("end").hidden = !task.mine || !["viewed", "started"].includes(task.status);
  $("segment-form").hidden = !task.mine || task.status !== "started";
}

function openFinish() {
  const task = tasks.get(current);
  const options = [[null, texts.nothingBought], ...(task.demand.needs || []).map((n) => [n.product_id, n.product])];
  $("bought").replaceChildren(
    ...options.map(([id, name]) => {
      const option = document.createElement("option");
      option.value = id === null ? "" : String(id);
      option.textContent = name;
      return option;
    }),
  );
  show("finish");
}

function openTask(id) {
  const task = tasks.get(id);
  current = id;
  task.opened = true;
  send({ action: "ack", task: id });
  fillTask(task);
  show("task");
  render();
}

function openSub(kind) {
  const task = tasks.get(current);
  const rows = [];
  if (kind === "info") {
    const c = task.customer;
    const married = c.married === null || c.married === undefined ? "—" : c.married ? texts.yes : texts.no;
    rows.push([texts.name, c.name], [texts.age, c.age ?? "—"], [texts.gender, c.gender_label || "—"]);
    rows.push([texts.residence, c.residence || "—"], [texts.married, married]);
  } else if (kind === "assets") {
    for (const [key, value] of Object.entries(task.demand.assets || {})) {
      rows.push([texts.assets[key] || key, `¥${Number(value).toLocaleString()}`]);
    }
  } else {
    for (const [topic, values] of Object.entries(task.demand.preferences || {})) {
      // Topics and interest codes are keys of the customer record: shown by their names, never raw.
      const shown = [].concat(values).map((v) => (topic === "interests" && texts.categories[v]) || String(v));
      rows.push([texts.preferenceTopics[topic] || topic.replaceAll("_", " "), shown.join("、")]);
    }
    for (const feature of (task.demand.portrait || {}).preferences || []) rows.push([feature.label, feature.value]);
    if (!rows.length) rows.push(["—", texts.none]);
  }
  $("sub-title").textContent = texts.subTitles[kind];
  $("sub-body").replaceChildren(
    ...rows.flatMap(([label, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value;
      return [dt, dd];
    }),
  );
  show("sub");
}

function chooseBranches(branches) {
  $("branch-list").replaceChildren(
    ...branches.map((branch) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = branch.name;
      button.addEventListener("click", () => send({ action: "bind", branch: branch.code }));
      item.append(button);
      return item;
    }),
  );
  show("branches");
}

// --- The connection ----------------------------------------------------------------------------------------
// Every (re)open authenticates with the device token; the server then sends every open task not yet acknowledged.
function onFrame(frame) {
  if (frame.type === "ready") {
    document.body.dataset.live = "true";
    texts.categories = frame.categories || {}; // the watch's organisation's, known once the token is accepted
    live.heartbeat({ action: "ping" }, frame.heartbeat.interval * 1000);
    $("branch-name").textContent = frame.branch ? (frame.branches.find((b) => b.code === frame.branch) || {}).name : "";
    if (frame.branch) show(current ? "task" : "tasks");
    else chooseBranches(frame.branches);
  } else if (frame.type === "bound") {
    $("branch-name").textContent = frame.name;
    show("tasks");
  } else if (frame.type === "task") {
    const known = tasks.get(frame.task.id);
    tasks.set(frame.task.id, { ...frame.task, opened: known ? known.opened : false, mine: known ? known.mine : false });
    if (!known || frame.reminder) remind(frame.task);
    render();
  } else if (frame.type === "accepted") {
    tasks.set(frame.task.id, { ...frame.task, opened: true, mine: true });
    render();
  } else if (frame.type === "taken") {
    const task = tasks.get(frame.task);
    if (task) {
      task.taken_by = frame.by || texts.colleague;
      task.mine = frame.mine;
      render();
    }
  } else if (frame.type === "status") {
    const task = tasks.get(frame.task);
    if (task) {
      task.status = frame.status;
      render();
    }
  } else if (frame.type === "recommendations") {
    const task = tasks.get(frame.task);
    if (task) {
      task.recommendations = frame.recommendations;
      if (navigator.vibrate) navigator.vibrate(100);
      toast(texts.updated);
      render();
    }
  } else if (frame.type === "ended") {
    toast(`${texts.thanks} ${texts.tiers[frame.tier] || ""}`);
    show("tasks");
  } else if (frame.type === "ping") {
    send({ action: "pong" });
  } else if (frame.type === "error") {
    toast(frame.message);
    if (frame.retry_after) live.holdOff(frame.retry_after); // too many unknown tokens: the server says how long
  }
}

const live = new ReconnectingSocket("/ws/wearable/", {
  resume: () => ({ action: "auth", token: localStorage.getItem("watch-token") }),
  onFrame,
  onStatus: (open) => {
    if (!open) document.body.dataset.live = "false"; // live once the token is accepted ("ready")
  },
  onStop: (event) => {
    // 4401 unknown token, 4403 revoked or expired: pair again.
    localStorage.removeItem("watch-token");
    $("pair-error").textContent = event.code === 4403 ? texts.revoked : texts.unknownToken;
    $("pair-error").hidden = false;
    show("pair");
  },
});

const send = (frame) => live.send(frame);

function connect() {
  if (!token()) {
    show("pair");
    return;
  }
  live.start();
}

$("pair-form").addEventListener("submit", (event) => {
  event.preventDefault();
  localStorage.setItem("watch-token", $("token").value.trim());
  $("pair-error").hidden = true;
  connect();
});
$("accept").addEventListener("click", () => send({ action: "accept", task: current }));
$("start").addEventListener("click", () => send({ action: "start", task: current }));
$("end").addEventListener("click", openFinish);
$("segment-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("segment").value.trim();
  if (!text) return;
  send({ action: "segment", task: current, text });
  $("segment").value = "";
});
$("finish-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const bought = $("bought").value;
  const preferences = $("actual-preferences").value.split(/[,，、]/).map((p) => p.trim()).filter(Boolean);
  send({
    action: "end",
    task: current,
    success: $("success").checked,
    product: bought ? Number(bought) : null,
    preferences,
  });
});
for (const button of document.querySelectorAll("[data-back]")) {
  button.addEventListener("click", () => show(button.dataset.back));
}
for (const button of document.querySelectorAll("[data-sub]")) {
  button.addEventListener("click", () => openSub(button.dataset.sub));
}
for (const button of document.querySelectorAll("[data-list]")) {
  button.addEventListener("click", () => {
    list = button.dataset.list;
    for (const other of document.querySelectorAll("[data-list]")) other.setAttribute("aria-selected", String(other === button));
    render();
  });
}
connect();
