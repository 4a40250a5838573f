// Package web holds soko's static files: CSS, JavaScript, sounds and icons.
package web

import "embed"

// FS holds the static files served under /static.
//
//go:embed static
var FS embed.FS
