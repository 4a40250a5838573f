package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// apiKeyStore is what apiv1.go's handlers need of the store.
type apiKeyStore interface {
	Authenticate(ctx context.Context, secret string) (*soko.APIKey, error)
}

// apiBase is where the outsourcer API lives.
const apiBase = "/api/v1"

// callerKey carries the authenticated API key through a request's context.
type callerKey struct{}

// langKey carries the caller's language through a request's context.
type langKey struct{}

// merchantOf returns the merchant whose key authenticated the request.
// Every API handler scopes what it reads and writes by it.
func merchantOf(ctx context.Context) int64 {
	k, _ := ctx.Value(callerKey{}).(*soko.APIKey)
	if k == nil {
		// Unreachable behind authenticate; refusing is safer than a zero id.
		panic("API handler reached without an authenticated merchant")
	}
	return k.MerchantID
}

// langOf returns the caller's language, "ja" or "en".
func langOf(ctx context.Context) string {
	if l, _ := ctx.Value(langKey{}).(string); l != "" {
		return l
	}
	return "ja"
}

// opsBase is where the staff operations API lives.
const opsBase = "/ops"

// apiHandlers implements the generated server interface; its methods live in
// one file per resource (product.go, order.go, …).
type apiHandlers struct{ *Server }

var _ api.StrictServerInterface = apiHandlers{}

// authenticate resolves the Bearer key to its merchant. Missing, unknown and
// revoked keys get the same 401, so a key's fate is not told to a stranger.
func (s *Server) authenticate(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			return soko.Errorf(soko.EUNAUTHORIZED, "send your API key as Authorization: Bearer <key>").
				JA("APIキーを Authorization: Bearer <キー> で送ってください")
		}
		ctx := r.Context()
		key, err := s.store.Authenticate(ctx, strings.TrimSpace(secret))
		if soko.ErrorCode(err) == soko.EUNAUTHORIZED {
			// Wrong keys are counted per address across every soko server;
			// past the limit the address is told to wait. A right key is
			// never held up (a shop behind the same NAT keeps working) and
			// costs no extra round trip; a 160-bit key is not guessed.
			ip := clientIP(ctx)
			s.log.Warn("API key refused", "ip", ip)
			start := s.now().Truncate(limitWindow)
			n, herr := s.store.Hit(ctx, keyFailures(ip), start)
			if herr != nil {
				return herr
			}
			if n > s.keyFailuresPerAddress {
				return tooMany(start.Add(limitWindow).Sub(s.now()))
			}
		}
		if err != nil {
			return err
		}
		ctx = soko.WithActor(context.WithValue(ctx, callerKey{}, key), keyActor(ctx, key))
		ctx = context.WithValue(ctx, langKey{}, language(r))
		return next(w, r.WithContext(ctx))
	}
}

// businessCheck reads a request that broke the document's schema as far as
// it can (its path parameters and body), and returns what the business
// rules refuse in it.
type businessCheck func(ctx context.Context, params map[string]string, body []byte) []soko.FieldError

// businessChecks are the business rules run, by operation id, beside a
// schema refusal, so one answer names every mistake: a zero quantity and a
// postal code that does not exist together. Each runs the rules the
// operation's handler runs, on what could be read; what does not even
// parse, the schema named.
func (s *Server) businessChecks() map[string]businessCheck {
	h := apiHandlers{s}
	return map[string]businessCheck{
		"createOrder": func(ctx context.Context, _ map[string]string, body []byte) []soko.FieldError {
			var in api.OrderInput
			if json.Unmarshal(body, &in) != nil {
				return nil
			}
			bad := soko.Errorf(soko.EINVALID, "the order cannot be accepted")
			if _, _, err := h.newOrder(ctx, &in, bad); err != nil {
				return nil
			}
			return bad.Fields
		},
		"changeOrder": func(ctx context.Context, params map[string]string, body []byte) []soko.FieldError {
			var in api.OrderChange
			if json.Unmarshal(body, &in) != nil {
				return nil
			}
			o, err := s.store.FindOrder(ctx, merchantOf(ctx), params["order_no"])
			if err != nil {
				return nil
			}
			bad := soko.Errorf(soko.EINVALID, "the change cannot be accepted")
			if _, err := h.changedOrder(ctx, o, &in, bad, langOf(ctx)); err != nil {
				return nil
			}
			return bad.Fields
		},
		"putProduct": func(ctx context.Context, _ map[string]string, body []byte) []soko.FieldError {
			var in api.ProductInput
			if json.Unmarshal(body, &in) != nil {
				return nil
			}
			bad := soko.Errorf(soko.EINVALID, "invalid barcodes")
			productBarcodes(deref(in.Barcodes), bad, langOf(ctx))
			return bad.Fields
		},
	}
}

// validateRequest checks every request against the OpenAPI document before
// a handler runs, and answers with every bad field at once, the business
// rules' refusals (checks) included.
func validateRequest(router routers.Router, checks map[string]businessCheck) middlewareFunc {
	// Keys are checked by authenticate before this runs.
	opts := &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	return func(next handler) handler {
		return func(w http.ResponseWriter, req *http.Request) error {
			route, params, err := router.FindRoute(req)
			if err != nil {
				if errors.Is(err, routers.ErrMethodNotAllowed) {
					w.Header().Set("Allow", allowedMethods(router, req))
					return statusError(http.StatusMethodNotAllowed)
				}
				return statusError(http.StatusNotFound)
			}
			if k, ok := req.Context().Value(callerKey{}).(*soko.APIKey); ok && !k.Allows(operationScopes(route.Operation)) {
				if ps, ok := portalSessionOf(req.Context()); ok {
					return soko.Errorf(soko.EFORBIDDEN, "a portal user of role %s may not do this (it needs %s)", ps.User.Role, strings.Join(operationScopes(route.Operation), " or ")).
						JA("このユーザーの権限（%s）ではこの操作はできません", ps.User.Role)
				}
				return soko.Errorf(soko.EFORBIDDEN, "this API key's scopes (%s) do not include %s", strings.Join(k.Scopes, ", "), strings.Join(operationScopes(route.Operation), " or ")).
					JA("このAPIキーのスコープ（%s）では使えません。%s のスコープが必要です", strings.Join(k.Scopes, ", "), strings.Join(operationScopes(route.Operation), " または "))
			}
			if err := storableText(req, route, params); err != nil {
				return err
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
				problem := validationProblem(err, language(req))
				if check := checks[route.Operation.OperationID]; check != nil {
					addBusinessRefusals(req, params, problem, check)
				}
				return problem
			}
			return next(w, req)
		}
	}
}

// operationScopes are the API key scopes any one of which lets a key call
// the operation, as the document lists them under x-soko-scopes.
func operationScopes(op *openapi3.Operation) []string {
	list, _ := op.Extensions["x-soko-scopes"].([]any)
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s, ok := s.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// allowedMethods lists the methods the API document has for a request's
// path, for the Allow header a 405 must carry (RFC 9110 §15.5.6).
func allowedMethods(router routers.Router, req *http.Request) string {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := req.Clone(req.Context())
		probe.Method = m
		if _, _, err := router.FindRoute(probe); err == nil {
			allowed = append(allowed, m)
		}
	}
	return strings.Join(allowed, ", ")
}

// storableText refuses what no handler can use and a database cannot store:
// a JSON body that is not exactly one JSON value (the validator reads only
// the first, other readers would read another), and NUL or invalid UTF-8 in
// the path, the query, the Idempotency-Key or the body's strings.
func storableText(req *http.Request, route *routers.Route, params map[string]string) error {
	lang := language(req)
	bad := func(field string) error {
		return soko.Errorf(soko.EINVALID, "%s holds a NUL character or invalid UTF-8", field).
			JA("%s に使えない文字（NUL文字や不正な文字コード）が含まれています", field).
			WithField(field, soko.Text{JA: "使えない文字が含まれています", EN: "NUL or invalid UTF-8"}.In(lang))
	}
	unstorable := func(v string) bool { return strings.ContainsRune(v, 0) || !utf8.ValidString(v) }
	for name, v := range params {
		if unstorable(v) {
			return bad(name)
		}
	}
	for name, vs := range req.URL.Query() {
		for _, v := range vs {
			if unstorable(v) || unstorable(name) {
				return bad(name)
			}
		}
	}
	if unstorable(req.Header.Get("Idempotency-Key")) {
		return bad("Idempotency-Key")
	}
	if req.Body == nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		return nil
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if !json.Valid(body) {
		return soko.Errorf(soko.EMALFORMED, "the body is not one JSON value").
			JA("本文をJSONとして読み取れません").WithField("body", soko.Text{JA: "JSONとして読み取れません", EN: "not one valid JSON value"}.In(lang))
	}
	if !utf8.Valid(body) {
		return bad("body")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil // the validator names what is wrong
	}
	var schema *openapi3.Schema
	if route != nil && route.Operation.RequestBody != nil && route.Operation.RequestBody.Value != nil {
		if mt := route.Operation.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			schema = mt.Schema.Value
		}
	}
	out := soko.Errorf(soko.EINVALID, "the request does not match the API").JA("リクエストの内容に誤りがあります")
	walkBody(v, schema, "", func(field string, v any, s *openapi3.Schema) {
		switch v := v.(type) {
		case string:
			if strings.ContainsRune(v, 0) {
				out.WithField(field, soko.Text{JA: "使えない文字（NUL文字）が含まれています", EN: "NUL character"}.In(lang))
			}
		case json.Number:
			// JSON Schema counts 1.0 as an integer; Go's decoder, and most
			// clients' databases, do not. Refuse it here, naming the field,
			// rather than as a bare 400 from the binder.
			if s != nil && s.Type.Is(openapi3.TypeInteger) && strings.ContainsAny(string(v), ".eE") {
				out.WithField(field, soko.Text{JA: "整数で指定してください（小数点や指数は使えません）", EN: "write a whole number, without a decimal point or exponent"}.In(lang))
			}
		}
	})
	if len(out.Fields) > 0 {
		return out
	}
	return nil
}

// walkBody calls visit with every value of a decoded JSON body, the field
// path it is at (ship_to.name, lines[2].quantity) and its schema, nil where
// the schema says nothing. A member name holding NUL is visited as a string
// at its object's path.
func walkBody(v any, s *openapi3.Schema, field string, visit func(field string, v any, s *openapi3.Schema)) {
	join := func(name string) string {
		if field == "" {
			return name
		}
		return field + "." + name
	}
	switch v := v.(type) {
	case map[string]any:
		for name, child := range v {
			if strings.ContainsRune(name, 0) {
				visit(field, name, nil)
				continue
			}
			walkBody(child, property(s, name), join(name), visit)
		}
	case []any:
		for i, child := range v {
			walkBody(child, items(s), field+"["+strconv.Itoa(i)+"]", visit)
		}
	default:
		if field == "" {
			field = "body"
		}
		visit(field, v, s)
	}
}

// property is the schema of an object's member, looking through allOf.
func property(s *openapi3.Schema, name string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if ref := s.Properties[name]; ref != nil {
		return ref.Value
	}
	for _, part := range s.AllOf {
		if p := property(part.Value, name); p != nil {
			return p
		}
	}
	return nil
}

// items is the schema of an array's items, looking through allOf.
func items(s *openapi3.Schema) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if s.Items != nil {
		return s.Items.Value
	}
	for _, part := range s.AllOf {
		if i := items(part.Value); i != nil {
			return i
		}
	}
	return nil
}

// addBusinessRefusals adds to a schema problem what check refuses in the
// request's body, for the fields the schema did not already name.
func addBusinessRefusals(req *http.Request, params map[string]string, problem error, check businessCheck) {
	var se *soko.Error
	if !errors.As(problem, &se) || se.Code != soko.EINVALID || req.Body == nil {
		return
	}
	body, err := io.ReadAll(req.Body) // kin-openapi put back what it read
	if err != nil {
		return
	}
	named := map[string]bool{}
	for _, f := range se.Fields {
		named[f.Field] = true
	}
	for _, f := range check(req.Context(), params, body) {
		if !named[f.Field] {
			se.WithField(f.Field, f.Message)
		}
	}
}

// validationProblem turns kin-openapi's errors into one soko error listing
// every bad field in the caller's language.
func validationProblem(err error, lang string) error {
	out := soko.Errorf(soko.EINVALID, "the request does not match the API").JA("リクエストの内容に誤りがあります")
	for _, e := range flatten(err) {
		var re *openapi3filter.RequestError
		var se *openapi3.SchemaError
		var pe *openapi3filter.ParseError
		field := "body"
		if errors.As(e, &re) && re.Parameter != nil {
			field = re.Parameter.Name
		}
		switch {
		case errors.As(e, &pe) && re != nil && re.Parameter != nil:
			out.WithField(field, soko.Text{JA: "値の形式が正しくありません", EN: "wrong type: " + pe.Error()}.In(lang))
		case errors.As(e, &pe):
			return soko.Errorf(soko.EMALFORMED, "the body is not valid JSON: %v", pe.Cause).
				JA("本文をJSONとして読み取れません").WithField(field, soko.Text{JA: "JSONとして読み取れません", EN: "not valid JSON"}.In(lang))
		case errors.As(e, &se):
			out.WithField(schemaField(field, se), schemaMessage(se, lang))
		case re != nil && strings.Contains(re.Reason, "header Content-Type"):
			return statusError(http.StatusUnsupportedMediaType) // send Content-Type: application/json
		case re != nil && re.RequestBody != nil && strings.Contains(re.Error(), "value is required"):
			out.WithField("body", soko.Text{JA: "本文が必要です", EN: "a JSON body is required"}.In(lang))
		case re != nil:
			out.WithField(field, soko.Text{JA: "値が正しくありません", EN: re.Reason}.In(lang))
		default:
			out.WithField(field, e.Error())
		}
	}
	return out
}

// flatten opens kin-openapi's nested multi-errors into single errors, each
// still wrapped in its RequestError so the parameter it concerns is known.
func flatten(err error) []error {
	var me openapi3.MultiError
	if errors.As(err, &me) && !isRequestError(err) {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		var inner openapi3.MultiError
		if errors.As(re.Err, &inner) {
			var out []error
			for _, e := range inner {
				for _, f := range flatten(e) {
					out = append(out, &openapi3filter.RequestError{Input: re.Input, Parameter: re.Parameter, RequestBody: re.RequestBody, Reason: re.Reason, Err: f})
				}
			}
			return out
		}
	}
	return []error{err}
}

func isRequestError(err error) bool {
	_, ok := err.(*openapi3filter.RequestError)
	return ok
}

var quoted = regexp.MustCompile(`"([^"]+)"`)

// schemaField names the failing value as a dotted path, e.g. ship_to.postal_code or lines[2].sku.
func schemaField(base string, se *openapi3.SchemaError) string {
	parts := se.JSONPointer()
	if se.SchemaField == "required" || se.SchemaField == "properties" {
		if m := quoted.FindStringSubmatch(se.Reason); m != nil && (len(parts) == 0 || parts[len(parts)-1] != m[1]) {
			parts = append(parts, m[1])
		}
	}
	if base != "body" {
		return base
	}
	var b strings.Builder
	for _, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// schemaMessages say in Japanese what a failed schema keyword means.
var schemaMessages = map[string]string{
	"required":   "必須項目です",
	"properties": "この項目は使えません",
	"type":       "型が正しくありません",
	"enum":       "使える値ではありません",
	"minLength":  "短すぎます",
	"maxLength":  "長すぎます",
	"pattern":    "使えない文字が含まれています",
	"minimum":    "小さすぎます",
	"maximum":    "大きすぎます",
	"minItems":   "少なくとも1件必要です",
	"maxItems":   "件数が多すぎます",
	"format":     "形式が正しくありません",
	"nullable":   "空にはできません",
	"not":        "この値は使えません（予約されています）",
}

func schemaMessage(se *openapi3.SchemaError, lang string) string {
	if lang == "en" {
		return se.Reason
	}
	if m, ok := schemaMessages[se.SchemaField]; ok {
		return m
	}
	return "値が正しくありません"
}

// openAPIDocument answers GET /api/v1/openapi.json: the document the API is generated from.
func (s *Server) openAPIDocument(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=300")
	return writeBlob(w, http.StatusOK, "application/json", s.specJSON)
}

// openAPIYAML answers GET /api/v1/openapi.yaml: the document byte for byte
// as it is kept in the repository.
func openAPIYAML(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=300")
	return writeBlob(w, http.StatusOK, "application/yaml", api.Document)
}

// apiTime is how the API writes times: UTC, to the second.
func apiTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// ptr returns a pointer to a copy of v, for optional fields.
func ptr[T any](v T) *T { return &v }

// deref returns what p points at, or the zero value.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
