package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// conditionalGET gives every successful API read an ETag, a digest of the
// answer itself, and answers 304 Not Modified without a body when the
// client's If-None-Match already names it (RFC 9110 §13.1.2): a sync job
// polling an order or a product pays for the database read, not for the
// transfer. The tag is strong: the same bytes, the same tag, whichever soko
// server answers.
func conditionalGET(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodGet {
			return next(c)
		}
		res := c.Response()
		buf := &bufferedWriter{ResponseWriter: res.Writer, header: res.Header()}
		res.Writer = buf
		err := next(c)
		res.Writer = buf.ResponseWriter
		if err != nil || buf.status != http.StatusOK {
			return buf.flush(err)
		}
		tag := etagOf(buf.body.Bytes())
		res.Header().Set("ETag", tag)
		if matchesETag(c.Request().Header.Get("If-None-Match"), tag) {
			res.Header().Del(echo.HeaderContentType)
			res.Header().Del(echo.HeaderContentLength)
			res.Status = http.StatusNotModified // for the access log
			buf.ResponseWriter.WriteHeader(http.StatusNotModified)
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

// bufferedWriter holds an answer back until its ETag is known.
type bufferedWriter struct {
	http.ResponseWriter
	header http.Header
	status int
	body   bytes.Buffer
}

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
