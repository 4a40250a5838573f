package server

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// pageOf reads the list parameters every list takes.
func pageOf(limit *int, cursor *string, updatedSince *time.Time) (soko.Page, error) {
	var p soko.Page
	if limit != nil {
		p.Limit = *limit
	}
	if updatedSince != nil {
		p.UpdatedSince = *updatedSince
	}
	if cursor != nil && *cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*cursor)
		id, ok := strings.CutPrefix(string(raw), "after:")
		n, perr := strconv.ParseInt(id, 10, 64)
		if err != nil || !ok || perr != nil || n <= 0 {
			return p, badCursor()
		}
		p.After = n
	}
	return p, nil
}

func badCursor() error {
	return soko.Errorf(soko.EINVALID, "cursor is not one this API gave out").
		JA("cursor が正しくありません。前のページの next_cursor を指定してください").WithField("cursor", "invalid")
}

// feedPageOf reads the list parameters of a list that keeps a change feed
// (orders, inbounds, shipments): with updated_since, or a cursor of the
// feed, the list is in change order; otherwise oldest first as pageOf reads.
func feedPageOf(limit *int, cursor *string, updatedSince *time.Time) (soko.Page, error) {
	if cursor == nil || !strings.HasPrefix(*cursor, changesPrefix) {
		p, err := pageOf(limit, cursor, updatedSince)
		p.InChangeOrder = updatedSince != nil && p.After == 0
		return p, err
	}
	p, err := pageOf(limit, nil, updatedSince)
	raw, derr := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(*cursor, changesPrefix))
	var c soko.Change
	if _, serr := fmt.Sscanf(string(raw), "%d:%d", &c.Seq, &c.ID); derr != nil || serr != nil || c.Seq < 0 || c.ID < 0 ||
		string(raw) != fmt.Sprintf("%d:%d", c.Seq, c.ID) {
		return p, badCursor()
	}
	p.InChangeOrder, p.AfterChange = true, c
	return p, err
}

// changesPrefix starts every cursor of a change feed, so it reads apart
// from the id cursors of lists oldest first.
const changesPrefix = "c."

func changeCursor(c soko.Change) *string {
	s := changesPrefix + base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d:%d", c.Seq, c.ID))
	return &s
}

// trimPage cuts a list fetched with one item more than the page holds, and
// returns the cursor of the next page, or nil on the last page.
func trimPage[T any](items []T, p soko.Page, id func(T) int64) ([]T, *string) {
	if len(items) <= p.Size() {
		return items, nil
	}
	items = items[:p.Size()]
	c := base64.RawURLEncoding.EncodeToString([]byte("after:" + strconv.FormatInt(id(items[len(items)-1]), 10)))
	return items, &c
}

// trimFeedPage cuts a list fetched one item long as trimPage does. In change
// order it also returns the sync cursor: where the next poll picks up, after
// the last item listed so far (the page's own cursor on an empty page).
func trimFeedPage[T any](items []T, p soko.Page, id func(T) int64, change func(T) soko.Change) (page []T, next, sync *string) {
	if !p.InChangeOrder {
		page, next = trimPage(items, p, id)
		return page, next, nil
	}
	page, sync = items, changeCursor(p.AfterChange)
	if len(page) > p.Size() {
		page = page[:p.Size()]
	}
	if len(page) > 0 {
		sync = changeCursor(change(page[len(page)-1]))
	}
	if len(items) > p.Size() {
		next = sync
	}
	return page, next, sync
}
