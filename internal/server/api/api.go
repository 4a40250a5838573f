// Package api is generated from openapi.yaml, the one source of truth of
// soko's HTTP API: its types, the server interface the handlers implement,
// and the embedded document requests are validated against.
package api

//go:generate go tool oapi-codegen -config cfg.yaml openapi.yaml
