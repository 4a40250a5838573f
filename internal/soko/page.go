package soko

import "time"

// Page selects one page of a list in a stable order: at most Limit items
// after the item with id After, changed at or after UpdatedSince if set.
type Page struct {
	Limit        int
	After        int64
	UpdatedSince time.Time
}

// MaxPageSize bounds every list; DefaultPageSize is used when none is asked for.
const (
	MaxPageSize     = 200
	DefaultPageSize = 50
)

// Size returns the page size to use: Limit within 1..MaxPageSize, or the default.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}
