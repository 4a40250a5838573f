/* soko scan component, shared by the handheld, station and dock pages.
 *
 * SokoScan.attach({input, onScan, camera, pending, headers, onLateAnswer})
 * keeps a scan input focused and reads keyboard-wedge scanners (code + Enter
 * or Tab) and the camera. SokoScan.send({url, body, meta}) posts a scan with
 * a client-made scan_id; when the network is down the scan waits in an
 * IndexedDB outbox and is sent again, in order and with the same id, so the
 * server applies it exactly once. SokoScan.signal(kind) beeps, vibrates and
 * flashes the screen: kind is "ok", "error" or "warn". */
(function () {
  'use strict';
  var lang = document.documentElement.lang === 'en' ? 'en' : 'ja';
  var T = {
    ja: {pending: '未送信 {n}件', queued: '通信できません。スキャンを保存しました（未送信 {n}件）', nocam: 'カメラを使えません', nodecoder: 'バーコードの読み取り機能を読み込めません', close: '閉じる', aim: 'バーコードを枠に入れてください'},
    en: {pending: '{n} not sent', queued: 'No connection. Scan saved ({n} not sent)', nocam: 'Camera not available', nodecoder: 'The barcode reader could not load', close: 'Close', aim: 'Hold the barcode in view'}
  }[lang];
  var RETRY = [0, 429, 502, 503, 504]; // answers that mean "not applied, try again later"
  var TIMEOUT = 10000;
  var vendor = ((document.currentScript && document.currentScript.src) || '/static/scan.js').replace(/[^/]*$/, '') + 'vendor/zxing-wasm/';
  var opts = {headers: function () { return {}; }};

  function fmt(s, n) { return s.replace('{n}', n); }

  function scanId() {
    var b = new Uint8Array(16), s = '';
    crypto.getRandomValues(b);
    for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
  }

  // ---- feedback: sound, vibration, colour ----
  var audio, flash;
  var TONES = {
    ok: [[1760, 0, 0.09]],
    warn: [[988, 0, 0.1], [988, 0.16, 0.1]],
    error: [[220, 0, 0.16], [185, 0.2, 0.16], [147, 0.4, 0.3]]
  };
  var BUZZ = {ok: 40, warn: [70, 60, 70], error: [220, 80, 220, 80, 220]};

  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === 'suspended') audio.resume();
      var t0 = audio.currentTime + 0.01;
      (TONES[kind] || TONES.error).forEach(function (n) {
        var o = audio.createOscillator(), g = audio.createGain(), t = t0 + n[1];
        o.type = kind === 'error' ? 'square' : 'sine';
        o.frequency.value = n[0];
        g.gain.setValueAtTime(0.0001, t);
        g.gain.exponentialRampToValueAtTime(0.35, t + 0.01);
        g.gain.exponentialRampToValueAtTime(0.0001, t + n[2]);
        o.connect(g);
        g.connect(audio.destination);
        o.start(t);
        o.stop(t + n[2] + 0.02);
      });
    } catch (e) { /* no sound on this device: colour and text still show */ }
  }

  function signal(kind) {
    beep(kind);
    if (navigator.vibrate) navigator.vibrate(BUZZ[kind] || BUZZ.error);
    if (!flash) {
      flash = document.createElement('div');
      flash.className = 'scan-flash';
      flash.style.cssText = 'position:fixed;left:0;top:0;right:0;bottom:0;pointer-events:none;opacity:0;z-index:90';
      document.body.appendChild(flash);
    }
    flash.style.background = kind === 'ok' ? '#0a8a2a' : kind === 'warn' ? '#ffb300' : '#d00000';
    if (flash.animate) flash.animate([{opacity: 0.8}, {opacity: 0}], {duration: kind === 'ok' ? 350 : 900, easing: 'ease-out'});
  }

  // ---- the outbox ----
  var dbp, mem = [], memSeq = 0;
  function idb() {
    if (!dbp) {
      dbp = new Promise(function (resolve) {
        var r;
        try { r = indexedDB.open('soko-scans', 1); } catch (e) { resolve(null); return; }
        r.onupgradeneeded = function () { r.result.createObjectStore('outbox', {keyPath: 'seq', autoIncrement: true}); };
        r.onsuccess = function () { resolve(r.result); };
        r.onerror = r.onblocked = function () { resolve(null); };
      });
    }
    return dbp;
  }
  // box runs one request on the outbox store; without IndexedDB (or when it
  // fails) the scans wait in memory instead, which is still better than losing them.
  function box(mode, op, fallback) {
    return idb().then(function (db) {
      if (!db) return fallback();
      return new Promise(function (resolve, reject) {
        var tx = db.transaction('outbox', mode), req = op(tx.objectStore('outbox'));
        tx.oncomplete = function () { resolve(req.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      }).catch(fallback);
    });
  }
  function listQueued() {
    return box('readonly', function (s) { return s.getAll(); }, function () { return []; })
      .then(function (db) { return db.concat(mem).sort(function (a, b) { return a.at - b.at || a.seq - b.seq; }); });
  }
  function putQueued(e) {
    return box('readwrite', function (s) { return s.add(e); }, function () { e.seq = ++memSeq; e.mem = true; mem.push(e); });
  }
  function dropQueued(e) {
    if (e.mem) {
      mem = mem.filter(function (m) { return m !== e; });
      return Promise.resolve();
    }
    return box('readwrite', function (s) { return s.delete(e.seq); }, function () {});
  }

  var chain = Promise.resolve(), held = true, flushWaiting = false, timer = null;

  function post(url, body) {
    var ctl = window.AbortController ? new AbortController() : null;
    var stop = setTimeout(function () { if (ctl) ctl.abort(); }, TIMEOUT);
    var h = {'Content-Type': 'application/json', Accept: 'application/json'}, extra = opts.headers();
    for (var k in extra) h[k] = extra[k];
    return fetch(url, {method: 'POST', headers: h, body: JSON.stringify(body), credentials: 'same-origin', signal: ctl && ctl.signal})
      .then(function (r) {
        if (RETRY.indexOf(r.status) >= 0) return {offline: true, status: r.status};
        return r.text().then(function (text) {
          var data = {};
          try { data = text ? JSON.parse(text) : {}; } catch (e) { /* not JSON: keep the status */ }
          return {ok: r.ok, status: r.status, data: data, replayed: r.headers.get('Scan-Replayed') === 'true'};
        });
      })
      .catch(function () { return {offline: true, status: 0}; })
      .then(function (a) { clearTimeout(stop); return a; });
  }

  function showPending() {
    return listQueued().then(function (q) {
      var el = opts.pending;
      if (el) {
        el.textContent = fmt(T.pending, q.length);
        el.hidden = q.length === 0;
      }
      if (q.length && !timer) timer = setInterval(flush, 5000);
      if (!q.length && timer) { clearInterval(timer); timer = null; }
      return q.length;
    });
  }

  function enqueue(req) {
    return putQueued({url: req.url, body: req.body, meta: req.meta || null, at: Date.now()})
      .then(showPending)
      .then(function (n) { return {queued: true, pending: n, message: fmt(T.queued, n)}; });
  }

  // send posts one scan after every scan before it has been answered, so
  // the server sees scans in the order they were made. The answer is
  // {ok, status, data, replayed}, or {queued, pending, message} when the
  // scan had to wait in the outbox.
  function send(req) {
    if (!req.body.scan_id) req.body.scan_id = scanId();
    var p = chain.then(function () {
      return listQueued().then(function (q) {
        if (q.length || held) return enqueue(req);
        return post(req.url, req.body).then(function (a) {
          if (a.offline) return enqueue(req);
          if (a.status !== 401) return a;
          // Signed out meanwhile: keep the scan for after the next sign-in.
          hold();
          return enqueue(req).then(function (q) { q.status = 401; q.data = a.data; return q; });
        });
      });
    });
    chain = p.catch(function () {});
    return p;
  }

  // flush sends waiting scans, oldest first, and stops at the first that
  // still cannot get through; a session that ended holds the outbox until
  // the page signs in again and calls resume.
  function flush() {
    if (held || flushWaiting) return chain;
    flushWaiting = true;
    var p = chain.then(function next() {
      flushWaiting = false;
      return listQueued().then(function (q) {
        if (!q.length || held) return;
        var e = q[0];
        return post(e.url, e.body).then(function (a) {
          if (a.offline) return;
          if (a.status === 401) {
            hold();
            if (opts.onLateAnswer) opts.onLateAnswer(a, e.body, e.meta);
            return;
          }
          return dropQueued(e).then(function () {
            if (opts.onLateAnswer) opts.onLateAnswer(a, e.body, e.meta);
            return next();
          });
        });
      });
    }).then(showPending, showPending);
    chain = p.catch(function () {});
    return p;
  }

  function hold() { held = true; }
  function resume() { held = false; return flush(); }

  window.addEventListener('online', function () { flush(); });

  // ---- camera ----
  var decoderP, cam = null;
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  // decoder resolves to detect(video) → Promise of the code seen, or "".
  // BarcodeDetector when the browser has it, else zxing-wasm, fetched from
  // soko itself the first time the camera is used.
  function decoder() {
    if (decoderP) return decoderP;
    var native = 'BarcodeDetector' in window ? window.BarcodeDetector.getSupportedFormats().then(function (have) {
      var want = ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'itf', 'code_128', 'codabar', 'qr_code', 'data_matrix'].filter(function (f) { return have.indexOf(f) >= 0; });
      if (!want.length) throw new Error('no formats');
      var d = new window.BarcodeDetector({formats: want});
      return function (video) { return d.detect(video).then(function (r) { return r.length ? r[0].rawValue : ''; }); };
    }) : Promise.reject(new Error('no BarcodeDetector'));
    decoderP = native.catch(function () {
      return loadScript(vendor + 'zxing-reader.js').then(function () {
        var Z = window.ZXingWASM, canvas = document.createElement('canvas'), ctx = canvas.getContext('2d', {willReadFrequently: true});
        var options = {formats: ['EAN13', 'EAN8', 'UPCA', 'UPCE', 'ITF', 'Code128', 'Codabar', 'QRCode', 'DataMatrix'], tryHarder: true, maxNumberOfSymbols: 1};
        return Z.prepareZXingModule({overrides: {locateFile: function (path) { return vendor + path; }}, fireImmediately: true}).then(function () {
          return detect;
        });
        function detect(video) {
          var w = video.videoWidth, h = video.videoHeight;
          if (!w || !h) return Promise.resolve('');
          canvas.width = w;
          canvas.height = h;
          ctx.drawImage(video, 0, 0, w, h);
          return Z.readBarcodes(ctx.getImageData(0, 0, w, h), options).then(function (r) { return r.length && r[0].isValid ? r[0].text : ''; });
        }
      });
    });
    decoderP.catch(function () { decoderP = null; });
    return decoderP;
  }

  function closeCamera() {
    if (!cam) return;
    if (cam.stream) cam.stream.getTracks().forEach(function (t) { t.stop(); });
    cam.box.remove();
    cam = null;
  }

  function openCamera(done, fail) {
    if (cam) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { fail(T.nocam); return; }
    var box = document.createElement('div'), video = document.createElement('video'), note = document.createElement('p'), close = document.createElement('button');
    box.className = 'scan-camera';
    box.style.cssText = 'position:fixed;left:0;top:0;right:0;bottom:0;z-index:80;background:#000;color:#fff;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:12px';
    video.muted = true;
    video.setAttribute('playsinline', '');
    video.style.cssText = 'width:100%;max-height:70vh;object-fit:cover';
    note.textContent = T.aim;
    close.type = 'button';
    close.textContent = T.close;
    close.style.cssText = 'font-size:22px;min-height:56px;min-width:50%';
    close.onclick = closeCamera;
    box.append(video, note, close);
    document.body.appendChild(box);
    var me = cam = {box: box, stream: null};
    navigator.mediaDevices.getUserMedia({video: {facingMode: 'environment'}, audio: false}).then(function (stream) {
      if (cam !== me) { stream.getTracks().forEach(function (t) { t.stop(); }); return; }
      me.stream = stream;
      video.srcObject = stream;
      var playing = video.play();
      if (playing) playing.catch(function () { /* muted video may always play; the loop waits for frames */ });
      return decoder().then(function (detect) {
        (function look() {
          if (cam !== me) return;
          detect(video).then(function (code) {
            if (cam !== me) return;
            if (code) { closeCamera(); done(code); } else setTimeout(look, 120);
          }, function () { if (cam === me) setTimeout(look, 300); });
        })();
      });
    }, function () { throw T.nocam; }).catch(function (why) {
      if (cam === me) { closeCamera(); fail(typeof why === 'string' ? why : T.nodecoder); }
    });
  }

  // ---- the scan input ----
  var TEXTUAL = /^(text|number|password|search|tel|email|url|date)$/;
  function typing(el, input) {
    if (!el || el === input || el.disabled || el.readOnly) return false;
    return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable || (el.tagName === 'INPUT' && TEXTUAL.test(el.type));
  }

  // A scan ends on the scanner's terminator (Enter or Tab), however the
  // keyboard reports it: as "Enter", or — with an IME switched on — as
  // "Process" / "Unidentified" / keyCode 229 whose physical key is Enter,
  // in which case it commits the composition and the scan ends with the
  // commit. A scanner sends its characters far faster than anyone types,
  // so a fast burst followed by a pause ends a scan too, for keyboards that
  // report neither key nor code. Keys that name their characters come from
  // a keyboard that reports its Enter as well: for them the pause that ends
  // a scan is long (a scanner set up without any terminator), so a burst
  // held up on its way is not cut in two.
  var TERMINATORS = /^(Enter|NumpadEnter|Tab)$/;
  var BURST_GAP = 50;  // ms between characters, on average, at most: a scanner, not a hand
  var BURST_MIN = 4;   // characters before a burst counts as a scan
  var PAUSE = 250;     // ms without a character that ends a burst of IME or unnamed keys …
  var KEYED_PAUSE = 1000; // … and one of named keys
  function imeKey(e) { return e.keyCode === 229 || e.key === 'Process' || e.key === 'Unidentified'; }

  // clean is the one client-side normal form of a scanned code: what an IME
  // left in 全角 mode types (full-width letters, digits and signs, the long
  // vowel mark for '-') back in ASCII, line ends and spaces around it gone.
  // The server normalises each kind of code further (case, AIM prefixes).
  function clean(s) {
    var out = '';
    s = String(s);
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
      else if (c === 0x30fc || c === 0x2212 || c === 0x2010 || c === 0x2013 || c === 0x2014 || c === 0xff70) out += '-';
      else if (c === 0x3000) out += ' ';
      else if (c >= 32) out += s[i];
    }
    return out.trim();
  }

  function attach(o) {
    var input = o.input, composing = false, endOnCommit = false, first = 0, last = 0, pause = null, keyed = false;
    opts = {
      headers: o.headers || opts.headers,
      pending: o.pending || null,
      onLateAnswer: o.onLateAnswer || null
    };
    function submit() {
      var code = clean(input.value);
      clearTimeout(pause);
      first = 0;
      keyed = false;
      endOnCommit = false;
      input.value = '';
      if (code) o.onScan(code);
    }
    // scanned reports whether the characters in the field came as a scanner
    // sends them, one by one or all at once.
    function scanned() {
      var n = input.value.length;
      return n >= BURST_MIN && (last - first) / (n - 1) <= BURST_GAP;
    }
    // focus gives the scanner the keyboard, unless someone is typing
    // elsewhere; force takes it from them too (the page moved on).
    function focus(force) {
      if (!cam && document.activeElement !== input && (force === true || !typing(document.activeElement, input))) input.focus({preventScroll: true});
    }
    input.addEventListener('compositionstart', function () { composing = true; });
    input.addEventListener('compositionend', function () {
      composing = false;
      // The committed text reaches the field after this event.
      if (endOnCommit) setTimeout(submit, 0);
    });
    input.addEventListener('input', function () {
      clearTimeout(pause);
      if (!input.value) { first = 0; keyed = false; return; }
      last = Date.now();
      if (!first) first = last;
      pause = setTimeout(function () { if (scanned()) submit(); else { first = 0; keyed = false; } }, keyed ? KEYED_PAUSE : PAUSE);
    });
    input.addEventListener('keydown', function (e) {
      var enter = e.key === 'Enter' || e.keyCode === 13, tab = e.key === 'Tab' || e.keyCode === 9;
      if (e.key && e.key.length === 1 && !imeKey(e)) keyed = true;
      if ((enter || tab) && !composing && !e.isComposing) {
        if (tab && !input.value) return;
        e.preventDefault();
        submit();
        return;
      }
      if (!imeKey(e) && !e.isComposing && !enter) return;
      if (!TERMINATORS.test(e.code || '') && !enter) return;
      // The terminator went through the IME: it commits what it composed,
      // and the scan ends with the commit (or at once if nothing was composed).
      if (composing || e.isComposing) endOnCommit = true;
      else if (input.value) { e.preventDefault(); setTimeout(submit, 0); }
    });
    input.addEventListener('blur', function () { setTimeout(focus, 0); });
    // Keys typed while a button has focus belong to the scanner: send them
    // to the scan input instead of letting Enter press the button.
    document.addEventListener('keydown', function (e) {
      if (e.target === input || typing(e.target, input) || e.ctrlKey || e.altKey || e.metaKey || cam) return;
      if (e.key.length === 1 || imeKey(e)) {
        input.focus({preventScroll: true});
      } else if (e.key === 'Enter' && input.value) {
        e.preventDefault();
        submit();
      }
    }, true);
    document.addEventListener('click', function () { setTimeout(focus, 0); });
    document.addEventListener('visibilitychange', function () { if (!document.hidden) { focus(); flush(); } });
    if (o.camera) {
      o.camera.addEventListener('click', function () {
        openCamera(function (code) { o.onScan(clean(code)); setTimeout(focus, 0); }, function (msg) {
          signal('error');
          if (o.onCameraError) o.onCameraError(msg);
        });
      });
    }
    showPending();
    focus();
    return {focus: focus, submit: submit};
  }

  window.SokoScan = {
    attach: attach,
    send: send,
    flush: flush,
    hold: hold,
    resume: resume,
    pending: function () { return listQueued().then(function (q) { return q.length; }); },
    scanId: scanId,
    signal: signal,
    beep: beep
  };
})();
