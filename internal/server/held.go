package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// held keeps a handler's answer back until the transaction that applied
// the request has committed: an answer the client sees is one its retries
// will get again.
type held struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
	err    error // what the handler returned, already rendered into body
}

func (h *held) Header() http.Header { return h.header }

func (h *held) WriteHeader(code int) { h.status, h.wrote = code, true }

func (h *held) Write(b []byte) (int, error) {
	h.wrote = true
	return h.body.Write(b)
}

// Flush does nothing: the answer goes out after the commit.
func (h *held) Flush() {}

// hold runs next on r, with ctx and body, and keeps its answer back; an
// error next returns is rendered into the answer. It can run again on the
// same request (a transaction run again after a deadlock): every run
// starts from an empty answer.
func (s *Server) hold(w http.ResponseWriter, r *http.Request, ctx context.Context, body []byte, next handler) *held {
	h := &held{header: w.Header().Clone(), status: http.StatusOK}
	req := r.WithContext(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	if h.err = next(h, req); h.err != nil && !h.wrote {
		s.writeProblem(h, req, h.err)
	}
	return h
}

// send writes the held answer to w, the client's connection.
func (h *held) send(w http.ResponseWriter) error {
	for k, v := range h.header {
		w.Header()[k] = v
	}
	w.WriteHeader(h.status)
	_, err := w.Write(h.body.Bytes())
	return err
}
