package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/soko-wms/soko/internal/soko"
)

// scanOnceStore is what scanonce.go's handlers need of the store.
type scanOnceStore interface {
	FindScan(ctx context.Context, scanID string) (*soko.ScanRecord, error)
	SaveScanAnswer(ctx context.Context, scanID string, status int, response []byte, message string) error
	RecordRefusedScan(ctx context.Context, e soko.ScanEvent, status int, response []byte) error
}

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

// recordedLate are the steps whose storage writes a scan's record with
// its answer, in one statement at the end of the scan's transaction,
// instead of claiming the scan id first (storage's deferScan). A copy of
// such a scan that runs after the first committed finds the first's record
// only at that end, or, when the first's effect makes it a refusal (the
// task is finished), not at all: a refused copy looks the scan id up.
var recordedLate = map[string]bool{"pick": true, "short_pick": true}

// errRefused rolls back the transaction of a scan, or an idempotent
// request, that was refused: its answer is kept on its own.
var errRefused = errors.New("refused")

// scanOnce makes every scan exactly-once: a scan id seen before gets its
// first answer again, refused scans are recorded for the supervisors'
// error rates, and an applied scan's answer is stored in the commit that
// applies it, so a retry after a lost answer always gets that answer.
func (s *Server) scanOnce(next handler) handler {
	return func(w http.ResponseWriter, req *http.Request) error {
		step, ok := scanSteps[routeOf(req.Context())]
		if !ok || req.Method != http.MethodPost {
			return next(w, req)
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
		// transaction that would apply it, and answered from there. The
		// handler runs inside that transaction, and its answer is kept in
		// it: the scan, its effect and its answer commit together.
		ctx := req.Context()
		var answer *held
		err = s.store.InTransaction(ctx, func(ctx context.Context) error {
			answer = s.hold(w, req, ctx, body, next)
			switch {
			case errors.Is(answer.err, soko.ErrScanSeen):
				return answer.err
			case answer.err != nil || answer.status != http.StatusOK:
				return errRefused
			}
			var a struct{ Message string }
			json.Unmarshal(answer.body.Bytes(), &a)
			err := s.store.SaveScanAnswer(ctx, scan.ScanID, answer.status, answer.body.Bytes(), a.Message)
			if refusedLate(err) {
				// The scan's effect, written with its record, was refused
				// there (a pick's shelf short of its units): answered and
				// recorded as any refusal.
				answer = &held{header: w.Header().Clone(), err: err}
				s.writeProblem(answer, req, err)
				return errRefused
			}
			return err
		})
		switch {
		case errors.Is(err, soko.ErrScanSeen):
			return s.replayScan(w, req, step, scan.ScanID)
		case errors.Is(err, errRefused):
			var p problem
			json.Unmarshal(answer.body.Bytes(), &p)
			sess := sessionOf(ctx)
			if recordedLate[step] {
				// Refused, perhaps, because its first attempt applied it
				// meanwhile: then the first answer is the one to give.
				if rec, err := s.store.FindScan(ctx, scan.ScanID); err == nil {
					return replay(w, rec, step, sess)
				}
			}
			if err := s.store.RecordRefusedScan(ctx, soko.ScanEvent{
				StaffID: sess.Staff.ID, Device: sess.Device, Step: step, Code: scan.Code,
				Result: p.Type, Message: p.Detail,
			}, answer.status, answer.body.Bytes()); err != nil {
				s.log.Error("recording a refused scan", "err", err)
			}
			return answer.send(w)
		case err != nil:
			// Not committed (the database failed, or a step did): the retry
			// runs afresh.
			return err
		}
		return answer.send(w)
	}
}

// refusedLate tells whether storing a scan's answer refused the scan
// itself (a 4xx), rather than finding it seen before or failing.
func refusedLate(err error) bool {
	if err == nil || errors.Is(err, soko.ErrScanSeen) {
		return false
	}
	status := statusOf[soko.ErrorCode(err)]
	return status >= 400 && status < 500
}

// replayScan answers a scan sent again with its first answer. The answer
// commits with the scan, so a scan seen is a scan answered; only scans
// applied before answers were kept that way can lack one. The first answer
// is only the same scanner's, sent to the same step: another handheld's
// scan id is refused, not answered with what someone else scanned.
func (s *Server) replayScan(w http.ResponseWriter, r *http.Request, step, scanID string) error {
	rec, err := s.store.FindScan(r.Context(), scanID)
	if err != nil {
		return err
	}
	return replay(w, rec, step, sessionOf(r.Context()))
}

// replay answers a scan sent again with rec, its record, when it comes
// from the same scanner to the same step; otherwise the scan id is
// another's and the scan is refused.
func replay(w http.ResponseWriter, rec *soko.ScanRecord, step string, sess *soko.Session) error {
	if rec.Step != step || !sameScanner(rec, sess) {
		return soko.Errorf(soko.ECONFLICT, "this scan_id belongs to another scan: send the scan with a new scan_id").
			JA("この scan_id は別のスキャンで使われています。新しい scan_id で送ってください").WithField("scan_id", "taken")
	}
	return sendReplay(w, rec)
}

// sameScanner tells whether a scan sent again comes from the one who
// scanned it first: the same staff member, or the same handheld, whose
// scans waiting in its outbox go out after whoever signs in next.
func sameScanner(rec *soko.ScanRecord, sess *soko.Session) bool {
	return rec.StaffID == sess.Staff.ID || rec.Device != "" && rec.Device == sess.Device
}

// sendReplay answers with a scan's first answer.
func sendReplay(w http.ResponseWriter, rec *soko.ScanRecord) error {
	if rec.StatusCode == 0 {
		return soko.Errorf(soko.ECONFLICT, "this scan was applied, but its answer was lost: reload to see where things stand").
			JA("このスキャンは登録済みです（応答が失われました）。画面を読み込み直して状態を確認してください").WithField("scan_id", "applied")
	}
	w.Header().Set("Scan-Replayed", "true")
	return writeBlob(w, rec.StatusCode, "application/json", rec.Response)
}
