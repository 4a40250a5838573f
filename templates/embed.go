// Package templates holds soko's html/template pages.
package templates

import "embed"

// FS holds every page template.
//
//go:embed *.html
var FS embed.FS
