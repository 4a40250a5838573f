package server

import (
	"context"
	"encoding/json"
	"net/http"
)

// handler is how soko's own handlers and middleware are written: plain
// net/http that returns the error the one error handler answers with
// (handleError). Only the route wiring (routes.go) knows the router.
type handler func(w http.ResponseWriter, r *http.Request) error

// middlewareFunc wraps a handler: the checks a group of routes runs before
// its handlers. One that passes next another writer than its own holds the
// answer back and sends it itself (held, bufferedWriter).
type middlewareFunc func(next handler) handler

// headerRequestID is the header carrying a request's id, set on every answer.
const headerRequestID = "X-Request-Id"

// routeKey carries, in a request's context, the route pattern it matched.
type routeKey struct{}

// clientIPKey carries, in a request's context, the client's address.
type clientIPKey struct{}

// routeOf returns the route pattern the request matched, such as
// /api/v1/orders/:order_no/cancel; empty when none did.
func routeOf(ctx context.Context) string {
	p, _ := ctx.Value(routeKey{}).(string)
	return p
}

// clientIP returns the client's address: the one that connected or,
// through trusted proxies, the one they forwarded for (see ipExtractor).
func clientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// requestID returns the id of the request w answers.
func requestID(w http.ResponseWriter) string { return w.Header().Get(headerRequestID) }

// writeBlob answers with status and body, of contentType unless the
// handler already named one.
func writeBlob(w http.ResponseWriter, status int, contentType string, body []byte) error {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

// writeJSON answers with status and v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// writeHTML answers with status and an HTML page.
func writeHTML(w http.ResponseWriter, status int, page []byte) error {
	return writeBlob(w, status, "text/html; charset=UTF-8", page)
}

// statusError is an answer of a bare HTTP status, such as 404 for a path
// no route has: its problem names the status and nothing more.
type statusError int

func (e statusError) Error() string { return http.StatusText(int(e)) }
