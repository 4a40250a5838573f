package server

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// held keeps a handler's answer back until the transaction that applied
// the request has committed: an answer the client sees is one its retries
// will get again.
type held struct {
	header http.Header
	status int
	body   bytes.Buffer
	err    error // what the handler returned, already rendered into body
}

func (h *held) Header() http.Header { return h.header }

func (h *held) WriteHeader(code int) { h.status = code }

func (h *held) Write(b []byte) (int, error) { return h.body.Write(b) }

// Flush does nothing: the answer goes out after the commit.
func (h *held) Flush() {}

// hold runs next on the request, with ctx and body, and keeps its answer
// back. It can run again on the same request (a transaction run again
// after a deadlock): every run starts from an empty answer.
func hold(c echo.Context, ctx context.Context, body []byte, next echo.HandlerFunc, w http.ResponseWriter) *held {
	h := &held{header: w.Header().Clone(), status: http.StatusOK}
	res := c.Response()
	res.Writer, res.Committed, res.Status, res.Size = h, false, http.StatusOK, 0
	req := c.Request().WithContext(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	c.SetRequest(req)
	if h.err = next(c); h.err != nil {
		c.Error(h.err)
	}
	return h
}

// send writes the held answer to w, the client's connection, and points
// the response back at it.
func (h *held) send(c echo.Context, w http.ResponseWriter) error {
	res := c.Response()
	res.Writer = w
	for k, v := range h.header {
		w.Header()[k] = v
	}
	w.WriteHeader(h.status)
	n, err := w.Write(h.body.Bytes())
	res.Committed, res.Status, res.Size = true, h.status, int64(n)
	return err
}
