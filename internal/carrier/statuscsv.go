package carrier

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/soko-wms/soko/internal/soko"
)

// Status files (配達状況ファイル). soko reads one layout: a CSV with a header
// naming four columns — tracking number, status, time, place — in any order,
// beside any others. The carriers' own status exports were looked for and
// not found (2026-12): B2クラウド's and e飛伝's published CSV layouts
// (paperzz.com "B2 送り状発行データレイアウト", help.tatempo.guide/ehidenpro,
// carriers.md) cover issuing labels and the issued numbers only, and no
// public document of a delivery-status export from either was found, so
// neither is implemented. A file saved from a carrier's tracking results
// still reads when its columns carry the headers below, as the status
// column takes the carriers' own words (ParseDeliveryStatus).

// The headers each column of a status file may have, compared as headerKey does.
var (
	statusTrackingHeaders = []string{"伝票番号", "お問い合わせ番号", "お問い合せ送り状No", "お問合せ番号", "送り状番号", "追跡番号", "tracking_number", "tracking number"}
	statusStatusHeaders   = []string{"状態", "ステータス", "配達状況", "荷物状況", "配送状況", "status"}
	statusTimeHeaders     = []string{"日時", "時刻", "発生日時", "time", "occurred_at", "date"}
	statusPlaceHeaders    = []string{"場所", "担当店", "営業所", "担当営業所", "店所", "place", "location"}
)

// StatusRow is one event of a status file.
type StatusRow struct {
	Row            int // the line of the file, the header being line 1 or later
	TrackingNumber string
	Status         soko.DeliveryStatus
	At             time.Time
	Place          string
}

// statusTimeLayouts are the times a status file may hold; those without a
// zone are Japan's time.
var statusTimeLayouts = []string{
	time.RFC3339, "2006/01/02 15:04:05", "2006/01/02 15:04", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006/1/2 15:04:05", "2006/1/2 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
}

// ParseStatusTime reads a status's time as files and partners write it.
func ParseStatusTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	for _, l := range statusTimeLayouts {
		if t, err := time.ParseInLocation(l, s, soko.JST); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// carrierWords are the words carriers' tracking pages and status files use
// for each status, compared after NFKC, lower case and without blanks or
// brackets.
//
// Sources (read 2026-12): Yamato's guide to its tracking results,
// kuronekoyamato.co.jp/ytc/scn/about-tracking.html, lists 発送, 作業店通過,
// 配達店到着, 配達中, 配達完了, ご来店予定（保管中）, 持戻（ご不在）and
// 依頼受付. Sagawa's results (集荷, 輸送中, 配達中, 配達完了, 持戻り, ご不在,
// 保管中) are as third-party guides describe them (3min-lib.com/?p=5388,
// hanamaru.link/10461.html): unverified against Sagawa's own pages. The
// return wordings (返送中, 返送完了, 返品 …) are unverified: no carrier page
// found lists them.
var carrierWords = map[string]soko.DeliveryStatus{
	"intransit": soko.DeliveryInTransit, "輸送中": soko.DeliveryInTransit, "発送": soko.DeliveryInTransit,
	"発送済み": soko.DeliveryInTransit, "集荷": soko.DeliveryInTransit, "荷物受付": soko.DeliveryInTransit,
	"作業店通過": soko.DeliveryInTransit, "配達店到着": soko.DeliveryInTransit, "依頼受付": soko.DeliveryInTransit,
	"outfordelivery": soko.DeliveryOutForDelivery, "配達中": soko.DeliveryOutForDelivery,
	"delivered": soko.DeliveryDelivered, "配達完了": soko.DeliveryDelivered, "配達済み": soko.DeliveryDelivered,
	"お届け済み": soko.DeliveryDelivered, "投函完了": soko.DeliveryDelivered,
	"absent": soko.DeliveryAbsent, "不在持戻り": soko.DeliveryAbsent, "持戻ご不在": soko.DeliveryAbsent,
	"持戻り": soko.DeliveryAbsent, "持戻": soko.DeliveryAbsent, "ご不在": soko.DeliveryAbsent, "不在": soko.DeliveryAbsent,
	"held": soko.DeliveryHeld, "保管中": soko.DeliveryHeld, "ご来店予定保管中": soko.DeliveryHeld,
	"ご来店予定": soko.DeliveryHeld, "営業所保管": soko.DeliveryHeld,
	"returning": soko.DeliveryReturning, "返送中": soko.DeliveryReturning, "返品中": soko.DeliveryReturning,
	"returned": soko.DeliveryReturned, "返送完了": soko.DeliveryReturned, "返品完了": soko.DeliveryReturned,
	"返送済み": soko.DeliveryReturned,
}

// ParseDeliveryStatus reads a status as partners and carriers' files write
// it: soko's own code (delivered), or a carrier's Japanese wording
// (配達完了, 持戻（ご不在）), in any width and with blanks or brackets.
func ParseDeliveryStatus(s string) (soko.DeliveryStatus, bool) {
	key := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune("()[]【】「」_-・↓⇒→", r):
			return -1
		}
		return unicode.ToLower(r)
	}, norm.NFKC.String(s))
	st, ok := carrierWords[key]
	return st, ok
}

// ImportStatus reads a status file: UTF-8 or Shift_JIS, a header row
// (a title above it is skipped) naming the tracking number, status and
// time columns, and optionally the place. It returns the rows it took and
// the lines it did not, with why; the error is for the file as a whole.
// Whose the tracking numbers are is for the caller to check.
func ImportStatus(r io.Reader) ([]StatusRow, []RowProblem, error) {
	text, err := readImport(r, "status")
	if err != nil {
		return nil, nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true

	var rows []StatusRow
	var problems []RowProblem
	fail := func(line int, field, ja, en string) {
		problems = append(problems, RowProblem{Row: line, Field: field, Message: soko.Text{JA: ja, EN: en}})
	}
	trackCol, statusCol, timeCol, placeCol, width := -1, -1, -1, -1, 0
	for records := 0; ; records++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			fail(perr.StartLine, "", "この行をCSVとして読めません", "the line is not valid CSV: "+perr.Err.Error())
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("carrier: read status file: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if trackCol < 0 {
			trackCol, statusCol, timeCol = findColumn(rec, statusTrackingHeaders), findColumn(rec, statusStatusHeaders), findColumn(rec, statusTimeHeaders)
			if trackCol < 0 || statusCol < 0 || timeCol < 0 {
				trackCol = -1
				if records+1 >= headerSearch {
					break
				}
				continue
			}
			placeCol, width, problems = findColumn(rec, statusPlaceHeaders), len(rec), nil
			continue
		}
		if blankRecord(rec) {
			continue
		}
		if len(rec) != width {
			fail(line, "", fmt.Sprintf("この行は%d列ですが、見出し行は%d列です（列がずれています）", len(rec), width),
				fmt.Sprintf("the line has %d fields but the header has %d (the columns are shifted)", len(rec), width))
			continue
		}
		row := StatusRow{Row: line}
		if placeCol >= 0 {
			row.Place = strings.TrimSpace(rec[placeCol])
		}
		raw := strings.TrimSpace(rec[trackCol])
		if row.TrackingNumber = NormalizeTrackingNumber(raw); row.TrackingNumber == "" {
			row.TrackingNumber = raw
		}
		if row.TrackingNumber == "" {
			fail(line, "伝票番号", "伝票番号がありません", "the tracking number is missing")
		}
		var statusOK bool
		if row.Status, statusOK = ParseDeliveryStatus(rec[statusCol]); !statusOK {
			fail(line, "状態", fmt.Sprintf("状態 %s は配達状況として読めません", quote(rec[statusCol])),
				fmt.Sprintf("status %s is not a delivery status", quote(rec[statusCol])))
		}
		at, timeOK := ParseStatusTime(rec[timeCol])
		if !timeOK {
			fail(line, "日時", fmt.Sprintf("日時 %s を読めません（例: 2026/12/05 14:30）", quote(rec[timeCol])),
				fmt.Sprintf("time %s cannot be read (e.g. 2026/12/05 14:30)", quote(rec[timeCol])))
		}
		row.At = at
		placeOK := utf8.RuneCountInString(row.Place) <= soko.MaxTrackingPlaceRunes
		if !placeOK {
			fail(line, "場所", fmt.Sprintf("場所は%d文字以内にしてください", soko.MaxTrackingPlaceRunes),
				fmt.Sprintf("the place is longer than %d characters", soko.MaxTrackingPlaceRunes))
		}
		if statusOK && timeOK && placeOK && row.TrackingNumber != "" {
			rows = append(rows, row)
		}
	}
	if trackCol < 0 {
		return nil, nil, soko.Errorf(soko.EINVALID, "no header with the columns tracking number (伝票番号), status (状態) and time (日時)").
			JA("見出し行に 伝票番号・状態・日時 の列が見つかりません").WithField("file", "no header")
	}
	return rows, problems, nil
}
