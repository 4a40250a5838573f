package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// key is one key event as a keyboard, or a keyboard behind an IME, reports it.
func key(typ input.DispatchKeyEventType, k, code string, keyCode int64) input.DispatchKeyEventParams {
	return input.DispatchKeyEventParams{Type: typ, Key: k, Code: code, WindowsVirtualKeyCode: keyCode}
}

// ime sends CDP Input commands one after another, as fast as the browser takes them.
func (h *handheld) ime(steps ...func(ctx context.Context) error) {
	h.t.Helper()
	h.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, s := range steps {
			if err := s(ctx); err != nil {
				return err
			}
		}
		return nil
	}))
}

func press(p input.DispatchKeyEventParams) func(context.Context) error {
	return func(ctx context.Context) error { _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); return err }
}

func compose(text string) func(context.Context) error {
	return func(ctx context.Context) error {
		n := int64(len([]rune(text)))
		_, err := chromedp.Call(ctx, input.ImeSetComposition, input.ImeSetCompositionParams{Text: text, SelectionStart: n, SelectionEnd: n})
		return err
	}
}

func insert(text string) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text})
		return err
	}
}

// fullWidth is what an IME left in 全角 mode makes of ASCII.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r <= '~' {
			return r + 0xfee0
		}
		return r
	}, s)
}

// digitCode is the physical key of a digit, as KeyboardEvent.code names it.
func digitCode(r rune) string { return "Digit" + string(r) }

// msIME types code as Chrome on Windows reports it with MS-IME in ひらがな
// mode: every key is "Process" (229) while the IME composes full-width
// digits, and the scanner's terminator (Enter or Tab) commits the
// composition without any key event of its own.
func msIME(code, terminator string) []func(context.Context) error {
	var steps []func(context.Context) error
	typed := ""
	for _, r := range code {
		typed += fullWidth(string(r))
		steps = append(steps,
			press(key(input.DispatchKeyEventTypeRawKeyDown, "Process", digitCode(r), 229)),
			compose(typed),
			press(key(input.DispatchKeyEventTypeKeyUp, string(r), digitCode(r), int64(r))))
	}
	return append(steps,
		press(key(input.DispatchKeyEventTypeRawKeyDown, "Process", terminator, 229)),
		insert(typed),
		press(key(input.DispatchKeyEventTypeKeyUp, terminator, terminator, map[string]int64{"Enter": 13, "Tab": 9}[terminator])))
}

// androidIME types code as an Android keyboard reports it: every key
// "Unidentified" (229), the characters composed as a word; end says how the
// scan ends after the commit.
func androidIME(code string, composed bool, end ...func(context.Context) error) []func(context.Context) error {
	var steps []func(context.Context) error
	typed := ""
	for _, r := range code {
		typed += string(r)
		steps = append(steps, press(key(input.DispatchKeyEventTypeRawKeyDown, "Unidentified", "", 229)))
		if composed {
			steps = append(steps, compose(typed))
		} else {
			steps = append(steps, insert(string(r)))
		}
		steps = append(steps, press(key(input.DispatchKeyEventTypeKeyUp, "Unidentified", "", 229)))
	}
	if composed {
		steps = append(steps, insert(typed))
	}
	return append(steps, end...)
}

// TestScan_IMEInBrowser receives a towel on the handheld once per way a
// scanner's code can reach the scan field — plain keys ended by Enter or
// Tab, through MS-IME in ひらがな mode (keys reported as "Process", the
// terminator committing the composition), through an Android keyboard
// (keys "Unidentified", with or without composition), and with no usable
// terminator at all (scanner timing) — and checks that each scan sends
// exactly one request, is counted once, and leaves the field empty for
// the next.
func TestScan_IMEInBrowser(t *testing.T) {
	site := mustHandheldSite(t)
	h := mustBrowser(t, site.URL+"/hh", screen{360, 640, true})
	var mu sync.Mutex
	posts := 0
	go func() {
		for ev, err := range chromedp.Events(h.ctx, network.RequestWillBeSent) {
			if err != nil {
				return
			}
			if ev.Request.Method == "POST" && strings.HasSuffix(ev.Request.URL, "/ops/receive") {
				mu.Lock()
				posts++
				mu.Unlock()
			}
		}
	}()
	h.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
		return err
	}))
	h.signIn()
	h.click("#m-receive")
	h.click("#no-asn")
	h.waitFor("the merchants", `document.querySelector('[data-merchant=SHOP]')`)
	h.click("[data-merchant=SHOP]")
	h.waitFor("the scan field to take focus", `document.activeElement.id === 'scan'`)

	enter := press(key(input.DispatchKeyEventTypeRawKeyDown, "Enter", "Enter", 13))
	for i, c := range []struct {
		name  string
		steps []func(context.Context) error
	}{
		{"Enter", []func(context.Context) error{func(ctx context.Context) error {
			return chromedp.Do(ctx, chromedp.KeyEvent(janTowel+"\r"))
		}}},
		{"Tab", []func(context.Context) error{func(ctx context.Context) error {
			return chromedp.Do(ctx, chromedp.KeyEvent(janTowel+"\t"))
		}}},
		{"MS-IME, Enter commits", msIME(janTowel, "Enter")},
		{"MS-IME, Tab commits", msIME(janTowel, "Tab")},
		{"MS-IME, Enter commits, then Enter again", append(msIME(janTowel, "Enter"), enter)},
		{"Android, composed, Enter after the commit", androidIME(janTowel, true, enter)},
		{"Android, Enter as Unidentified with its code", androidIME(janTowel, false,
			press(key(input.DispatchKeyEventTypeRawKeyDown, "Unidentified", "Enter", 229)))},
		{"Android, no terminator (scanner timing)", androidIME(janTowel, false,
			press(key(input.DispatchKeyEventTypeRawKeyDown, "Unidentified", "", 229)))},
		{"the whole code at once, no key events, no terminator (scanner timing)", []func(context.Context) error{insert(janTowel)}},
		{"named keys, no terminator (scanner timing, the longer pause)", []func(context.Context) error{func(ctx context.Context) error {
			return chromedp.Do(ctx, chromedp.KeyEvent(janTowel))
		}}},
	} {
		{
			h.do(chromedp.Evaluate[chromedp.Void](`(function(){var r=document.getElementById('result');r.textContent='';r.className=''})()`))
			h.ime(c.steps...)
			n := i + 1
			h.waitFor(fmt.Sprintf("%s: %d towels counted", c.name, n), fmt.Sprintf(`(function(){var r=document.querySelector('#rc-lines tr[data-sku=TOWEL] .received');return r&&r.textContent==='%d'})()`, n))
			h.expect("ok", "今治フェイスタオル")
			// Whatever else the keyboard sends arrives within the scanner's pause.
			time.Sleep(400 * time.Millisecond)
			mu.Lock()
			got := posts
			mu.Unlock()
			if got != n {
				t.Errorf("%s: %d requests after %d scans", c.name, got, n)
			}
			if v := h.eval(`document.getElementById('scan').value`); v != "" {
				t.Errorf("%s: the scan field keeps %q", c.name, v)
			}
			if r := h.text("#rc-lines tr[data-sku=TOWEL] .received"); r != fmt.Sprint(n) {
				t.Errorf("%s: %s towels counted after %d scans", c.name, r, n)
			}
		}
	}
	h.checkClean()
}

// TestScan_LatencyOnASlowPhone reports how long a picker waits from the
// scanner's Enter to the answer on screen, on a phone four times slower
// than this machine (CDP CPU throttling ×4), over twenty receipts of a
// towel. It is a figure for the closing note, not a pass mark:
// the machine running the tests sets the pace.
func TestScan_LatencyOnASlowPhone(t *testing.T) {
	site := mustHandheldSite(t)
	h := mustBrowser(t, site.URL+"/hh", screen{360, 640, true})
	h.signIn()
	h.click("#m-receive")
	h.click("#no-asn")
	h.waitFor("the merchants", `document.querySelector('[data-merchant=SHOP]')`)
	h.click("[data-merchant=SHOP]")
	h.waitFor("the scan field to take focus", `document.activeElement.id === 'scan'`)
	h.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4})
		return err
	}))
	// The page notes when Enter goes down and when the answer shows.
	h.do(chromedp.Evaluate[chromedp.Void](`(function () {
		window.__lat = []; var t0 = 0;
		document.addEventListener('keydown', function (e) { if (e.key === 'Enter') t0 = performance.now(); }, true);
		new MutationObserver(function () {
			var r = document.getElementById('result');
			if (t0 && r.classList.contains('ok')) { window.__lat.push(performance.now() - t0); t0 = 0; }
		}).observe(document.getElementById('result'), {childList: true, characterData: true, subtree: true, attributes: true});
	})()`))
	const n = 20
	for i := 1; i <= n; i++ {
		h.scan(janTowel)
		h.waitFor(fmt.Sprintf("%d towels", i), fmt.Sprintf(`window.__lat.length === %d`, i))
	}
	var lat []float64
	if err := json.Unmarshal([]byte(h.eval(`JSON.stringify(window.__lat)`)), &lat); err != nil {
		t.Fatal(err)
	}
	slices.Sort(lat)
	t.Logf("scan to answer on screen, CPU ×4, %d scans: median %.0f ms, p90 %.0f ms, max %.0f ms", n, lat[n/2], lat[n*9/10], lat[n-1])
	h.checkClean()
}
