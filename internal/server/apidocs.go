package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/yaml"

	"github.com/soko-wms/soko/internal/server/api"
)

// mustLoadSpec reads the OpenAPI document as written and its JSON form,
// converted from the YAML without passing through a Go model, so the JSON
// says what the YAML says: same operationIds, no added or dropped fields.
// The document is embedded, so it is read once per process and its model
// shared read-only by every server: reading it took most of New's time,
// and the tests make hundreds of servers.
var mustLoadSpec = sync.OnceValues(func() (*openapi3.T, []byte) {
	// kin-openapi checks "format: date" with a pattern that lets 2026-02-30
	// through; the binder would then refuse it without naming the field.
	// The table is kin-openapi's own and global, so it is set here, once.
	openapi3.DefineStringFormatValidator("date", openapi3.NewCallbackValidator(calendarDate))
	spec, err := openapi3.NewLoader().LoadFromData(api.Document)
	if err != nil {
		panic(err)
	}
	b, err := yaml.YAMLToJSON(api.Document)
	if err != nil {
		panic(err)
	}
	return spec, b
})

// calendarDate accepts a date that exists on the calendar, as YYYY-MM-DD.
func calendarDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return errors.New("not a calendar date (YYYY-MM-DD)")
	}
	return nil
}

// docOperation is one operation as the documentation page shows it.
type docOperation struct {
	Method, Path, Summary, Description, ID string
	Params                                 []docParam
	Body                                   string
	Responses                              []docResponse
}

type docParam struct{ Name, In, Type, Description string }

type docResponse struct{ Status, Description, Schema string }

// docTag is a group of operations under one tag.
type docTag struct {
	Name, Description string
	Operations        []docOperation
}

// docSchema is one named schema with its fields.
type docSchema struct {
	Name   string
	Fields []docField
}

type docField struct {
	Name, Type, Description string
	Required                bool
}

// apiDocs answers GET /api/docs: the API documentation, rendered on the
// server from the OpenAPI document, with nothing loaded from elsewhere.
func (s *Server) apiDocs(w http.ResponseWriter, r *http.Request) error {
	tags := map[string]*docTag{}
	var order []string
	for _, t := range s.spec.Tags {
		tags[t.Name] = &docTag{Name: t.Name, Description: t.Description}
		order = append(order, t.Name)
	}
	paths := s.spec.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := s.spec.Paths.Value(path)
		for _, method := range []string{"GET", "PUT", "PATCH", "POST", "DELETE"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			d := docOperation{Method: method, Path: path, Summary: op.Summary, Description: op.Description, ID: op.OperationID}
			for _, p := range append(item.Parameters, op.Parameters...) {
				d.Params = append(d.Params, docParam{Name: p.Value.Name, In: p.Value.In, Type: schemaType(p.Value.Schema), Description: p.Value.Description})
			}
			if op.RequestBody != nil {
				if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil {
					d.Body = schemaType(mt.Schema)
				}
			}
			for _, code := range sortedKeys(op.Responses.Map()) {
				r := op.Responses.Value(code).Value
				resp := docResponse{Status: code, Description: deref(r.Description)}
				for _, mt := range r.Content {
					resp.Schema = schemaType(mt.Schema)
				}
				d.Responses = append(d.Responses, resp)
			}
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			if tags[tag] == nil {
				tags[tag] = &docTag{Name: tag}
				order = append(order, tag)
			}
			tags[tag].Operations = append(tags[tag].Operations, d)
		}
	}
	var groups []docTag
	for _, name := range order {
		groups = append(groups, *tags[name])
	}
	var schemas []docSchema
	for _, name := range sortedKeys(s.spec.Components.Schemas) {
		sc := s.spec.Components.Schemas[name].Value
		ds := docSchema{Name: name}
		required := map[string]bool{}
		for _, r := range sc.Required {
			required[r] = true
		}
		for _, f := range sortedKeys(sc.Properties) {
			p := sc.Properties[f]
			ds.Fields = append(ds.Fields, docField{Name: f, Type: schemaType(p), Description: p.Value.Description, Required: required[f]})
		}
		schemas = append(schemas, ds)
	}
	return s.render(w, r, "apidocs", struct {
		pageData
		Info    *openapi3.Info
		Groups  []docTag
		Schemas []docSchema
	}{pageData{Lang: language(r), Title: "API"}, s.spec.Info, groups, schemas})
}

// schemaType says what a schema is in a few words: a reference's name, an
// array of something, or a type with its format and allowed values.
func schemaType(ref *openapi3.SchemaRef) string {
	if ref == nil {
		return ""
	}
	if ref.Ref != "" {
		return ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
	}
	v := ref.Value
	if v == nil || v.Type == nil {
		return "any"
	}
	t := strings.Join(v.Type.Slice(), "|")
	switch {
	case t == "array":
		return "[]" + schemaType(v.Items)
	case v.Format != "":
		t += " (" + v.Format + ")"
	}
	if len(v.Enum) > 0 {
		var vals []string
		for _, e := range v.Enum {
			b, _ := json.Marshal(e)
			vals = append(vals, string(b))
		}
		t += ": " + strings.Join(vals, ", ")
	}
	return t
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
