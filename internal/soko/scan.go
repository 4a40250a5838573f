package soko

import "time"

// ScanEvent records one scan on any device, right or refused, so every
// parcel and every mistake can be traced.
type ScanEvent struct {
	ID        int64
	ScanID    string // the client's id: a scan retried after a network drop is applied once
	StaffID   int64
	Device    string
	Step      string // receive, put_away, pick, inspect, handover, count, return
	Code      string
	Result    string // ok, or the refusal's error code
	Message   string
	OrderID   int64
	CreatedAt time.Time
}
