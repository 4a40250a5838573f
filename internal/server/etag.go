package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// conditionalGET gives every successful API read an ETag, a digest of the
// answer itself, and answers 304 Not Modified without a body when the
// client's If-None-Match already names it (RFC 9110 §13.1.2): a sync job
// polling an order or a product pays for the database read, not for the
// transfer. The tag is strong: the same bytes, the same tag, whichever soko
// server answers.
func conditionalGET(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Method != http.MethodGet {
			return next(w, r)
		}
		buf := &bufferedWriter{ResponseWriter: w, header: w.Header()}
		err := next(buf, r)
		if err != nil || buf.status != http.StatusOK {
			return buf.flush(err)
		}
		tag := etagOf(buf.body.Bytes())
		w.Header().Set("ETag", tag)
		if matchesETag(r.Header.Get("If-None-Match"), tag) {
			w.Header().Del("Content-Type")
			w.Header().Del("Content-Length")
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		return buf.flush(nil)
	}
}

// etagOf is the strong ETag of an answer's body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// jsonETag is the ETag a GET answering v carries: v encoded as the
// generated handlers encode it.
func jsonETag(v any) string {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return ""
	}
	return etagOf(b.Bytes())
}

// matchesETag reports whether an If-None-Match header names tag: "*", or
// tag in its list, compared weakly as RFC 9110 asks for this header.
func matchesETag(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// bufferedWriter holds an answer back until its ETag is known. It writes
// nothing to the writer it sends to before flush: a handler's headers go
// straight to that writer's, its status and body are kept.
type bufferedWriter struct {
	http.ResponseWriter
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header { return w.header }

// Flush does nothing: the answer goes out with its ETag.
func (w *bufferedWriter) Flush() {}

func (w *bufferedWriter) WriteHeader(status int) { w.status = status }

func (w *bufferedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// flush sends what was held back, unchanged, and passes err on.
func (w *bufferedWriter) flush(err error) error {
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
		if _, werr := w.ResponseWriter.Write(w.body.Bytes()); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}
