package server

import (
	"encoding/base64"
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
			return p, soko.Errorf(soko.EINVALID, "cursor is not one this API gave out").
				JA("cursor が正しくありません。前のページの next_cursor を指定してください").WithField("cursor", "invalid")
		}
		p.After = n
	}
	return p, nil
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
