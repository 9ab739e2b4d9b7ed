// The front-end every page shares (issue 18): the CSRF token, JSON requests whose failure has a clear message, and
// the page's live socket, which reconnects with one backoff policy and resumes where the page left off.
//
// A classic script, loaded with `defer` by the page head (templates/base_page.html), so it runs before the page's
// own script (deferred classic and module scripts run in document order) and works for both kinds: it puts one
// namespace on the window, `window.SalesCard`. The texts of its messages come translated from its script tag.
(() => {
  "use strict";

  const texts = (document.currentScript && document.currentScript.dataset) || {};

  // --- CSRF ----------------------------------------------------------------------------------------------------
  // Django's token from its cookie (CSRF_COOKIE_HTTPONLY is off so that scripts can send it back as X-CSRFToken).
  function csrfToken() {
    return (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  }

  // --- JSON requests -------------------------------------------------------------------------------------------
  class FetchError extends Error {
    constructor(message, status, data) {
      super(message);
      this.name = "FetchError";
      this.status = status; // 0: the server was not reached
      this.data = data; // the parsed answer, or null
    }
  }

  // The readable part of a refusal: DRF's "detail", else every field's messages in a row.
  function problemText(payload) {
    if (!payload || typeof payload !== "object") return "";
    if (typeof payload.detail === "string") return payload.detail;
    return Object.values(payload)
      .flat(Infinity)
      .filter((value) => typeof value === "string")
      .join(" ");
  }

  function showIn(target, message) {
    const element = typeof target === "string" ? document.getElementById(target) : target;
    if (!element) return;
    element.textContent = message;
    element.hidden = !message;
  }

  // A request that answers JSON. `body`: an object (sent as JSON) or FormData. Unsafe methods carry the CSRF token
  // unless the request sends no cookies. On success: the parsed answer ({} when empty). On failure: a FetchError
  // whose message says what went wrong (the server's own words, or a translated "unreachable"/"went wrong") —
  // thrown, or, when `error` names an element (or its id), shown there (textContent, unhidden) and null returned;
  // that element is hidden as the request starts. `describe(payload)` replaces the server-words reading.
  async function fetchJson(url, options = {}) {
    const { method = "GET", body, headers = {}, credentials = "same-origin", error = null } = options;
    const describe = options.describe || problemText;
    if (error) showIn(error, "");
    const init = { method, credentials, headers: { Accept: "application/json", ...headers } };
    if (options.referrerPolicy) init.referrerPolicy = options.referrerPolicy;
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    if (!/^(GET|HEAD|OPTIONS)$/i.test(method) && credentials !== "omit") init.headers["X-CSRFToken"] = csrfToken();
    let problem;
    try {
      const response = await fetch(url, init);
      const data = await response.json().catch(() => null);
      if (response.ok) return data ?? {};
      const message = describe(data || {}) || texts.failed || response.statusText || `HTTP ${response.status}`;
      problem = new FetchError(message, response.status, data);
    } catch (cause) {
      problem = new FetchError(texts.offline || cause.message, 0, null);
    }
    if (!error) throw problem;
    showIn(error, problem.message);
    return null;
  }

  // --- The live socket -----------------------------------------------------------------------------------------
  // One backoff policy for every page: the n-th retry in a row waits 1 s · 2^(n−1), at most 30 s, with jitter (half
  // to all of it, so that clients dropped together do not come back together); a successful open starts again
  // from 1 s. "Too many" (4429) waits at least a minute, or what the server said (holdOff).
  const BACKOFF = { baseMs: 1000, capMs: 30000, tooManyMs: 60000 };
  const jitter = (ms, random = Math.random) => Math.round(ms * (0.5 + random() / 2));
  const backoffDelay = (attempt, random = Math.random) =>
    jitter(Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** Math.max(0, attempt - 1)), random);

  // Close codes after which trying again cannot help: sign in again (4401), not allowed (4403), no such thing
  // (4404), gone (4410). The page decides what to show (onStop).
  const STOP_CODES = [4401, 4403, 4404, 4410];
  const TOO_MANY = 4429;

  // How long to wait before the attempt-th retry in a row after a close with `code`.
  const retryDelay = (attempt, code, random = Math.random) =>
    code === TOO_MANY
      ? Math.max(backoffDelay(attempt, random), jitter(BACKOFF.tooManyMs, random))
      : backoffDelay(attempt, random);

  const socketUrl = (path) =>
    /^wss?:/.test(path) ? path : `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;

  // new ReconnectingSocket(path, {resume, onOpen, onFrame, onStatus, onStop, stopCodes}).start()
  //   resume({reopened}) → the frame (object) that picks up where the page left off, sent first on every open
  //                        (an auth frame, "messages after id n"), or null;
  //   onOpen({reopened}) → after it (reopened: not the first open of this page);
  //   onFrame(frame)     → every JSON object frame (anything else is ignored);
  //   onStatus(live)     → true on open, false on close;
  //   onStop(event)      → closed with one of stopCodes: no more reconnecting until start() again.
  // send(frame) sends an object as JSON (false when not open); heartbeat(frame, ms, {now}) repeats a frame while
  // open; holdOff(seconds) delays the next reconnect; stop() closes for good.
  class ReconnectingSocket {
    constructor(path, { resume = null, onOpen = null, onFrame = null, onStatus = null, onStop = null, stopCodes = STOP_CODES } = {}) {
      Object.assign(this, { path, resume, onOpen, onFrame, onStatus, onStop, stopCodes });
      this.socket = null;
      this.attempt = 0; // failed tries since the last open
      this.opens = 0;
      this.timer = 0;
      this.pinger = 0;
      this.holdUntil = 0;
      this.stopped = true;
    }

    get isOpen() {
      return Boolean(this.socket) && this.socket.readyState === WebSocket.OPEN;
    }

    start() {
      this.stopped = false;
      clearTimeout(this.timer);
      if (!this.socket) this.open();
      return this;
    }

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      if (this.socket) this.socket.close(1000);
    }

    send(frame) {
      if (!this.isOpen) return false;
      this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      return true;
    }

    heartbeat(frame, ms, { now = false } = {}) {
      clearInterval(this.pinger);
      if (now) this.send(frame);
      this.pinger = setInterval(() => this.send(frame), ms);
    }

    holdOff(seconds) {
      this.holdUntil = Math.max(this.holdUntil, Date.now() + seconds * 1000);
    }

    open() {
      const socket = new WebSocket(socketUrl(this.path));
      this.socket = socket;
      socket.addEventListener("open", () => {
        if (socket !== this.socket) return;
        this.attempt = 0;
        const reopened = this.opens > 0;
        this.opens += 1;
        const frame = this.resume ? this.resume({ reopened }) : null;
        if (frame) this.send(frame);
        if (this.onStatus) this.onStatus(true);
        if (this.onOpen) this.onOpen({ reopened });
      });
      socket.addEventListener("message", (event) => {
        if (socket !== this.socket || !this.onFrame) return;
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          return;
        }
        if (frame && typeof frame === "object") this.onFrame(frame);
      });
      socket.addEventListener("close", (event) => {
        if (socket !== this.socket) return;
        this.socket = null;
        clearInterval(this.pinger);
        if (this.onStatus) this.onStatus(false);
        if (this.stopped) return;
        if (this.stopCodes.includes(event.code)) {
          this.stopped = true;
          if (this.onStop) this.onStop(event);
          return;
        }
        this.attempt += 1;
        const delay = Math.max(retryDelay(this.attempt, event.code), this.holdUntil - Date.now());
        this.timer = setTimeout(() => {
          if (!this.stopped && !this.socket) this.open();
        }, delay);
      });
    }
  }

  window.SalesCard = Object.freeze({
    csrfToken,
    fetchJson,
    FetchError,
    problemText,
    ReconnectingSocket,
    socketUrl,
    backoffDelay,
    retryDelay,
    BACKOFF,
    STOP_CODES,
  });
})();
