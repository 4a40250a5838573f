package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/soko-wms/soko/internal/soko"
)

// scanSteps are the ops calls that apply a scan, by route.
var scanSteps = map[string]string{
	opsBase + "/receive":                       "receive",
	opsBase + "/putaway":                       "put_away",
	opsBase + "/counts":                        "count",
	opsBase + "/picks/:task_id/scan":           "pick",
	opsBase + "/picks/:task_id/short":          "short_pick",
	opsBase + "/station/orders/:order_id/scan": "inspect",
	opsBase + "/manifests/:manifest_id/scan":   "handover",
	opsBase + "/returns/:return_id/units":      "return",
}

// scanOnce makes every scan exactly-once: a scan id seen before gets its
// first answer again, refused scans are recorded for the supervisors'
// error rates, and applied scans keep their answer for retries.
func (s *Server) scanOnce(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		step, ok := scanSteps[c.Path()]
		if !ok || req.Method != http.MethodPost {
			return next(c)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		var scan struct {
			ScanID   string `json:"scan_id"`
			Code     string `json:"code"`
			Location string `json:"location"`
		}
		json.Unmarshal(body, &scan) // the validator has already refused bodies that are not JSON
		if scan.Code == "" {
			scan.Code = scan.Location
		}
		// A scan sent again is found when storage claims its id, inside the
		// transaction that would apply it, and answered from there.
		ctx := req.Context()
		rec := &recorder{ResponseWriter: c.Response().Writer, status: http.StatusOK}
		c.Response().Writer = rec
		if err := next(c); err != nil {
			if errors.Is(err, soko.ErrScanSeen) {
				c.Response().Writer = rec.ResponseWriter
				return s.replayScan(c, scan.ScanID)
			}
			c.Error(err)
		}
		status := c.Response().Status
		sess := sessionOf(ctx)
		if status == http.StatusOK {
			var answer struct{ Message string }
			json.Unmarshal(rec.body.Bytes(), &answer)
			return s.store.SaveScanAnswer(ctx, scan.ScanID, status, rec.body.Bytes(), answer.Message)
		}
		var p problem
		json.Unmarshal(rec.body.Bytes(), &p)
		return s.store.RecordRefusedScan(ctx, soko.ScanEvent{
			StaffID: sess.Staff.ID, Device: sess.Device, Step: step, Code: scan.Code,
			Result: p.Type, Message: p.Detail,
		}, status, rec.body.Bytes())
	}
}

// replayScan answers a scan sent again with its first answer, waiting a
// moment when the first is still being applied.
func (s *Server) replayScan(c echo.Context, scanID string) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec, err := s.store.FindScan(c.Request().Context(), scanID)
		if err != nil {
			return err
		}
		if rec.StatusCode != 0 {
			c.Response().Header().Set("Scan-Replayed", "true")
			return c.JSONBlob(rec.StatusCode, rec.Response)
		}
		if time.Now().After(deadline) {
			// The scan was applied (its id is claimed in the same commit) but
			// its answer was never stored: the server died, or lost its
			// database, between the two. Say so: the screen must reload.
			return soko.Errorf(soko.ECONFLICT, "this scan was applied, but its answer was lost: reload to see where things stand").
				JA("このスキャンは登録済みです（応答が失われました）。画面を読み込み直して状態を確認してください").WithField("scan_id", "applied")
		}
		select {
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
