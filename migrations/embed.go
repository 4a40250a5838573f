// Package migrations holds soko's numbered, forward-only SQL migrations,
// one folder per dialect with the same file names.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
