package soko

import "time"

// Page selects one page of a list in a stable order: at most Limit items
// after the item with id After, changed at or after UpdatedSince if set.
// Lists that keep a change feed page in change order instead when
// InChangeOrder is set: the items after AfterChange.
type Page struct {
	Limit         int
	After         int64
	UpdatedSince  time.Time
	InChangeOrder bool
	AfterChange   Change
}

// Change is an item's place in its merchant's change feed: items come in
// order of Seq, then ID, and an item moves to the end each time it is
// written, so a client paging through the feed while others write sees
// every item's last state and skips none.
type Change struct {
	Seq, ID int64
}

// After reports whether c comes after d in the feed.
func (c Change) After(d Change) bool {
	return c.Seq > d.Seq || c.Seq == d.Seq && c.ID > d.ID
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
