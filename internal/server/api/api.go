// Package api is generated from openapi.yaml, the one source of truth of
// soko's HTTP API: its types, the server interface the handlers implement,
// and the document requests are validated against.
package api

import _ "embed"

//go:generate go tool oapi-codegen -config cfg.yaml openapi.yaml

// Document is openapi.yaml exactly as written. The generated code keeps a
// copy of its own, but oapi-codegen capitalises every operationId in it, so
// soko validates requests against, and serves, this one.
//
//go:embed openapi.yaml
var Document []byte
