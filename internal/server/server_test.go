package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// MustServer returns a server on a fresh, migrated SQLite database.
func MustServer(tb testing.TB) (*Server, *storage.DB) {
	tb.Helper()
	db := storagetest.MustOpenSQLite(tb)
	db.Now = time.Now // these servers keep the real clock, unlike storagetest's
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return New(Config{Store: db, Logger: log, Version: "test", BodyLimit: "1K", ShutdownTimeout: 5 * time.Second}), db
}

func do(tb testing.TB, h http.Handler, method, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	tb.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeProblem(tb testing.TB, rec *httptest.ResponseRecorder) problem {
	tb.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		tb.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, rec.Body)
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		tb.Fatalf("problem body %q: %v", rec.Body, err)
	}
	return p
}

func TestHealth_LiveAndReady(t *testing.T) {
	srv, db := MustServer(t)
	if rec := do(t, srv, "GET", "/healthz", nil); rec.Code != 200 {
		t.Fatalf("healthz %d", rec.Code)
	}
	if rec := do(t, srv, "GET", "/readyz", nil); rec.Code != 200 {
		t.Fatalf("readyz %d %s", rec.Code, rec.Body)
	}
	db.Close()
	rec := do(t, srv, "GET", "/readyz", nil)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("readyz with the database closed: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := do(t, srv, "GET", "/healthz", nil); rec.Code != 200 {
		t.Fatalf("healthz must not depend on the database: %d", rec.Code)
	}
}

func TestErrors_ProblemInUsersLanguage(t *testing.T) {
	srv, _ := MustServer(t)
	ja := decodeProblem(t, do(t, srv, "GET", "/no/such/page", nil))
	if ja.Status != 404 || ja.Title != "見つかりません" || ja.RequestID == "" {
		t.Fatalf("japanese 404: %+v", ja)
	}
	en := decodeProblem(t, do(t, srv, "GET", "/no/such/page", nil, "Accept-Language", "en-US,en;q=0.9"))
	if en.Status != 404 || en.Title != "Not found" {
		t.Fatalf("english 404: %+v", en)
	}
}

func TestErrors_DomainCodesMapToStatuses(t *testing.T) {
	srv, _ := MustServer(t)
	cases := []struct {
		err    error
		status int
		detail string
	}{
		{soko.Errorf(soko.EINVALID, "bad").JA("不正です").WithField("sku", "required"), 422, "不正です"},
		{soko.Errorf(soko.ENOTFOUND, "none").JA("ありません"), 404, "ありません"},
		{soko.Errorf(soko.ECONFLICT, "dup"), 409, "dup"},
		{soko.Errorf(soko.EUNAUTHORIZED, "who"), 401, "who"},
		{soko.Errorf(soko.EFORBIDDEN, "no"), 403, "no"},
		{soko.Errorf(soko.ELOCKED, "locked"), 423, "locked"},
		{soko.Errorf(soko.EUNAVAILABLE, "down: dial tcp 10.0.0.9:5432"), 503, "一時的に利用できません。"},
		{io.ErrUnexpectedEOF, 500, "内部エラーが発生しました。リクエストID: "},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			srv.echo.GET("/test/"+t.Name(), func(echo.Context) error { return tc.err })
			rec := do(t, srv, "GET", "/test/"+t.Name(), nil)
			p := decodeProblem(t, rec)
			if rec.Code != tc.status || p.Status != tc.status || !strings.HasPrefix(p.Detail, tc.detail) {
				t.Fatalf("got %d %+v, want %d %q", rec.Code, p, tc.status, tc.detail)
			}
			if (tc.status == 500 && strings.Contains(rec.Body.String(), "unexpected EOF")) || strings.Contains(rec.Body.String(), "dial tcp") {
				t.Fatal("internal error details leaked to the client")
			}
			if tc.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
		})
	}
}

func TestPanic_AnswersProblemAndKeepsServing(t *testing.T) {
	srv, _ := MustServer(t)
	srv.echo.GET("/test/panic", func(echo.Context) error { panic("boom") })
	rec := do(t, srv, "GET", "/test/panic", nil)
	p := decodeProblem(t, rec)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "boom") || p.RequestID == "" {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Body)
	}
	if rec := do(t, srv, "GET", "/healthz", nil); rec.Code != 200 {
		t.Fatalf("after a panic healthz %d", rec.Code)
	}
}

// A panic in a transaction run by SQLite's writer reaches the request's
// goroutine after the body's frames are gone (the group's leader ran
// it): the log still says where it happened, and a handler that aborts
// its answer still aborts.
func TestPanic_InATransactionSaysWhereAndAbortsStillAbort(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	var logs bytes.Buffer
	srv := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Version: "test"})
	var where string // the file and line the transaction panicked on
	inTx := func(v any) echo.HandlerFunc {
		return func(c echo.Context) error {
			return db.InTransaction(c.Request().Context(), func(context.Context) error {
				_, file, line, _ := runtime.Caller(0)
				where = fmt.Sprintf("%s:%d +", filepath.Base(file), line+2) // the panic's line
				panic(v)
			})
		}
	}
	srv.echo.GET("/test/panic", inTx("boom"))
	srv.echo.GET("/test/abort", inTx(http.ErrAbortHandler))

	if rec := do(t, srv, "GET", "/test/panic", nil); rec.Code != 500 || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), where) || strings.Count(logs.String(), where) > 1 {
		t.Errorf("the log does not say once where the panic happened (%s):\n%s", where, logs.String())
	}
	func() {
		defer func() {
			if r := recover(); r != http.ErrAbortHandler {
				t.Errorf("an aborted answer came out of the server as %v, want http.ErrAbortHandler", r)
			}
		}()
		rec := do(t, srv, "GET", "/test/abort", nil)
		t.Errorf("an aborted answer was answered %d", rec.Code)
	}()
}

func TestBodyLimit_TooLargeIs413(t *testing.T) {
	srv, _ := MustServer(t)
	srv.echo.POST("/test/echo", func(c echo.Context) error {
		b, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err
		}
		return c.String(200, string(b))
	})
	if rec := do(t, srv, "POST", "/test/echo", strings.NewReader("small")); rec.Code != 200 {
		t.Fatalf("small body %d", rec.Code)
	}
	rec := do(t, srv, "POST", "/test/echo", strings.NewReader(strings.Repeat("x", 4096)))
	if p := decodeProblem(t, rec); p.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("large body: %+v", p)
	}
}

func TestSecurityHeaders_OnEveryAnswer(t *testing.T) {
	srv, _ := MustServer(t)
	for _, path := range []string{"/", "/healthz", "/nope"} {
		rec := do(t, srv, "GET", path, nil)
		for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "X-Request-Id"} {
			if rec.Header().Get(h) == "" {
				t.Errorf("%s: no %s header", path, h)
			}
		}
	}
}

func TestHome_EscapesAndTranslates(t *testing.T) {
	srv, db := MustServer(t)
	if err := db.CreateMerchant(context.Background(), &soko.Merchant{Code: "EVIL", Name: `<script>alert(1)</script>`}); err != nil {
		t.Fatal(err)
	}
	ja := do(t, srv, "GET", "/", nil).Body.String()
	if strings.Contains(ja, "<script>alert") || !strings.Contains(ja, "&lt;script&gt;") {
		t.Fatalf("merchant name not escaped:\n%s", ja)
	}
	if !strings.Contains(ja, "ステータス別の注文数") || !strings.Contains(ja, `lang="ja"`) {
		t.Fatal("home page is not in Japanese by default")
	}
	en := do(t, srv, "GET", "/?lang=en", nil).Body.String()
	if !strings.Contains(en, "Orders by status") {
		t.Fatal("home page has no English")
	}
}

func TestServe_ShutdownFinishesRequestsInFlight(t *testing.T) {
	srv, _ := MustServer(t)
	started := make(chan struct{})
	srv.echo.GET("/test/slow", func(c echo.Context) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.String(200, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	answered := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/test/slow")
		if err != nil {
			answered <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		answered <- string(b)
	}()
	<-started
	cancel()
	if got := <-answered; got != "done" {
		t.Fatalf("request in flight at shutdown got %q", got)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve returned %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

// TestBodyLimit_FileUploadsMayBeLarger: a shop's order export of a few
// megabytes reaches the import's own checks; beyond 11 MB it is refused at
// the door.
func TestBodyLimit_FileUploadsMayBeLarger(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustOpsServer(t, db)
	boss := signIn(t, h, "V001", "5555")
	post := func(size int) reply {
		body := "注文番号,SKU\n" + strings.Repeat("#", size)
		return boss.do("POST", "/ops/order-imports/preview?merchant_id=1", body,
			"Cookie", boss.cookie.Name+"="+boss.cookie.Value, "X-CSRF-Token", boss.csrf, "Content-Type", "text/csv")
	}
	if r := post(3 << 20); r.Status == http.StatusRequestEntityTooLarge || r.Status >= 500 {
		t.Errorf("a 3 MB file: %d %s", r.Status, r.Raw)
	}
	if r := post(12 << 20); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 12 MB file: %d", r.Status)
	}
	if r := boss.op("POST", "/ops/waves", map[string]any{"note": strings.Repeat("x", 3<<20)}, boss.csrf); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 3 MB JSON body elsewhere: %d", r.Status)
	}
}

func TestErrors_UnavailableBodyIsGeneric(t *testing.T) {
	var logs syncBuffer
	dir := t.TempDir()
	db, err := storage.Open(context.Background(), filepath.Join(dir, "soko.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Store: db, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	db.Close()
	for _, lang := range []string{"en", "ja"} {
		rec := do(t, srv, "GET", "/readyz", nil, "Accept-Language", lang)
		p := decodeProblem(t, rec)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || p.RequestID == "" || !strings.Contains(p.Detail, p.RequestID) {
			t.Fatalf("%s: %d %s", lang, rec.Code, rec.Body)
		}
		for _, leak := range []string{"sql", "database is closed", dir, "soko.db", "unreachable"} {
			if strings.Contains(rec.Body.String(), leak) {
				t.Errorf("%s: the 503 body tells the client %q: %s", lang, leak, rec.Body)
			}
		}
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if !strings.Contains(logs.buf.String(), "database is closed") {
		t.Errorf("the cause is not in the log:\n%s", logs.buf.String())
	}
}
