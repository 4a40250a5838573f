package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// rawGet sends path as it is on the request line (no client-side cleaning
// or escaping) and returns the answer's status and body.
func rawGet(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: soko.test\r\nConnection: close\r\n\r\n", path)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestStatic_MalformedAndTraversalPaths: a path that is not a clean name
// inside web/static (overlong UTF-8 dots, escaped slashes, dot segments,
// NUL, bad escapes, folders) is answered 400 or 404 — never 500, never a
// redirect and never a file outside the folder; a real file is served.
func TestStatic_MalformedAndTraversalPaths(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	srv := httptest.NewServer(mustAPIServer(t, db, Config{}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if code, body := rawGet(t, addr, "/static/scan.js"); code != 200 || !strings.Contains(body, "function") {
		t.Fatalf("scan.js: %d %.100s", code, body)
	}
	for _, p := range []string{
		"/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
		"/static/%c0%ae%c0%ae/",
		"/static/%c0%af",
		"/static/%2e%2e/%2e%2e/etc/passwd",
		"/static/..%2f..%2fgo.mod",
		"/static/vendor%2f",
		"/static/..%5c..%5cgo.mod",
		"/static/../../go.mod",
		"/static/%00",
		"/static/scan.js%00.png",
		"/static/%zz",
		"/static/%ff%fe",
		"/static/./scan.js",
		"/static//etc/passwd",
		"/static/",
		"/static/vendor",
		"/static/vendor/",
		"/static/nosuch.js",
	} {
		code, body := rawGet(t, addr, p)
		if code != 400 && code != 404 {
			t.Errorf("GET %s: %d %.200s", p, code, body)
		}
		if strings.Contains(body, "module ") || strings.Contains(body, "root:") {
			t.Errorf("GET %s leaked a file outside web/static: %.200s", p, body)
		}
	}
}
