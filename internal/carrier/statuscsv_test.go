package carrier

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/soko"
)

func TestParseDeliveryStatus_CarriersWords(t *testing.T) {
	for in, want := range map[string]soko.DeliveryStatus{
		"delivered":        soko.DeliveryDelivered,
		"Out_For_Delivery": soko.DeliveryOutForDelivery,
		"配達完了":             soko.DeliveryDelivered,
		"⇒配達中":             soko.DeliveryOutForDelivery,
		"持戻（ご不在）":          soko.DeliveryAbsent, // Yamato's wording
		"持戻り":              soko.DeliveryAbsent, // Sagawa's
		"ご来店予定（保管中）":       soko.DeliveryHeld,
		"作業店通過":            soko.DeliveryInTransit,
		" 返送中 ":            soko.DeliveryReturning,
		"ｈｅｌｄ":             soko.DeliveryHeld, // full-width letters
	} {
		if got, ok := ParseDeliveryStatus(in); !ok || got != want {
			t.Errorf("ParseDeliveryStatus(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "lost", "配達", "DELIVERED!"} {
		if got, ok := ParseDeliveryStatus(in); ok {
			t.Errorf("ParseDeliveryStatus(%q) = %q, want refused", in, got)
		}
	}
}

func TestImportStatus_ShiftJISWithTitleAndProblems(t *testing.T) {
	file := "配達状況一覧 2026/12/05\r\n" + // a title above the header
		"場所,荷物状況,お問い合せ送り状No.,日時,備考\r\n" +
		"羽田クロノゲート,輸送中,1234-5678-9013,2026/12/04 21:15,\r\n" +
		"千代田丸の内センター,配達完了,123456789013,2026-12-05T10:30:00+09:00,置き配\r\n" +
		"千代田丸の内センター,紛失,123456789013,2026/12/05 11:00,\r\n" +
		"千代田丸の内センター,配達中,,2026/12/05 11:00,\r\n" +
		"千代田丸の内センター,配達中,123456789013,12月5日,\r\n" +
		"千代田丸の内センター,配達中,123456789013\r\n" +
		",,,,\r\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, problems, err := ImportStatus(strings.NewReader(sjis))
	if err != nil {
		t.Fatal(err)
	}
	want := []StatusRow{
		{Row: 3, TrackingNumber: "123456789013", Status: soko.DeliveryInTransit, At: time.Date(2026, 12, 4, 12, 15, 0, 0, time.UTC), Place: "羽田クロノゲート"},
		{Row: 4, TrackingNumber: "123456789013", Status: soko.DeliveryDelivered, At: time.Date(2026, 12, 5, 1, 30, 0, 0, time.UTC), Place: "千代田丸の内センター"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Field+"@"+string(rune('0'+p.Row)))
	}
	if strings.Join(got, " ") != "状態@5 伝票番号@6 日時@7 @8" {
		t.Errorf("problems %v: %+v", got, problems)
	}
}

func TestImportStatus_NoHeader(t *testing.T) {
	_, _, err := ImportStatus(strings.NewReader("伝票番号,日時\n123456789013,2026/12/05 10:00\n"))
	if soko.ErrorCode(err) != soko.EINVALID {
		t.Fatalf("a file without a status column: %v", err)
	}
}

func FuzzImportStatus(f *testing.F) {
	f.Add([]byte("伝票番号,状態,日時,場所\n123456789013,配達完了,2026/12/05 10:00,羽田\n"))
	f.Add([]byte("tracking_number,status,time\n1234-5678-9013,delivered,2026-12-05T10:00:00Z\n\"x,\"y\n"))
	f.Add([]byte("\xEF\xBB\xBFstatus,time,tracking number\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := ImportStatus(bytes.NewReader(data))
		if err != nil {
			if rows != nil || problems != nil {
				t.Fatal("a refused file returned rows")
			}
			return
		}
		for _, r := range rows {
			if r.TrackingNumber == "" || !r.Status.Valid() || r.At.IsZero() {
				t.Fatalf("row without its essentials: %+v", r)
			}
		}
	})
}
