package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/soko-wms/soko/internal/soko"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	soko.EMALFORMED:    http.StatusBadRequest,
	soko.EINVALID:      http.StatusUnprocessableEntity,
	soko.ENOTFOUND:     http.StatusNotFound,
	soko.ECONFLICT:     http.StatusConflict,
	soko.EUNAUTHORIZED: http.StatusUnauthorized,
	soko.EFORBIDDEN:    http.StatusForbidden,
	soko.ELOCKED:       http.StatusLocked,
	soko.ETOOMANY:      http.StatusTooManyRequests,
	soko.EUNAVAILABLE:  http.StatusServiceUnavailable,
	soko.EPRECONDITION: http.StatusPreconditionFailed,
	soko.EINTERNAL:     http.StatusInternalServerError,
}

// problem is an RFC 9457 problem document, the body of every error response.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Errors    []soko.FieldError `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// titles are the problem titles people read, per status, in Japanese and English.
var titles = map[int]soko.Text{
	http.StatusBadRequest:            {JA: "リクエストが正しくありません", EN: "Bad request"},
	http.StatusUnauthorized:          {JA: "認証が必要です", EN: "Unauthorized"},
	http.StatusForbidden:             {JA: "権限がありません", EN: "Forbidden"},
	http.StatusNotFound:              {JA: "見つかりません", EN: "Not found"},
	http.StatusMethodNotAllowed:      {JA: "このメソッドは使えません", EN: "Method not allowed"},
	http.StatusConflict:              {JA: "競合しています", EN: "Conflict"},
	http.StatusRequestEntityTooLarge: {JA: "リクエストが大きすぎます", EN: "Request too large"},
	http.StatusUnsupportedMediaType:  {JA: "このContent-Typeは使えません", EN: "Unsupported media type"},
	http.StatusUnprocessableEntity:   {JA: "入力内容に誤りがあります", EN: "Invalid input"},
	http.StatusLocked:                {JA: "ロックされています", EN: "Locked"},
	http.StatusPreconditionFailed:    {JA: "内容が変わっています", EN: "Precondition failed"},
	http.StatusTooManyRequests:       {JA: "リクエストが多すぎます", EN: "Too many requests"},
	http.StatusInternalServerError:   {JA: "内部エラー", EN: "Internal error"},
	http.StatusServiceUnavailable:    {JA: "一時的に利用できません", EN: "Service unavailable"},
}

// language picks Japanese unless the client prefers English.
func language(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "ja" {
		return l
	}
	if ck, err := r.Cookie(langCookie); err == nil && (ck.Value == "en" || ck.Value == "ja") {
		return ck.Value
	}
	return acceptedLanguage(r.Header.Get("Accept-Language"))
}

// acceptedLanguage picks ja or en from an Accept-Language header by its
// q-values (RFC 9110 §12.5.4): the one the client weighs highest, the
// earlier one on a tie, Japanese when it names neither.
func acceptedLanguage(header string) string {
	best, bestQ := "ja", 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		base, _, _ := strings.Cut(tag, "-")
		if base != "ja" && base != "en" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// langCookie keeps the language a person chose on a page (?lang=), so the
// pages and the API's messages stay in it on that device.
const langCookie = "soko_lang"

func title(status int, lang string) string {
	t, ok := titles[status]
	if !ok {
		return http.StatusText(status)
	}
	return t.In(lang)
}

// handleError turns any error a handler returns into a problem+json answer,
// unless an answer was already sent.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	s.writeProblem(c.Response(), c.Request(), err)
}

// writeProblem answers r with the problem err is. Handlers just return
// errors; only internal errors are logged here, with the request id the
// user is shown.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	lang := language(r)
	reqID := requestID(w)
	p := problem{RequestID: reqID}
	// The router and the generated API code refuse with a bare status
	// (no route, a path parameter of the wrong form).
	if he := (*echo.HTTPError)(nil); errors.As(err, &he) {
		err = fmt.Errorf("%w: %w", statusError(he.Code), err)
	}

	var se statusError
	switch {
	case errors.As(err, &se):
		code := int(se)
		p.Status = code
		p.Type = "urn:soko:problem:http-" + http.StatusText(code)
		p.Detail = title(code, lang)
		if code >= 500 {
			s.log.Error("request failed", "request_id", reqID, "err", err)
		}
	default:
		code := soko.ErrorCode(err)
		p.Status = statusOf[code]
		p.Type = "urn:soko:problem:" + code
		p.Detail = soko.ErrorMessage(err, lang)
		p.Errors = soko.ErrorFields(err)
		if code == soko.EUNAVAILABLE {
			// The cause (a driver's message, a file path) helps the operator,
			// not the client: it goes to the log only.
			s.log.Warn("service unavailable", "request_id", reqID, "err", err)
			p.Detail = soko.Text{JA: "一時的に利用できません。しばらくしてから再度お試しください。リクエストID: " + reqID,
				EN: "The service is temporarily unavailable; please retry shortly. Request id: " + reqID}.In(lang)
		}
		if code == soko.EINTERNAL {
			s.log.Error("internal error", "request_id", reqID, "err", err)
			p.Detail = soko.Text{JA: "内部エラーが発生しました。リクエストID: " + reqID, EN: "Internal error. Request id: " + reqID}.In(lang)
		}
	}
	p.Type = strings.ReplaceAll(strings.ToLower(p.Type), " ", "-")
	p.Title = title(p.Status, lang)
	if p.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	if se := (*soko.Error)(nil); errors.As(err, &se) && se.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(se.RetryAfter.Seconds()))))
	}
	if p.Status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="soko"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	if r.Method == http.MethodHead {
		return
	}
	if err := json.NewEncoder(w).Encode(p); err != nil {
		s.log.Warn("write error response", "request_id", reqID, "err", err)
	}
}
