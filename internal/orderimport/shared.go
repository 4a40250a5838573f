package orderimport

import "time"

// Decode returns a shop's file as text and its encoding's name ("UTF-8" or
// "Shift_JIS"), as Parse reads it, for other files shops send.
func Decode(data []byte) (text, encoding string) { return decode(data) }

// HeaderKey is a header as Parse compares it with the names it knows.
func HeaderKey(s string) string { return headerKey(s) }

// ParseDate reads a day as Parse does: 2026-11-25, 2026/11/25, 20261125
// or 2026年11月25日.
func ParseDate(s string) (time.Time, bool) { return parseDate(s) }
